/**
 * How the runtime answers a tab's request. Most methods go to the wire through the request table
 * (`protocol/method-table.ts`); the few that are special say so in `special` below.
 */
import {
  buildCall,
  executeCall,
  executeMethod,
  isMethodName,
  requesterEventsOf,
  type IndirectPush,
  type ResultWithEvents,
  type Send,
} from '../protocol/method-table';
import type { SdkEvent } from '../protocol/pushes';
import type { TabHello } from '../shared/contract';
import { SdkError } from '../shared/errors';
import type { MethodName } from '../shared/methods';
import type { Chat, ListChatsResult, ListThreadsResult, Page } from '../shared/types';
import type { Json } from '../shared/validate';
import type { ActiveChats } from './active-chats';
import type { ChatCache } from './cache';
import type { Clock } from './clock';
import type { Logger } from './log';
import type { OutboxSender } from './outbox-sender';
import { SneakPeekThrottle } from './sneak-peeks';

/** What the requests read and change of a tab. */
export interface RequestingTab {
  readonly tabId: string;
  readonly wantsConnection: boolean;
  hello: TabHello;
}

export interface TabRequestsDeps<T extends RequestingTab> {
  postTo(tab: T, event: SdkEvent): void;
  /** The tab's page changed: tell the server if it is the page the customer is looking at. */
  pageChanged(tab: T): void;
  connected(): boolean;
  /** The runtime ended (a terminal reason, or a newer generation took over). */
  ended(): boolean;
  /** A request on the connection; `owner` routes the pushes answering it to that tab alone. */
  request(action: string, payload: Json, options?: { resolvedBy?: IndirectPush; owner?: string }): Promise<Json>;
  cache: ChatCache;
  activeChats: ActiveChats;
  outbox: Pick<OutboxSender, 'sendEvent'>;
  clock: Clock;
  log: Logger;
}

/** The methods whose answers the cache keeps (see `cacheSlot`); each is one request. */
type CacheableMethod = 'listChats' | 'getChat' | 'listThreads';

type CacheableResult = ResultWithEvents<CacheableMethod>['result'];

interface CacheSlot {
  read(): CacheableResult | undefined;
  store(result: CacheableResult): void;
}

export class TabRequests<T extends RequestingTab> {
  private readonly sneakPeeks: SneakPeekThrottle;

  /** The methods answered otherwise than by sending them as they are. */
  private readonly special: Partial<Record<MethodName, (tab: T, params: unknown) => Promise<unknown>>> = {
    // The page is this tab's state: remembered for later logins and focus changes, and sent now
    // only if this is the tab the customer is looking at (the server tracks one page).
    updateCustomerPage: async (tab, params) => {
      const page = buildCall('updateCustomerPage', params).payload as Page;
      tab.hello = { ...tab.hello, page };
      if (tab.wantsConnection) this.deps.pageChanged(tab);
      return undefined;
    },
    // Throttled per chat, for every tab together.
    setSneakPeek: async (tab, params) => {
      const { payload } = buildCall('setSneakPeek', params);
      if (!tab.wantsConnection) return undefined;
      return this.sneakPeeks.offer(payload);
    },
    listChats: (tab, params) => this.cached('listChats', tab, params),
    getChat: (tab, params) => this.cached('getChat', tab, params),
    listThreads: (tab, params) => this.cached('listThreads', tab, params),
    sendEvent: async (tab, params) =>
      tab.hello.outbox === true
        ? this.deps.outbox.sendEvent(params, { assertCanSend: () => this.assertCanSend(tab), send: (given) => this.send(tab, 'sendEvent', given) })
        : this.send(tab, 'sendEvent', params),
  };

  constructor(private readonly deps: TabRequestsDeps<T>) {
    this.sneakPeeks = new SneakPeekThrottle(deps.clock, (payload) =>
      // v5 (and the official SDK): only while connected, only to an active chat; a failure is nobody's business.
      deps.connected() && deps.activeChats.has(String(payload.chat_id))
        ? deps.request('send_sneak_peek', payload).then(
            () => undefined,
            (error: unknown) => deps.log('debug', 'send_sneak_peek failed', error),
          )
        : Promise.resolve(),
    );
  }

  async request(tab: T, method: MethodName, params: unknown): Promise<unknown> {
    if (!isMethodName(method)) throw new SdkError('VALIDATION', `Unknown method "${String(method)}"`);
    const special = this.special[method];
    return special ? special(tab, params) : this.send(tab, method, params);
  }

  private async send(tab: T, method: MethodName, params: unknown): Promise<unknown> {
    // Parameters are validated inside executeMethod before `send` runs, so a bad argument is
    // reported as VALIDATION even when the tab is not connected.
    const { result, requesterEvents } = await executeMethod(method, params, this.sender(tab));
    for (const event of requesterEvents) this.deps.postTo(tab, event);
    return result;
  }

  private async cached(method: CacheableMethod, tab: T, params: unknown): Promise<unknown> {
    // Built once: it validates (a bad argument throws VALIDATION here, connected or not), keys
    // the cache lookup, is what goes on the wire on a miss, and keys what the answer is kept as.
    const call = buildCall(method, params);
    const slot = this.cacheSlot(method, call.payload);
    const cached = slot && this.cacheIsExactFor(tab) ? slot.read() : undefined;
    const outcome: ResultWithEvents<CacheableMethod> = cached
      ? { result: cached, requesterEvents: requesterEventsOf(method, cached as never) }
      : await executeCall(method, call, this.sender(tab));
    if (!cached) slot?.store(outcome.result);
    if (method === 'listChats') this.deps.activeChats.noteList(outcome.result as ListChatsResult);
    if (method === 'getChat') this.deps.activeChats.noteChat(outcome.result as Chat);
    for (const event of outcome.requesterEvents) this.deps.postTo(tab, event);
    return outcome.result;
  }

  /** How a tab's request reaches the connection: only while it wants the connection; pushes answering it go to it alone. */
  private sender(tab: T): Send {
    return (action, payload, resolvedBy) => {
      this.assertCanSend(tab);
      return this.deps.request(action, payload, resolvedBy ? { resolvedBy, owner: tab.tabId } : { owner: tab.tabId });
    };
  }

  private assertCanSend(tab: T): void {
    if (this.deps.ended()) throw new SdkError('SDK_DESTROYED', 'SDK destroyed.');
    if (!tab.wantsConnection) throw new SdkError('NO_CONNECTION', 'No connection: this tab is disconnected.');
  }

  /** The cache answers only while this tab is connected: it is exact only while every push reaches it. */
  private cacheIsExactFor(tab: T): boolean {
    return !this.deps.ended() && tab.wantsConnection && this.deps.connected();
  }

  /**
   * Where the cache keeps the answer to a call, if it keeps one: `listChats` (first page),
   * `getChat` (the latest thread) and `listThreads` (a page asked before in this login). `read`
   * answers without a round trip when the entry is known exact; `store` keeps what the server
   * just answered, for the next tab that asks.
   */
  private cacheSlot(method: CacheableMethod, payload: Json): CacheSlot | undefined {
    const cache = this.deps.cache;
    const chatId = String(payload.chat_id);
    if (method === 'listChats') {
      if (payload.page_id !== undefined) return undefined;
      const limit = Number(payload.limit);
      return { read: () => cache.listChats(limit), store: (result) => cache.storeList(limit, result as ListChatsResult) };
    }
    if (method === 'getChat') {
      const threadId = typeof payload.thread_id === 'string' ? payload.thread_id : undefined;
      return {
        read: () => cache.getChat(chatId, threadId),
        // With a thread id the answer may be an older thread: only the latest one is kept.
        store: (result) => {
          if (threadId === undefined) cache.storeChat(result as Chat);
        },
      };
    }
    const key = JSON.stringify(payload);
    return { read: () => cache.listThreads(chatId, key), store: (result) => cache.storeThreads(chatId, key, result as ListThreadsResult) };
  }
}
