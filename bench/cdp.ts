/**
 * Heap sizes over the Chrome DevTools Protocol. Pages have their own CDP session; a SharedWorker is
 * invisible to Playwright, so it is found among the browser's targets and spoken to through
 * `Target.sendMessageToTarget`: Playwright's browser session drops the replies of flattened child
 * sessions (it only routes sessions it created itself), so the non-flattened mode is the one that works.
 * Both kinds of target are read by the same functions, through a `TargetSession`.
 */
import type { Browser, CDPSession, Page } from '@playwright/test';

interface HeapUsage {
  usedSize: number;
  totalSize: number;
}

/** A heap after a forced GC: V8's `usedSize`, and a snapshot's self sizes split into code and the rest. */
export interface HeapReading {
  usedSize: number;
  /** Bytecode, compiled code, feedback vectors: grows as V8 compiles more of the program, then stops. */
  codeBytes: number;
  /** Everything else: the objects a leak would keep. */
  objectBytes: number;
}

export interface SnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
}

/** Sums a V8 heap snapshot's node self sizes by kind. Pure. */
export function heapBreakdown(snapshot: SnapshotJson): { codeBytes: number; objectBytes: number } {
  const fields = snapshot.snapshot.meta.node_fields;
  const typeNames = snapshot.snapshot.meta.node_types[0];
  const typeAt = fields.indexOf('type');
  const sizeAt = fields.indexOf('self_size');
  if (typeAt < 0 || sizeAt < 0) throw new Error('heap snapshot without type or self_size fields');
  let codeBytes = 0;
  let objectBytes = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const size = snapshot.nodes[i + sizeAt]!;
    if (typeNames[snapshot.nodes[i + typeAt]!] === 'code') codeBytes += size;
    else objectBytes += size;
  }
  return { codeBytes, objectBytes };
}

/** One attached target (a page or a worker), whichever way CDP reaches it. */
interface TargetSession {
  call(method: string, params?: object): Promise<unknown>;
  /** The chunks of the snapshot being taken: a snapshot arrives as events, not as the call's result. */
  chunks: string[];
}

async function usedHeapAfterGc(target: TargetSession): Promise<number> {
  await target.call('HeapProfiler.collectGarbage');
  return ((await target.call('Runtime.getHeapUsage')) as HeapUsage).usedSize;
}

async function readHeap(target: TargetSession): Promise<HeapReading> {
  const usedSize = await usedHeapAfterGc(target);
  target.chunks.length = 0;
  await target.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  return { usedSize, ...heapBreakdown(JSON.parse(target.chunks.join('')) as SnapshotJson) };
}

/** Runs `use` with a CDP session of this page, detached afterwards whatever happens. */
async function withPageSession<T>(page: Page, use: (target: TargetSession) => Promise<T>): Promise<T> {
  const session = await page.context().newCDPSession(page);
  const chunks: string[] = [];
  session.on('HeapProfiler.addHeapSnapshotChunk', (event: { chunk: string }) => chunks.push(event.chunk));
  try {
    // Playwright types `send` per method; the bench names methods as strings, as it does for workers.
    return await use({ call: (method, params) => session.send(method as 'Runtime.getHeapUsage', params), chunks });
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/** This page's JS heap after a forced full GC, in bytes. */
export const pageHeap = (page: Page): Promise<number> => withPageSession(page, usedHeapAfterGc);

/** This page's heap after a forced GC, with a snapshot's breakdown (slower than `pageHeap`). */
export const pageHeapReading = (page: Page): Promise<HeapReading> => withPageSession(page, readHeap);

/** The CDP id of the browser context a page belongs to. */
const contextIdOf = (page: Page): Promise<string> =>
  withPageSession(page, async (target) => ((await target.call('Target.getTargetInfo')) as { targetInfo: { browserContextId: string } }).targetInfo.browserContextId);

export interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
  /** For a SharedWorker, its name. */
  title?: string;
  browserContextId?: string;
}

/** Runs `use` with a browser-wide CDP session (which SharedWorkers need), closed afterwards whatever happens. */
export async function withInspector<T>(browser: Browser, use: (inspector: BrowserInspector) => Promise<T>): Promise<T> {
  const inspector = new BrowserInspector(await browser.newBrowserCDPSession());
  try {
    return await use(inspector);
  } finally {
    await inspector.close();
  }
}

export class BrowserInspector {
  constructor(private readonly session: CDPSession) {}

  /** SharedWorkers running for the browser context `page` belongs to. */
  async sharedWorkers(page: Page): Promise<TargetInfo[]> {
    return this.sharedWorkersOf(await contextIdOf(page));
  }

  /** The CDP id of the page's browser context, to look its workers up later without touching the page again. */
  contextId(page: Page): Promise<string> {
    return contextIdOf(page);
  }

  /** SharedWorkers running for this browser context (a browser-wide call: no page is involved). */
  async sharedWorkersOf(browserContextId: string): Promise<TargetInfo[]> {
    const { targetInfos } = (await this.session.send('Target.getTargets')) as { targetInfos: TargetInfo[] };
    return targetInfos.filter((target) => target.type === 'shared_worker' && target.browserContextId === browserContextId);
  }

  /**
   * Closes a target. For a SharedWorker the browser terminates it at once, as a crash would: its
   * connections (MessagePorts, sockets) drop and its Web Locks are released.
   */
  async closeTarget(targetId: string): Promise<void> {
    const { success } = (await this.session.send('Target.closeTarget', { targetId })) as { success?: boolean };
    // A target Chromium cannot close is an error (thrown by `send`) or, in older versions, `success: false`.
    if (success === false) throw new Error(`CDP Target.closeTarget(${targetId}) answered success: false`);
  }

  /** The one SharedWorker of the page's context, or undefined where there is none (the official SDK). */
  async sharedWorker(page: Page): Promise<TargetInfo | undefined> {
    const workers = await this.sharedWorkers(page);
    if (workers.length > 1) throw new Error(`expected one SharedWorker in the context, found ${workers.length}`);
    return workers[0];
  }

  /** The worker's JS heap after a forced GC, in bytes. */
  workerHeap(targetId: string): Promise<number> {
    return this.withWorker(targetId, usedHeapAfterGc);
  }

  /** The worker's heap after a forced GC, with a snapshot's breakdown. */
  workerHeapReading(targetId: string): Promise<HeapReading> {
    return this.withWorker(targetId, readHeap);
  }

  async close(): Promise<void> {
    await this.session.detach().catch(() => undefined);
  }

  private async withWorker<T>(targetId: string, use: (target: TargetSession) => Promise<T>): Promise<T> {
    const { sessionId } = (await this.session.send('Target.attachToTarget', { targetId, flatten: false })) as { sessionId: string };
    const chunks: string[] = [];
    const onChunk = (event: { sessionId: string; message: string }) => {
      if (event.sessionId !== sessionId || !event.message.includes('"HeapProfiler.addHeapSnapshotChunk"')) return;
      chunks.push((JSON.parse(event.message) as { params: { chunk: string } }).params.chunk);
    };
    this.session.on('Target.receivedMessageFromTarget', onChunk);
    try {
      return await use({ call: (method, params = {}) => this.call(sessionId, method, params), chunks });
    } finally {
      this.session.off('Target.receivedMessageFromTarget', onChunk);
      await this.session.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
    }
  }

  private nextId = 0;

  private call(sessionId: string, method: string, params: object): Promise<unknown> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.session.off('Target.receivedMessageFromTarget', onMessage);
        reject(new Error(`CDP ${method} on the worker timed out`));
      }, 20_000);
      const onMessage = (event: { sessionId: string; message: string }) => {
        if (event.sessionId !== sessionId) return;
        const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
        if (message.id !== id) return;
        clearTimeout(timer);
        this.session.off('Target.receivedMessageFromTarget', onMessage);
        if (message.error) reject(new Error(`CDP ${method} on the worker failed: ${message.error.message}`));
        else resolve(message.result);
      };
      this.session.on('Target.receivedMessageFromTarget', onMessage);
      this.session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch((error: unknown) => {
        clearTimeout(timer);
        this.session.off('Target.receivedMessageFromTarget', onMessage);
        reject(error);
      });
    });
  }
}
