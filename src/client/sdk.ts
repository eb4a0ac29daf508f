/**
 * The `CustomerSDK` object a tab gets from `init()`: the Customer SDK v5 methods and events,
 * forwarded to the runtime that owns the connection. Listeners are local to the tab.
 */
import type * as Comlink from 'comlink';
import type { DestroyOptions, RuntimeMessage, RuntimeRestarts, RuntimeStatus, TabHello, TabHooks, TabPortApi } from '../shared/contract';
import { fromEnvelope, SdkError, toEnvelope, type Envelope } from '../shared/errors';
import type { SdkEventListener, SdkEventName } from '../shared/events';
import { METHOD_NAMES } from '../shared/method-names';
import type { MethodName, ParamsOf, ResultOf } from '../shared/methods';
import type { Chat, ChatEvent, CustomerAuth } from '../shared/types';
import { fail, optionalBoolean, optionalObject, requireObject, requireString } from '../shared/validate';
import { queryLiveIncarnation } from '../shared/supervision';
import { PROTOCOL_VERSION } from '../shared/version';
import { attachTo, type Attached } from './attach';
import { createTokenSource } from './auth';
import { runtimeConfig, type ResolvedConfig } from './config';
import { SeenEvents } from '../shared/seen';
import { realTimers, TIMED_OUT, withDeadline, type Timers } from './deadline';
import { callListener, Emitter } from './emitter';
import type { ChatHistory } from './history';
import { claimTab, randomId, storedTabId, type TabClaim } from './tab';
import { chooseMode, fallbackMode, openSharedWorkerAt, openTransport, type Transport, type TransportMode } from './transport';
import { transportOptions, workerBase, type Warmed } from './warm-up';
import type { Outbox } from './outbox';
import type { SupervisedTab } from './supervise';
import { ATTACH_TIMEOUT_MS, CALL_TIMEOUT_MS, SUPERVISION_DEFERRAL_MS } from './timeouts';
import type { UploadFileParams, UploadHandle } from './upload';

/**
 * Every request method of the v5 API, typed from `MethodMap`: `getCustomer()`, `startChat(params?)`,
 * `sendEvent(params)`, `listChats(params?)`, … (a parameter typed `void` may be omitted).
 */
export type RequestMethods = { [M in MethodName]: (params: ParamsOf<M>) => Promise<ResultOf<M>> };

export interface CustomerSDK extends Omit<RequestMethods, 'setSneakPeek'> {
  /**
   * Sends what the customer is typing to the agent, if the chat is active (v5: returns nothing).
   * Throws VALIDATION at once for bad arguments; a send that fails later is dropped.
   */
  setSneakPeek(params: ParamsOf<'setSneakPeek'>): void;
  /** The token source this tab uses (`@livechat/customer-auth`, the app's identityProvider, or the server's cookie grant). */
  readonly auth: CustomerAuth;
  connect(): void;
  disconnect(): void;
  /**
   * Detaches this tab for good. `{ clearCache: true }` (this SDK only) also wipes the customer's
   * cached chats and outbox from this browser when this is the last tab (e.g. on logout). Throws
   * VALIDATION for bad options.
   */
  destroy(options?: DestroyOptions): void;
  /**
   * An async iterator over the chat's threads, newest page first (each page oldest thread first).
   * Throws VALIDATION at once for a bad `chatId`.
   */
  getChatHistory(params: { chatId: string }): ChatHistory;
  /**
   * Uploads a file (at most 10 MiB) from this tab over HTTP and returns `{ promise, cancel }` at
   * once; the promise resolves with the server's `{ url }`. Rejects with VALIDATION, TOO_BIG_FILE,
   * UPLOAD_CANCELED, UPLOAD_FAILED, SDK_DESTROYED or the server's error code (`ENTITY_TOO_LARGE`, …).
   */
  uploadFile(params: UploadFileParams): UploadHandle;
  on<E extends SdkEventName>(name: E, listener: SdkEventListener<E>): void;
  once<E extends SdkEventName>(name: E, listener: SdkEventListener<E>): void;
  off<E extends SdkEventName>(name: E, listener: SdkEventListener<E>): void;
  /** Not in the v5 API: this tab's id (the login's `tab_id` while this tab has the focus); resolves once the tab has claimed it. */
  getTabId(): Promise<string>;
  /**
   * Not in the v5 API: the runtime this tab is attached to, its connection state, and `restarts`:
   * how often this tab's runtime was replaced (crashed, hung, or a newer version took over).
   */
  getRuntimeStatus(): Promise<RuntimeStatus & { restarts: RuntimeRestarts }>;
  /** Not in the v5 API: calls `listener` with every change of the runtime's status; returns an unsubscribe function. */
  onRuntimeStatus(listener: (status: RuntimeStatus) => void): () => void;
  /**
   * Not in the v5 API: whether this tab is the one that should play a sound or show a notification
   * for a new event: the focused tab, else the most recently focused one. Exactly one connected tab
   * of a browser answers `true` at a time, so a widget chimes once, not once per tab.
   */
  shouldNotify(): boolean;
}

/** Rejects with RUNTIME_UNAVAILABLE when the runtime does not answer within CALL_TIMEOUT_MS. */
async function deadline<T>(promise: Promise<T>, what: string, clock: Timers): Promise<T> {
  const outcome = await withDeadline(promise, CALL_TIMEOUT_MS, clock);
  if (outcome === TIMED_OUT) throw new SdkError('RUNTIME_UNAVAILABLE', `The runtime did not answer ${what} within ${CALL_TIMEOUT_MS} ms.`);
  return outcome;
}

/** A value postMessage cannot clone (a function, a DOM node) is the caller's mistake, not the runtime's. */
function callError(error: unknown): SdkError {
  if (error instanceof SdkError) return error;
  if (error instanceof DOMException && error.name === 'DataCloneError') {
    return new SdkError('VALIDATION', `"params" must be plain data: ${error.message}`, { field: 'params' });
  }
  return new SdkError('RUNTIME_UNAVAILABLE', `The runtime failed: ${error instanceof Error ? error.message : String(error)}`);
}

const pageHasFocus = () => document.visibilityState === 'visible' && document.hasFocus();

/** Who a tab says it is when it attaches: its claimed id and lock, or (`provisional`) an id not claimed yet. */
type Identity = { tabId: string; lockName?: string; provisional?: boolean };

/** Rejects every call in flight on one attachment when its runtime is lost. */
const LOST = Symbol('runtime lost');
function lossSignal(): { promise: Promise<never>; fire(): void } {
  let fire!: () => void;
  const promise = new Promise<never>((_, reject) => (fire = () => reject(LOST)));
  promise.catch(() => undefined);
  return { promise, fire };
}

/** `clock`: the tab's deadlines and its runtime's watch (tests pass a ManualClock). */
/** `early`: the shared worker `init()` connected to (or `warmUp()` started) before this ran (`startEarly`). */
export function createSdk(config: ResolvedConfig, early: Warmed | undefined, clock: Timers = realTimers): CustomerSDK {
  if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('tab: createSdk');
  const firstMode = chooseMode(config.mode, config.workerUrl);
  const base = workerBase(config);
  const options = (incarnation: number) => transportOptions(config, incarnation, () => seen.snapshot());
  const earlyTransport = early?.transport;
  const emitter = new Emitter();
  // startEarly() made it, or warmUp() (its code loaded), where it is to be used.
  const auth = early?.auth || createTokenSource(config);
  const askToken = () => void auth.getToken().catch(() => undefined);
  const runtime = runtimeConfig(config);
  const pending = new Set<(error: SdkError) => void>();
  const statusListeners = new Set<(status: RuntimeStatus) => void>();
  let destroyed = false;
  let transport: Transport | undefined;
  let claim: TabClaim | undefined;
  let events: MessagePort | undefined;
  let notifierTabId: string | null = null;
  /** Whether the last connection event this tab got was `connected`. */
  let connected = false;
  let stopWatch: (() => void) | undefined;
  let lost = lossSignal();
  /** Set while this tab replaces a runtime that died or hung; calls wait for it. */
  let recovering: Promise<void> | undefined;
  const restarts: RuntimeRestarts = { count: 0, lastCause: null, lastRecoveryMs: null };
  /** This tab's wish, sent again when it attaches again (after an eviction, a move, a new leader). */
  let wantsConnection = config.autoConnect;
  const seen = new SeenEvents();
  /**
   * Settles at this tab's first `connected` or `disconnected`, or after `SUPERVISION_DEFERRAL_MS`:
   * what a tab needs only afterwards (watching its runtime) is loaded then, not on the start-up path,
   * where a chunk's evaluation would delay the token a first tab hands to the runtime.
   */
  let startedUp!: () => void;
  const startUpDone = new Promise<void>((resolve) => (startedUp = resolve));
  /** `outbox: true` only: loaded at init, not paid for by tabs without it. */
  let outbox: Outbox | undefined;
  const outboxReady = config.outbox
    ? import('./outbox').then(({ createOutbox }) => (outbox = createOutbox({ send: (params) => call((api) => api.request('sendEvent', params)), pending })))
    : undefined;

  // Keeps the hooks proxy strongly referenced for the tab's life: Comlink drops calls to a collected proxy.
  const hooks: TabHooks = {
    getToken: (fresh): Promise<Envelope<Awaited<ReturnType<CustomerAuth['getToken']>>>> => {
      if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('tab: asked for a token');
      return toEnvelope(() => (fresh ? auth.getFreshToken() : auth.getToken()));
    },
    // Plain data as the app returned it: the runtime checks it (see customerDataFrom).
    getCustomerData: () => toEnvelope(() => config.customerDataProvider?.() ?? null),
  };

  const onMessage = (message: RuntimeMessage) => {
    if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.(`tab: runtime message ${message.kind === 'event' ? message.name : message.kind}`);
    if (destroyed) return;
    switch (message.kind) {
      case 'event': {
        if (message.name === 'connected' || message.name === 'disconnected') {
          // The app sees `connected` and `disconnected` alternate. A tab that attaches again to the
          // runtime it is connected through (a dedicated-mode follower attaches to a new leader
          // both from its announcement and from recovery) gets `connected` replayed once more.
          if (message.name === 'connected' && connected) return;
          connected = message.name === 'connected';
          if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.(`tab: ${message.name}`);
          startedUp();
        }
        if (message.name === 'incoming_event') {
          // Told twice (a replaced runtime's catch-up reaches tabs that had it): once is enough.
          if (!seen.noteEvent(message.payload.chatId, message.payload.event)) return;
          // This tab's own queued message, sent at last: it is the caller's result, not an event here.
          if (outbox?.delivered(message.payload.event)) return;
        }
        if (message.name === 'incoming_chat') seen.noteChat(message.payload.chat);
        // What the tab paints from the cache counts as told: a fresh runtime need not repeat it.
        if (message.name === 'cached_state') for (const chat of message.payload.chats) seen.noteChat(chat);
        emitter.emit(message.name, message.payload as never);
        return;
      }
      case 'outbox':
        outbox?.settled(message);
        return;
      case 'status':
        for (const listener of [...statusListeners]) callListener(listener, message.status);
        return;
      case 'notifier':
        notifierTabId = message.tabId;
        return;
      case 'ping':
        heartbeat();
        return;
      case 'moved':
        void supervise().then(({ moveTo }) => moveTo(supervised, message));
        return;
      // `evicted` (dropped while frozen) needs nothing: the next heartbeat or call attaches again.
      case 'log':
        console[message.level](`[livechat-multitab runtime] ${message.message}`, ...(message.detail ? [message.detail] : []));
        return;
      case 'destroyed':
        // The session ended for every tab (banned, too many connections…): `disconnected` came first.
        teardown(new SdkError('SDK_DESTROYED', `SDK destroyed (${message.reason}).`), 'none');
        return;
    }
  };

  /** Asks the runtime behind `next` to attach this tab; its messages go to `deliver` from now on. */
  const attachRaw = (next: Transport, tab: Identity, deliver = onMessage): Promise<Attached> => {
    const hello: TabHello = {
      protocol: PROTOCOL_VERSION,
      tabId: tab.tabId,
      runtime,
      wantsConnection,
      focused: pageHasFocus(),
      seen: seen.snapshot(),
      debug: config.debug,
      outbox: config.outbox,
      page: config.page,
      referrer: config.referrer,
      lockName: tab.lockName,
      hasCustomerDataProvider: !!config.customerDataProvider,
      provisional: tab.provisional,
    };
    const attached = Promise.race([attachTo(next.api, hello, hooks, deliver, ATTACH_TIMEOUT_MS, clock), next.failed]);
    if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('tab: attach posted');
    return attached;
  };

  /**
   * Attaches this tab to the runtime behind `next`, which then becomes the one its calls go to, and
   * watches that runtime: its death or hang starts `recover`. Throws what the runtime refused with.
   */
  const attachVia = async (next: Transport, tab: TabClaim): Promise<void> => adopt(next, await attachRaw(next, tab));

  const adopt = (next: Transport, attached: Attached): void => {
    const info = fromEnvelope(attached.envelope);
    stopWatch?.();
    stopWatch = undefined;
    events?.close();
    events = attached.events;
    transport = next;
    lost = lossSignal();
    if (next.mode === 'inline') return; // the page is the runtime: it cannot die without the tab
    // Loaded off the start-up path; a tab that moved on meanwhile does not watch this runtime.
    void startUpDone.then(supervise).then(({ superviseRuntime, recover }) => {
      if (destroyed || transport !== next || stopWatch) return;
      stopWatch = superviseRuntime(
        next,
        info,
        heartbeat,
        (cause) => {
          if (!destroyed && transport === next) recovering ??= recover(supervised, cause, next).finally(() => (recovering = undefined));
        },
        clock,
      );
    });
  };

  /**
   * A shared-mode tab attaches within `init()`, under a fresh id (or its explicit `tabId`), before
   * it knows which id is its own or which incarnation of the runtime is alive, and learns both
   * once the runtime answered: its stored id (a blocking `sessionStorage` read on a page's first
   * use) and its Web Lock are off the way to `connected`. `settle(true, tab)` keeps that attach
   * (the first incarnation is the live one) and tells the runtime the claimed id; otherwise, or
   * when the runtime refused it, the tab attaches again the usual way. Until then a `moved` from
   * the runtime waits: the attach may not be kept.
   */
  const attachEarly = (next: Transport, tabId: string) => {
    let kept: boolean | undefined;
    const held: RuntimeMessage[] = [];
    const deliver = (message: RuntimeMessage) => {
      if (kept === false) return;
      if (kept === undefined && message.kind === 'moved') held.push(message);
      else onMessage(message);
    };
    const attempt = attachRaw(next, { tabId, provisional: true }, deliver);
    // Settles once the runtime answered (or failed to); never rejects.
    const answered = attempt.catch(() => undefined);
    const drop = () => {
      kept = false;
      void attempt.then((attached) => {
        // Attached under an id another tab owns, or not kept: let the runtime forget that attach.
        if (attached.envelope.ok) void next.api.leave().catch(() => undefined);
        attached.events.close();
        next.close();
      }, () => next.close());
      return false;
    };
    const settle = async (keep: boolean, tab: TabClaim): Promise<boolean> => {
      if (!keep) return drop();
      let attached: Attached;
      try {
        attached = await attempt;
      } catch (error) {
        kept = false;
        next.close();
        throw error;
      }
      if (!attached.envelope.ok && attached.envelope.error.code === 'NOT_ATTACHED') return drop();
      try {
        adopt(next, attached);
        // Its claimed id (a reload keeps its stored one) and the lock that tells the runtime of its death.
        fromEnvelope(await (next.api as Comlink.Remote<Required<TabPortApi>>).claimed(tab.tabId, tab.lockName));
      } catch (error) {
        if (SdkError.from(error).code === 'NOT_ATTACHED') return drop();
        next.close();
        throw error;
      }
      kept = true;
      for (const message of held.splice(0)) onMessage(message);
      return true;
    };
    return { settle, answered };
  };

  /** Attaches in the first mode that works; settles with the claimed tab id. */
  const attach = async (): Promise<string> => {
    const provisional = config.tabId ?? randomId();
    const first = earlyTransport && attachEarly(earlyTransport, provisional);
    // Once the attach is posted: the page's first use of Web Locks sets them up (a shared-mode tab has them).
    const locks = earlyTransport && navigator.locks;
    // The runtime may have been replaced (a hung one keeps its name): join the live incarnation.
    const live = locks ? queryLiveIncarnation(locks, base) : -1;
    // No runtime alive: the one just started will ask this tab for a token; ask now, while it boots.
    if (locks && wantsConnection) void Promise.resolve(live).then((found) => found === -1 && askToken());
    if (first) await first.answered;
    const wanted = config.tabId ?? storedTabId() ?? provisional;
    if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('tab: stored id read');
    const [tab, incarnation] = await Promise.all([claimTab(runtime.organizationId, config.tabId, wanted), live]);
    claim = tab;
    if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('tab: id claimed, live incarnation found');
    let mode = firstMode;
    try {
      if (first && (await first.settle(incarnation <= 0, tab))) return tab.tabId;
    } catch (error) {
      if (!canFallBack(mode, error)) throw error;
      mode = fallBack(error);
    }
    const shared = options(Math.max(0, incarnation));
    for (;;) {
      if (destroyed) throw new SdkError('SDK_DESTROYED', 'SDK destroyed.');
      const next = await openTransport(mode, shared);
      try {
        await attachVia(next, tab);
        return tab.tabId;
      } catch (error) {
        next.close();
        if (!canFallBack(mode, error)) throw error;
        mode = fallBack(error);
      }
    }
  };

  // A SharedWorker can fail at start-up even where it exists (policies, WebView bugs).
  const canFallBack = (mode: TransportMode, error: unknown) =>
    mode === 'shared' && config.mode === 'auto' && SdkError.from(error).code === 'RUNTIME_UNAVAILABLE';
  const fallBack = (error: unknown): TransportMode => {
    const mode = fallbackMode();
    console.warn(`[livechat-multitab] the shared runtime failed to start; falling back to ${mode} mode.`, error);
    return mode;
  };

  const ready = attach();
  // After the attach is posted (the page's first timer costs a little).
  clock.setTimeout(startedUp, SUPERVISION_DEFERRAL_MS);
  ready.catch((error: unknown) => {
    console.error('[livechat-multitab] could not attach to the runtime:', error);
  });

  /** What supervise.ts may do with this tab to replace its runtime, and no more. */
  const supervised: SupervisedTab = {
    debug: config.debug,
    restarts,
    attach: (next) => attachVia(next, claim!),
    open: (url, name, type) => openSharedWorkerAt(url, { name, extendedLifetime: config.extendedLifetime }, type),
    current: () => transport,
    ended: () => destroyed,
    lose: (gone) => {
      stopWatch?.();
      lost.fire();
      // In dedicated mode the route change says so itself (follower.ts).
      if (connected && gone.mode === 'shared') onMessage({ kind: 'event', name: 'disconnected', payload: { reason: 'connection_lost' } });
    },
    outdated: () => {
      emitter.emit('disconnected', { reason: 'sdk_updated' });
      teardown(new SdkError('SDK_DESTROYED', 'SDK destroyed: a newer version of the SDK took over.'), 'none');
    },
  };
  const supervise = () => import('./supervise');

  let reattaching: Promise<void> | undefined;
  /** Attaches again on the same transport, once however many calls ask at the same time. */
  const reattach = () =>
    (reattaching ??= (async () => {
      try {
        if (!transport || !claim) throw new SdkError('RUNTIME_UNAVAILABLE', 'Not attached yet.');
        await attachVia(transport, claim);
      } finally {
        reattaching = undefined;
      }
    })());

  /**
   * Calls the runtime. A runtime that no longer knows this tab (it restarted with its memory
   * wiped, or dropped the tab while it was frozen) answers NOT_ATTACHED: the tab attaches again,
   * getting the current state replayed, and retries once. A runtime lost while the call was in
   * flight: `idempotent` calls go again to its replacement; the rest reject with CONNECTION_LOST.
   */
  const call = async <T>(invoke: (api: Comlink.Remote<TabPortApi>) => Promise<Envelope<T>>, idempotent = false): Promise<T> => {
    if (destroyed) throw new SdkError('SDK_DESTROYED', 'SDK destroyed.');
    await ready.catch((error: unknown) => {
      throw callError(error);
    });
    for (let attempt = 0; ; attempt++) {
      if (recovering) await deadline(recovering, 'while it was being replaced', clock);
      try {
        // The transport now, not the one `ready` saw: the tab may have moved since.
        return await callOnce(transport!.api, invoke);
      } catch (error) {
        if (error === LOST) {
          if (idempotent && attempt < 2) continue;
          throw new SdkError('CONNECTION_LOST', 'The runtime was lost while the request was in flight.');
        }
        if (destroyed || !(error instanceof SdkError) || error.code !== 'NOT_ATTACHED' || attempt > 0) throw error;
        await reattach();
      }
    }
  };

  const callOnce = <T>(api: Comlink.Remote<TabPortApi>, invoke: (api: Comlink.Remote<TabPortApi>) => Promise<Envelope<T>>): Promise<T> => {
    if (destroyed) return Promise.reject(new SdkError('SDK_DESTROYED', 'SDK destroyed.'));
    const loss = lost.promise;
    return new Promise<T>((resolve, reject) => {
      pending.add(reject);
      Promise.race([deadline(Promise.resolve().then(() => invoke(api)), 'a call', clock), loss])
        .then((envelope) => fromEnvelope(envelope))
        .then(resolve, (error: unknown) => reject(error === LOST ? LOST : callError(error)))
        .finally(() => pending.delete(reject));
    });
  };

  const request = async <M extends MethodName>(method: M, params: unknown): Promise<ResultOf<M>> => {
    const result =
      method === 'sendEvent' && outboxReady
        ? ((await (await outboxReady).send(params)) as ResultOf<M>)
        : await call((api) => api.request(method, params) as Promise<Envelope<ResultOf<M>>>);
    // This tab's own messages and chats come back as results, not events: remember them too.
    if (method === 'sendEvent') seen.noteEvent((params as { chatId: string }).chatId, result as ChatEvent);
    if (method === 'startChat' || method === 'resumeChat') seen.noteChat((result as { chat: Chat }).chat);
    return result;
  };

  const fireAndForget = (what: string, invoke: (api: Comlink.Remote<TabPortApi>) => Promise<Envelope<void>>) => {
    call(invoke, true).catch((error: unknown) => console.warn(`[livechat-multitab] ${what} failed:`, error));
  };

  const heartbeat = () => {
    if (!destroyed) fireAndForget('heartbeat', (api) => api.heartbeat());
  };

  // Not called once destroyed: teardown removes it.
  const onFocusChange = () => {
    // Waking up (tab shown again) is also when a frozen tab learns it was dropped, via NOT_ATTACHED.
    if (document.visibilityState === 'visible') heartbeat();
    fireAndForget('focus update', (api) => api.setFocus(pageHasFocus()));
  };

  // A page leaving for good detaches at once; one going into the back/forward cache stays attached.
  const onPageHide = (event: PageTransitionEvent) => {
    if (!event.persisted) teardown(new SdkError('SDK_DESTROYED', 'The page was unloaded.'), 'leave');
  };
  // Back from the back/forward cache: the runtime may have dropped this tab meanwhile.
  const onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) heartbeat();
  };

  const listeners: Array<[string, EventListener]> = [
    ['pagehide', onPageHide as EventListener],
    ['pageshow', onPageShow as EventListener],
    ['focus', onFocusChange],
    ['blur', onFocusChange],
  ];
  for (const [type, listener] of listeners) addEventListener(type, listener);
  document.addEventListener('visibilitychange', onFocusChange);

  /** Ends this instance; `destroy` tells the runtime to drop the tab now, `leave` lets the socket linger for the next page. */
  function teardown(error: SdkError, tellRuntime: 'destroy' | 'leave' | 'none', destroyOptions?: DestroyOptions): void {
    if (destroyed) return;
    destroyed = true;
    stopWatch?.();
    for (const reject of pending) reject(error);
    pending.clear();
    emitter.clear();
    statusListeners.clear();
    for (const [type, listener] of listeners) removeEventListener(type, listener);
    document.removeEventListener('visibilitychange', onFocusChange);
    const finish = () => {
      events?.close();
      transport?.close();
      claim?.release();
    };
    const current = transport;
    if (tellRuntime !== 'none' && current) {
      const told = tellRuntime === 'destroy' ? current.api.destroy(destroyOptions) : current.api.leave();
      told.then(finish, finish);
    } else {
      ready.then(finish, finish);
    }
  }

  if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('tab: init() returns');
  return {
    auth,
    connect: () => {
      wantsConnection = true;
      fireAndForget('connect()', (api) => api.connect());
    },
    disconnect: () => {
      wantsConnection = false;
      fireAndForget('disconnect()', (api) => api.disconnect());
    },
    destroy: (options?: DestroyOptions) => {
      const given = optionalObject(options, 'options');
      const clearCache = optionalBoolean(given?.clearCache, 'options.clearCache') === true;
      teardown(new SdkError('SDK_DESTROYED', 'SDK destroyed.'), 'destroy', clearCache ? { clearCache } : undefined);
    },
    ...(Object.fromEntries(METHOD_NAMES.map((name) => [name, (params: unknown) => request(name, params)])) as RequestMethods),
    setSneakPeek: (params) => {
      const { chatId, sneakPeekText } = requireObject(params, 'params');
      requireString(chatId, 'chatId');
      if (typeof sneakPeekText !== 'string') fail('sneakPeekText', 'a string', sneakPeekText);
      // Nothing to hand back: a failure (no connection, destroy()) must not become an unhandled rejection.
      request('setSneakPeek', params).catch(() => undefined);
    },
    on: (name, listener) => emitter.on(name, listener),
    once: (name, listener) => emitter.once(name, listener),
    off: (name, listener) => emitter.off(name, listener),
    getChatHistory: (params) => {
      // Bad params throw at once, as before; the pager itself is loaded on the first next(), and
      // next() calls made meanwhile reach it in order.
      const chatId = requireString(requireObject(params, 'params').chatId, 'chatId');
      let pager: Promise<ChatHistory> | undefined;
      const load = () =>
        (pager ??= import('./history').then(({ chatHistory }) => chatHistory({ chatId }, (page) => request('listThreads', page))));
      return { next: () => load().then((history) => history.next()) };
    },
    uploadFile: (params) => {
      if (destroyed) return { promise: Promise.reject(new SdkError('SDK_DESTROYED', 'SDK destroyed.')), cancel: () => {} };
      // The upload code is loaded on the first upload (every byte here is paid in every tab); a
      // cancel() or destroy() before it arrived stops the upload before anything is sent.
      let upload: ReturnType<typeof import('./upload').startUpload> | undefined;
      let stopped: SdkError | undefined;
      const abort = (error: SdkError) => {
        stopped ??= error;
        upload?.abort(error);
      };
      const promise = import('./upload').then(
        ({ startUpload, uploadUrl }) => {
          // Canceled or destroyed while the code loaded: nothing is started, no token asked for.
          if (stopped) return Promise.reject(stopped);
          // The region the tab was configured with: a misdirect learned by the runtime is not known here.
          upload = startUpload(params, { url: uploadUrl(runtime, runtime.region), getToken: () => auth.getToken() });
          return upload.promise;
        },
        (error: unknown) => Promise.reject(SdkError.from(error)),
      );
      // destroy() ends an upload in flight, as it rejects every other pending call.
      pending.add(abort);
      const done = () => pending.delete(abort);
      promise.then(done, done);
      return { promise, cancel: () => abort(new SdkError('UPLOAD_CANCELED', 'Upload canceled.')) };
    },
    getTabId: () => ready,
    getRuntimeStatus: () => call((api) => api.status(), true).then((status) => ({ ...status, restarts: { ...restarts } })),
    onRuntimeStatus: (listener) => {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    shouldNotify: () => !destroyed && notifierTabId === claim?.tabId,
  };
}
