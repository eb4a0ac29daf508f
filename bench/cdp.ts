/**
 * Heap sizes over the Chrome DevTools Protocol. Pages have their own CDP session; a SharedWorker is
 * invisible to Playwright, so it is found among the browser's targets and spoken to through
 * `Target.sendMessageToTarget`: Playwright's browser session drops the replies of flattened child
 * sessions (it only routes sessions it created itself), so the non-flattened mode is the one that works.
 */
import type { Browser, BrowserContext, CDPSession, Page } from '@playwright/test';

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

/** Runs a forced GC, reads the heap usage and takes a snapshot, through any way of calling CDP. */
async function readHeap(call: (method: string, params?: object) => Promise<unknown>, chunks: string[]): Promise<HeapReading> {
  await call('HeapProfiler.collectGarbage');
  const usage = (await call('Runtime.getHeapUsage')) as HeapUsage;
  chunks.length = 0;
  await call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  return { usedSize: usage.usedSize, ...heapBreakdown(JSON.parse(chunks.join('')) as SnapshotJson) };
}

/** This page's heap after a forced GC, with a snapshot's breakdown (slower than `pageHeap`). */
export async function pageHeapReading(page: Page): Promise<HeapReading> {
  const session = await page.context().newCDPSession(page);
  const chunks: string[] = [];
  session.on('HeapProfiler.addHeapSnapshotChunk', (event: { chunk: string }) => chunks.push(event.chunk));
  try {
    return await readHeap((method, params) => session.send(method as 'Runtime.getHeapUsage', params), chunks);
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/** This page's JS heap after a forced full GC, in bytes. */
export async function pageHeap(page: Page): Promise<number> {
  const session = await page.context().newCDPSession(page);
  try {
    await session.send('HeapProfiler.collectGarbage');
    const usage = (await session.send('Runtime.getHeapUsage')) as HeapUsage;
    return usage.usedSize;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/** The CDP id of a Playwright context, read from one of its pages. */
export async function contextId(page: Page): Promise<string> {
  const session = await page.context().newCDPSession(page);
  try {
    const { targetInfo } = (await session.send('Target.getTargetInfo')) as { targetInfo: { browserContextId: string } };
    return targetInfo.browserContextId;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
  browserContextId?: string;
}

export class BrowserInspector {
  private constructor(private readonly session: CDPSession) {}

  static async open(browser: Browser): Promise<BrowserInspector> {
    return new BrowserInspector(await browser.newBrowserCDPSession());
  }

  /** SharedWorkers running for the context `page` belongs to. */
  async sharedWorkers(context: BrowserContext, page: Page): Promise<TargetInfo[]> {
    if (page.context() !== context) throw new Error('page is not in context');
    const id = await contextId(page);
    const { targetInfos } = (await this.session.send('Target.getTargets')) as { targetInfos: TargetInfo[] };
    return targetInfos.filter((target) => target.type === 'shared_worker' && target.browserContextId === id);
  }

  /** The worker's JS heap after a forced GC, in bytes. */
  async workerHeap(targetId: string): Promise<number> {
    return this.withWorker(targetId, async (call) => {
      await call('HeapProfiler.collectGarbage');
      return ((await call('Runtime.getHeapUsage')) as HeapUsage).usedSize;
    });
  }

  /** The worker's heap after a forced GC, with a snapshot's breakdown. */
  async workerHeapReading(targetId: string): Promise<HeapReading> {
    return this.withWorker(targetId, (call, chunks) => readHeap(call, chunks));
  }

  private async withWorker<T>(targetId: string, use: (call: (method: string, params?: object) => Promise<unknown>, chunks: string[]) => Promise<T>): Promise<T> {
    const { sessionId } = (await this.session.send('Target.attachToTarget', { targetId, flatten: false })) as { sessionId: string };
    const chunks: string[] = [];
    const onChunk = (event: { sessionId: string; message: string }) => {
      if (event.sessionId !== sessionId || !event.message.includes('"HeapProfiler.addHeapSnapshotChunk"')) return;
      chunks.push((JSON.parse(event.message) as { params: { chunk: string } }).params.chunk);
    };
    this.session.on('Target.receivedMessageFromTarget', onChunk);
    try {
      return await use((method, params = {}) => this.call(sessionId, method, params), chunks);
    } finally {
      this.session.off('Target.receivedMessageFromTarget', onChunk);
      await this.session.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.session.detach().catch(() => undefined);
  }

  private nextId = 0;

  private call(sessionId: string, method: string, params: object = {}): Promise<unknown> {
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
      this.session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
    });
  }
}
