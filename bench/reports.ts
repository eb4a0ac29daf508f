/**
 * Where bench pages report what they measured, so that the harness never has to touch a measured
 * page: a page opened with `?report=URL&run=ID` posts each report (a `navigator.sendBeacon`, fired
 * after the times are taken) to this server, and the harness waits here for the run's reports.
 * Its own server on a random loopback port, never behind the latency proxy: a report's delivery
 * is not part of anything measured.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PageReport } from './pages/harness';

export type { PageReport } from './pages/harness';

interface Waiter {
  count: number;
  resolve(reports: PageReport[]): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class ReportBoard {
  private readonly received = new Map<string, PageReport[]>();
  private readonly waiters = new Map<string, Waiter>();

  private constructor(
    private readonly server: Server,
    /** The URL pages post to. */
    readonly url: string,
  ) {}

  static async start(): Promise<ReportBoard> {
    let board: ReportBoard | undefined;
    const server = createServer((req, res) => {
      // A beacon is a no-cors request: its answer is never read, any 2xx will do.
      res.setHeader('Access-Control-Allow-Origin', '*');
      if (req.method !== 'POST') {
        res.writeHead(req.method === 'OPTIONS' ? 204 : 405).end();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.writeHead(204).end();
        try {
          board?.add(JSON.parse(Buffer.concat(chunks).toString('utf8')) as PageReport);
        } catch (error) {
          console.error(`[bench] unreadable page report: ${(error as Error).message}`);
        }
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    board = new ReportBoard(server, `http://127.0.0.1:${port}/report`);
    return board;
  }

  /** Resolves with the first `count` reports of run `run` (in arrival order), or rejects after `timeoutMs`. */
  wait(run: string, count = 1, timeoutMs = 30_000): Promise<PageReport[]> {
    if (this.waiters.has(run)) return Promise.reject(new Error(`run ${run} is already awaited`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(run);
        const got = this.received.get(run) ?? [];
        reject(new Error(`run ${run}: ${got.length} of ${count} page report(s) within ${timeoutMs} ms (${JSON.stringify(got)})`));
      }, timeoutMs);
      this.waiters.set(run, { count, resolve, reject, timer });
      this.check(run);
    });
  }

  /** Forgets a run's reports (after its wait, so that a long bench does not keep them all). */
  forget(run: string): void {
    this.received.delete(run);
  }

  close(): Promise<void> {
    return new Promise((done) => {
      this.server.closeAllConnections();
      this.server.close(() => done());
    });
  }

  private add(report: PageReport): void {
    const list = this.received.get(report.run) ?? [];
    list.push(report);
    this.received.set(report.run, list);
    this.check(report.run);
  }

  private check(run: string): void {
    const waiter = this.waiters.get(run);
    const got = this.received.get(run) ?? [];
    if (waiter === undefined || got.length < waiter.count) return;
    this.waiters.delete(run);
    clearTimeout(waiter.timer);
    waiter.resolve(got.slice(0, waiter.count));
  }
}
