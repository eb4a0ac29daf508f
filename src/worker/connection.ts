/**
 * The one connection: a single explicit state machine that owns the socket, the login, the ping,
 * the reconnect schedule and the reaction to every disconnection reason. States and transitions:
 * docs/architecture.md ("The connection").
 */
import { SdkError } from '../shared/errors';
import type { IndirectPush } from '../protocol/method-table';
import { parseDisconnected, parseLoginResponse } from '../protocol/parse';
import type { ConnectedPayload, DisconnectedPayload, Region, Token } from '../shared/types';
import { isPlainObject, type Json } from '../shared/validate';
import { API_VERSION } from '../shared/version';
import { Backoff } from './backoff';
import { Heartbeat } from './heartbeat';
import { Timer, type Clock } from './clock';
import type { Logger } from './log';
import { reasonPolicy } from './reasons';
import { PendingRequests, type Answer } from './pending-requests';

export type ConnectionState =
  | 'idle'
  | 'connecting'
  | 'logging_in'
  | 'connected'
  | 'reconnecting'
  | 'paused'
  | 'destroyed';

/**
 * The part of a WebSocket the connection uses. Handler events are `any` because the DOM's and
 * `ws`'s event classes differ while both carry `data` on messages.
 */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

export interface ConnectionDeps {
  url(region: Region): string;
  region: Region;
  createSocket: SocketFactory;
  clock: Clock;
  random?: () => number;
  getToken(fresh: boolean): Promise<Token>;
  /** The login payload without `token`: customer data, page, referrer, group, tab id. */
  loginPayload(): Promise<Json>;
  log: Logger;
  /**
   * Whether a runtime this one replaced is still alive but hung: its socket counts at the server
   * until the server drops it for silence (about 30 s). A `too_many_connections` refusal then waits
   * for that instead of ending every tab's session. Absent: never.
   */
  predecessorHung?(): Promise<boolean>;
}

export interface ConnectionListener {
  stateChanged(state: ConnectionState): void;
  customerId(id: string): void;
  /** `reported`: the server said so first (`customer_disconnected` identity_mismatch), and `disconnected` went out then. */
  identityChanged(previousId: string, newId: string, reported: boolean): void;
  connected(payload: ConnectedPayload): void;
  disconnected(payload: DisconnectedPayload): void;
  unstable(): void;
  recovered(): void;
  /** A server push other than `customer_disconnected`; `answer` is set when it answered a request. */
  push(action: string, payload: Json, answer?: Answer): void;
  /** The session ended for good (a terminal server reason). */
  destroyed(reason: string): void;
}

export const CONNECT_TIMEOUT_MS = 15_000;
/** How long a login refused because of a hung predecessor's socket waits before it is tried again. */
export const PREDECESSOR_WAIT_MS = 10_000;
/** Pause before a reconnect the server asked for (token expiry, internal error). */
export const SOON_MS = 100;

const WS_OPEN = 1;
const WS_CONNECTING = 0;
const WS_CLOSED = 3;

export class Connection {
  private current: ConnectionState = 'idle';
  private generation = 0;
  private socket: SocketLike | undefined;
  private region: Region;
  private customer: string | undefined;
  private freshTokenNext = false;
  /** The server pushed identity_mismatch: the fresh token's customer decides whether the identity changed. */
  private mismatchReported = false;
  private readonly heartbeat: Heartbeat;
  private readonly requests: PendingRequests;
  private readonly backoff: Backoff;
  private readonly reconnectTimer: Timer;
  private readonly connectTimer: Timer;

  constructor(
    private readonly deps: ConnectionDeps,
    private readonly listener: ConnectionListener,
  ) {
    this.region = deps.region;
    this.requests = new PendingRequests(deps.clock, deps.random);
    this.backoff = new Backoff({ baseMs: 500, maxMs: 30_000, ...(deps.random ? { random: deps.random } : {}) });
    this.reconnectTimer = new Timer(deps.clock);
    this.connectTimer = new Timer(deps.clock);
    this.heartbeat = new Heartbeat({
      clock: deps.clock,
      ping: () => {
        if (!this.socket) return false;
        try {
          this.socket.send(JSON.stringify({ action: 'ping', payload: {} }));
        } catch (error) {
          this.deps.log('debug', 'Ping failed to send', error);
        }
        return true;
      },
      connected: () => this.current === 'connected',
      unstable: () => listener.unstable(),
      recovered: () => listener.recovered(),
      dead: () => {
        this.deps.log('warn', 'No traffic since the last ping; reconnecting');
        this.lost();
      },
    });
  }

  get state(): ConnectionState {
    return this.current;
  }

  get customerId(): string | undefined {
    return this.customer;
  }

  /** Connects unless already connected or on the way; also wakes a paused or waiting connection. */
  start(): void {
    if (this.current === 'idle' || this.current === 'paused' || this.current === 'reconnecting') {
      this.reconnectTimer.clear();
      this.open();
    }
  }

  /** Closes the socket without an event: no tab wants the connection any more. */
  stop(): void {
    if (this.current === 'destroyed' || this.current === 'idle') return;
    this.reconnectTimer.clear();
    this.teardown(new SdkError('CONNECTION_LOST', 'The connection was closed: no tab wants it any more.'));
    this.setState('idle');
  }

  /** Ends the connection for good; requests in flight fail with `pendingError`. */
  destroy(pendingError = new SdkError('SDK_DESTROYED', 'SDK destroyed.')): void {
    if (this.current === 'destroyed') return;
    this.reconnectTimer.clear();
    this.teardown(pendingError);
    this.setState('destroyed');
  }

  /** The browser is back online: a waiting reconnect happens now instead of after its delay. */
  networkOnline(): void {
    if (this.current === 'reconnecting') this.start();
  }

  /** The browser went offline: report instability at once and probe the socket. */
  networkOffline(): void {
    if (this.current !== 'connected') return;
    this.heartbeat.markUnstable();
    this.heartbeat.probe();
  }

  /** Sends a request; resolves with the response payload (or the answering push's payload). */
  request(
    action: string,
    payload: Json,
    options: { resolvedBy?: IndirectPush; owner?: string } = {},
  ): Promise<Json> {
    if (this.current === 'destroyed') return Promise.reject(new SdkError('SDK_DESTROYED', 'SDK destroyed.'));
    if (this.current !== 'connected' || !this.socket) {
      return Promise.reject(new SdkError('NO_CONNECTION', 'No connection.'));
    }
    return this.send(this.socket, action, payload, options);
  }

  /** Rejects the requests a tab made, e.g. when it left. */
  abandon(owner: string, error: SdkError): void {
    this.requests.rejectOwner(owner, error);
  }

  private send(
    socket: SocketLike,
    action: string,
    payload: Json,
    options: { resolvedBy?: IndirectPush; owner?: string },
    version?: string,
  ): Promise<Json> {
    let opened: { requestId: string; answer: Promise<Json> };
    try {
      opened = this.requests.open(action, options);
    } catch (error) {
      return Promise.reject(error);
    }
    const frame: Json = { request_id: opened.requestId, action, payload };
    if (version) frame.version = version;
    try {
      socket.send(JSON.stringify(frame));
    } catch (error) {
      this.requests.cancel(opened.requestId, new SdkError('CONNECTION_LOST', `Could not send "${action}": ${String(error)}`));
    }
    return opened.answer;
  }

  private setState(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    this.listener.stateChanged(state);
  }

  private open(): void {
    const generation = ++this.generation;
    // The socket first: its handshake is the longest step of a start, and runs while the rest is set up.
    let socket: SocketLike | undefined;
    let failure: unknown;
    try {
      socket = this.deps.createSocket(this.deps.url(this.region));
      if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('worker: socket created');
    } catch (error) {
      failure = error;
    }
    this.setState('connecting');
    const fresh = this.freshTokenNext;
    this.freshTokenNext = false;
    const token = this.deps.getToken(fresh);
    if (globalThis.__LIVECHAT_PROFILE__) void token.then(() => globalThis.__livechatProfileStep?.('worker: token received'), () => undefined);
    // The token names the customer, once per token: as soon as it comes while the socket is not
    // open yet (the runtime opens that customer's cache while the service may still be
    // unreachable), else just after the login it completes is sent, which neither telling the tabs
    // nor opening the cache should delay. Errors are handled in login().
    let loginWaits = false;
    let noted = false;
    const noteIdentity = (value: Token) => {
      if (noted || generation !== this.generation) return;
      noted = true;
      this.noteIdentity(value.entityId);
    };
    token.then((value) => loginWaits || noteIdentity(value), () => undefined);
    if (!socket) {
      this.deps.log('error', 'Could not create the WebSocket', failure);
      this.scheduleReconnect(this.backoff.next());
      return;
    }
    this.socket = socket;
    const current = () => generation === this.generation;
    socket.onopen = () => {
      if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('worker: socket open');
      if (!current()) return;
      loginWaits = true;
      void this.login(generation, socket, token, noteIdentity);
    };
    socket.onmessage = (event: { data: unknown }) => {
      if (current()) this.receive(event.data);
    };
    socket.onclose = () => {
      if (current()) this.lost();
    };
    socket.onerror = () => {
      // A `close` always follows an `error`; the reconnect is decided there.
    };
    this.connectTimer.set(CONNECT_TIMEOUT_MS, () => {
      if (current() && this.current === 'connecting') {
        this.deps.log('warn', 'The socket did not open in time');
        this.lost();
      }
    });
    // A socket created before the runtime asked for it (a tab's preconnect, host.ts) may have opened
    // or closed already, its event fired at no handler: a browser sets readyState in the task that
    // fires the event, so OPEN or CLOSED here means that event is gone, and is handled now.
    if (socket.readyState === WS_OPEN) socket.onopen?.(undefined);
    else if (socket.readyState === WS_CLOSED) socket.onclose?.(undefined);
  }

  /** `noteIdentity`: tells the runtime whose token it is, if open() has not already. */
  private async login(generation: number, socket: SocketLike, tokenPromise: Promise<Token>, noteIdentity: (token: Token) => void): Promise<void> {
    const current = () => generation === this.generation;
    let token: Token;
    try {
      token = await tokenPromise;
    } catch (error) {
      if (!current()) return;
      this.deps.log('warn', 'No customer token; retrying', error);
      this.teardown(SdkError.from(error, 'TOKEN_UNAVAILABLE'));
      this.scheduleReconnect(this.backoff.next());
      return;
    }
    if (!current()) return;
    const loginPayload = await this.deps.loginPayload();
    if (!current()) return;
    this.connectTimer.clear();
    const payload = { ...loginPayload, token: `${token.tokenType} ${token.accessToken}` };
    // Sent before the tabs hear of it (state, customer): the server's answer waits for neither.
    const answer = this.send(socket, 'login', payload, {}, API_VERSION);
    if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('worker: login sent');
    this.setState('logging_in');
    noteIdentity(token);
    let response: Json;
    try {
      response = await answer;
      if (globalThis.__LIVECHAT_PROFILE__) globalThis.__livechatProfileStep?.('worker: login answered');
    } catch (error) {
      if (current()) this.loginFailed(SdkError.from(error));
      return;
    }
    if (!current()) return;
    let connected: ConnectedPayload;
    try {
      connected = parseLoginResponse(response);
    } catch (error) {
      this.loginFailed(new SdkError('INTERNAL', `Malformed login response: ${String(error)}`));
      return;
    }
    this.backoff.reset();
    // Logged in as the customer the server had asked about (same identity after all): nothing pending.
    this.mismatchReported = false;
    // The tabs hear `connected`, what an app waits for, before the status that says so (a message
    // each, handled by a tab in turn).
    this.current = 'connected';
    this.heartbeat.start();
    this.listener.connected(connected);
    this.listener.stateChanged('connected');
  }

  private loginFailed(error: SdkError): void {
    const reason = error.code.toLowerCase();
    const policy = reasonPolicy(reason);
    // A login refused for a reason that ends or pauses the session is handled like that reason.
    if (policy.action === 'destroy' || policy.action === 'pause') {
      this.applyReason({ reason });
      return;
    }
    this.deps.log('warn', `Login failed (${error.code}); retrying`, error.message);
    if (error.code === 'AUTHENTICATION') this.freshTokenNext = true;
    this.teardown(error);
    this.scheduleReconnect(this.backoff.next());
  }

  /** `too_many_connections`: one of them is our hung predecessor's, which the server will drop. */
  private afterRefusal(generation: number, predecessorHung: boolean, event: DisconnectedPayload): void {
    if (generation !== this.generation || this.current !== 'reconnecting') return; // stopped or started anew meanwhile
    if (!predecessorHung) {
      this.applyReason(event, true);
      return;
    }
    this.deps.log('warn', 'Too many connections: a hung runtime this one replaced still holds one; trying again once the server drops it');
    this.scheduleReconnect(PREDECESSOR_WAIT_MS);
  }

  private noteIdentity(entityId: string): void {
    if (this.customer === undefined) {
      this.customer = entityId;
      this.listener.customerId(entityId);
    } else if (this.customer !== entityId) {
      const previousId = this.customer;
      this.customer = entityId;
      const reported = this.mismatchReported;
      this.mismatchReported = false;
      this.listener.identityChanged(previousId, entityId, reported);
    }
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') {
      this.deps.log('warn', 'Ignored a non-text frame');
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      this.deps.log('warn', 'Ignored a frame that is not JSON', data.slice(0, 200));
      return;
    }
    if (!isPlainObject(frame) || typeof frame.action !== 'string') {
      this.deps.log('warn', 'Ignored a frame without an action', data.slice(0, 200));
      return;
    }
    this.heartbeat.traffic();
    const payload = isPlainObject(frame.payload) ? frame.payload : {};
    const requestId = typeof frame.request_id === 'string' ? frame.request_id : undefined;
    if (frame.type === 'response') {
      if (requestId && !this.requests.settleResponse(requestId, frame.success === true, payload)) {
        this.deps.log('debug', `Response to an unknown request ${requestId} (${frame.action})`);
      }
      return;
    }
    if (frame.action === 'customer_disconnected') {
      this.applyReason(parseDisconnected(payload));
      return;
    }
    const answer = requestId ? this.requests.settlePush(frame.action, requestId, payload) : undefined;
    this.listener.push(frame.action, payload, answer);
  }

  private applyReason(event: DisconnectedPayload, predecessorChecked = false): void {
    if (event.reason === 'too_many_connections' && this.deps.predecessorHung && !predecessorChecked) {
      const generation = this.generation + 1;
      this.teardown(new SdkError('CONNECTION_LOST', 'Connection lost (too_many_connections).'));
      this.setState('reconnecting');
      const decide = (hung: boolean) => this.afterRefusal(generation, hung, event);
      this.deps.predecessorHung().then(decide, () => decide(false));
      return;
    }
    const policy = reasonPolicy(event.reason);
    const pendingError =
      policy.action === 'switch_region'
        ? new SdkError('MISDIRECTED_CONNECTION', 'Connected to wrong region.')
        : new SdkError('CONNECTION_LOST', `Connection lost (${event.reason}).`);
    this.teardown(pendingError);
    if (event.reason === 'identity_mismatch') this.mismatchReported = true;
    this.listener.disconnected(event);
    switch (policy.action) {
      case 'reconnect':
        if (policy.freshToken) this.freshTokenNext = true;
        this.scheduleReconnect(policy.soon ? SOON_MS : this.backoff.next());
        return;
      case 'switch_region': {
        const region = event.region;
        if (typeof region === 'string' && /^[a-z0-9-]{1,32}$/.test(region)) this.region = region as Region;
        this.scheduleReconnect(0);
        return;
      }
      case 'pause':
        this.setState('paused');
        return;
      case 'destroy':
        this.setState('destroyed');
        this.listener.destroyed(event.reason);
        return;
    }
  }

  /** The socket closed or went silent without a reason from the server. */
  private lost(): void {
    const wasConnected = this.current === 'connected';
    this.teardown(new SdkError('CONNECTION_LOST', 'Connection lost.'));
    if (wasConnected) this.listener.disconnected({ reason: 'connection_lost' });
    this.scheduleReconnect(this.backoff.next());
  }

  private scheduleReconnect(delayMs: number): void {
    this.setState('reconnecting');
    this.reconnectTimer.set(delayMs, () => this.open());
  }

  /** Detaches from the current socket (its late callbacks are ignored) and fails what was in flight. */
  private teardown(pendingError: SdkError): void {
    this.generation += 1;
    this.connectTimer.clear();
    this.heartbeat.stop();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      // Not null: closing a socket that is still connecting raises an `error` event, which `ws`
      // (a Node host) throws when nothing listens.
      socket.onerror = () => undefined;
      if (socket.readyState === WS_OPEN || socket.readyState === WS_CONNECTING) {
        try {
          socket.close(1000);
        } catch (error) {
          this.deps.log('debug', 'Closing the socket failed', error);
        }
      }
    }
    this.requests.rejectAll(pendingError);
  }
}
