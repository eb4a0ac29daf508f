/**
 * The `CustomerSDK` object a tab gets from `init()`: the Customer SDK v5 methods and events,
 * forwarded to the runtime that owns the connection. Listeners are local to the tab.
 */
import * as Comlink from 'comlink';
import type { AttachInfo, RuntimeMessage, RuntimeStatus, TabHooks, TabPortApi } from '../shared/contract';
import { workerName } from '../shared/contract';
import { fromEnvelope, SdkError, toEnvelope, type Envelope } from '../shared/errors';
import type { SdkEventListener, SdkEventName } from '../shared/events';
import type { MethodName, ParamsOf, ResultOf } from '../shared/methods';
import type { CustomerAuth } from '../shared/types';
import { PROTOCOL_VERSION } from '../shared/version';
import { authConfig, createTokenSource } from './auth';
import { customerData, runtimeConfig, type ResolvedConfig } from './config';
import { Emitter } from './emitter';
import { claimTab, type TabClaim } from './tab';
import { chooseMode, openTransport, type Transport } from './transport';

/** Longer than the runtime's own 15 s request timeout: this one only fires if the runtime is gone. */
const CALL_TIMEOUT_MS = 20_000;
const ATTACH_TIMEOUT_MS = 15_000;

export interface CustomerSDK {
  /** The token source this tab uses (`@livechat/customer-auth`, the app's identityProvider, or the server's cookie grant). */
  readonly auth: CustomerAuth;
  /** This tab's id, as sent in `login.tab_id`; resolves once the tab has claimed it. */
  getTabId(): Promise<string>;
  connect(): void;
  disconnect(): void;
  destroy(): void;
  getCustomer(): Promise<ResultOf<'getCustomer'>>;
  startChat(params?: ParamsOf<'startChat'>): Promise<ResultOf<'startChat'>>;
  sendEvent(params: ParamsOf<'sendEvent'>): Promise<ResultOf<'sendEvent'>>;
  listChats(params?: ParamsOf<'listChats'>): Promise<ResultOf<'listChats'>>;
  on<E extends SdkEventName>(name: E, listener: SdkEventListener<E>): void;
  once<E extends SdkEventName>(name: E, listener: SdkEventListener<E>): void;
  off<E extends SdkEventName>(name: E, listener: SdkEventListener<E>): void;
  /** Not in the v5 API: what runtime this tab is attached to, and its connection state. */
  getRuntimeStatus(): Promise<RuntimeStatus>;
}

interface Attached {
  api: Comlink.Remote<TabPortApi>;
  tabId: string;
}

function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new SdkError('RUNTIME_UNAVAILABLE', `The runtime did not answer ${what} within ${ms} ms.`)),
      ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** A value postMessage cannot clone (a function, a DOM node) is the caller's mistake, not the runtime's. */
function callError(error: unknown): SdkError {
  if (error instanceof SdkError) return error;
  if (error instanceof DOMException && error.name === 'DataCloneError') {
    return new SdkError('VALIDATION', `"params" must be plain data: ${error.message}`, { field: 'params' });
  }
  return new SdkError('RUNTIME_UNAVAILABLE', `The runtime failed: ${error instanceof Error ? error.message : String(error)}`);
}

export function createSdk(config: ResolvedConfig): CustomerSDK {
  chooseMode(config.mode);
  const emitter = new Emitter();
  const auth = createTokenSource(authConfig(config));
  const runtime = runtimeConfig(config);
  const pending = new Set<(error: SdkError) => void>();
  let destroyed = false;
  let transport: Transport | undefined;
  let claim: TabClaim | undefined;
  let events: MessagePort | undefined;

  // Keeps the hooks proxy strongly referenced for the tab's life: Comlink drops calls to a collected proxy.
  const hooks: TabHooks = {
    getToken: (fresh): Promise<Envelope<Awaited<ReturnType<CustomerAuth['getToken']>>>> =>
      toEnvelope(() => (fresh ? auth.getFreshToken() : auth.getToken())),
  };

  const onMessage = (message: RuntimeMessage) => {
    if (destroyed) return;
    if (message.kind === 'event') {
      emitter.emit(message.name, message.payload as never);
    } else {
      // The session ended for every tab (banned, too many connections…): `disconnected` came first.
      teardown(new SdkError('SDK_DESTROYED', `SDK destroyed (${message.reason}).`), false);
    }
  };

  const attach = async (): Promise<Attached> => {
    claim = await claimTab(runtime.organizationId, config.tabId);
    if (destroyed) throw new SdkError('SDK_DESTROYED', 'SDK destroyed.');
    transport = openTransport(workerName(runtime));
    const channel = new MessageChannel();
    events = channel.port1;
    events.onmessage = (event: MessageEvent<RuntimeMessage>) => onMessage(event.data);
    const hello = {
      protocol: PROTOCOL_VERSION,
      tabId: claim.tabId,
      runtime,
      wantsConnection: config.autoConnect,
      ...(config.page ? { page: { ...config.page } } : {}),
      ...(config.referrer !== undefined ? { referrer: config.referrer } : {}),
      ...(claim.lockName ? { lockName: claim.lockName } : {}),
    };
    const data = customerData(config);
    const envelope = await Promise.race([
      deadline(
        transport.api.attach(
          data ? { ...hello, customerData: data } : hello,
          Comlink.proxy(hooks),
          Comlink.transfer(channel.port2, [channel.port2]),
        ) as Promise<Envelope<AttachInfo>>,
        ATTACH_TIMEOUT_MS,
        'attach',
      ),
      transport.failed,
    ]);
    fromEnvelope(envelope);
    return { api: transport.api, tabId: claim.tabId };
  };

  const ready = attach();
  ready.catch((error: unknown) => {
    console.error('[livechat-multitab] could not attach to the runtime:', error);
  });

  const call = async <T>(invoke: (api: Comlink.Remote<TabPortApi>) => Promise<Envelope<T>>): Promise<T> => {
    if (destroyed) throw new SdkError('SDK_DESTROYED', 'SDK destroyed.');
    const { api } = await ready.catch((error: unknown) => {
      throw callError(error);
    });
    return new Promise<T>((resolve, reject) => {
      const rejectPending = (error: SdkError) => reject(error);
      pending.add(rejectPending);
      deadline(
        Promise.resolve().then(() => invoke(api)),
        CALL_TIMEOUT_MS,
        'a call',
      )
        .then((envelope) => fromEnvelope(envelope))
        .then(resolve, (error: unknown) => reject(callError(error)))
        .finally(() => pending.delete(rejectPending));
    });
  };

  const request = <M extends MethodName>(method: M, params: unknown): Promise<ResultOf<M>> =>
    call((api) => api.request(method, params) as Promise<Envelope<ResultOf<M>>>);

  const fireAndForget = (what: string, invoke: (api: Comlink.Remote<TabPortApi>) => Promise<Envelope<void>>) => {
    call(invoke).catch((error: unknown) => console.warn(`[livechat-multitab] ${what} failed:`, error));
  };

  function teardown(error: SdkError, tellRuntime: boolean): void {
    if (destroyed) return;
    destroyed = true;
    for (const reject of pending) reject(error);
    pending.clear();
    emitter.clear();
    removeEventListener('pagehide', onPageHide);
    const finish = () => {
      events?.close();
      transport?.close();
      claim?.release();
    };
    if (tellRuntime && transport) {
      transport.api.destroy().then(finish, finish);
    } else {
      ready.then(finish, finish);
    }
  }

  // A page leaving for good detaches at once; one going into the back/forward cache stays attached.
  const onPageHide = (event: PageTransitionEvent) => {
    if (!event.persisted) teardown(new SdkError('SDK_DESTROYED', 'The page was unloaded.'), true);
  };
  addEventListener('pagehide', onPageHide);

  return {
    auth,
    getTabId: () => ready.then((attached) => attached.tabId),
    connect: () => fireAndForget('connect()', (api) => api.connect()),
    disconnect: () => fireAndForget('disconnect()', (api) => api.disconnect()),
    destroy: () => teardown(new SdkError('SDK_DESTROYED', 'SDK destroyed.'), true),
    getCustomer: () => request('getCustomer', undefined),
    startChat: (params) => request('startChat', params),
    sendEvent: (params) => request('sendEvent', params),
    listChats: (params) => request('listChats', params),
    on: (name, listener) => emitter.on(name, listener),
    once: (name, listener) => emitter.once(name, listener),
    off: (name, listener) => emitter.off(name, listener),
    getRuntimeStatus: () => call((api) => api.status()),
  };
}
