// The control API (`/__emulator/*` but files): what tests and the agent console read (chats, customers,
// greetings, sockets, stats) and do (agent actions, faults, latency, pause, outage, restart, reset).
// Its request and response types are control.ts, shared with the typed client.
import type { Hub } from './hub';
import type {
  BanBody,
  ChatSnapshot,
  CustomerSnapshot,
  DisconnectBody,
  DisconnectResponse,
  EmulatorStats,
  FaultType,
  FaultsBody,
  FaultsResponse,
  GreetingSnapshot,
  HealthResponse,
  IdentityBody,
  LatencyBody,
  LatencyResponse,
  OkResponse,
  OrganizationBody,
  OrganizationResponse,
  OrganizationScope,
  OutageBody,
  OutageResponse,
  PauseBody,
  RestartBody,
  RestartResponse,
  ResumeBody,
  SocketSnapshot,
  Unchecked,
} from './control';
import { runAgentAction } from './agent';
import { validationError } from './errors';
import { wireCustomer, wireGreeting, wireThread, wireUsers } from './projections';
import { isActive, type OrganizationStatus, type State } from './state';
import { RtmError, optionalBoolean, optionalObject, optionalString, requiredString, type Obj } from './validate';
import { API_VERSION, API_VERSIONS } from './wire';

const AGENT_PATH = /^\/__emulator\/agent\/([a-z_]+)$/;

export interface ControlContext {
  state: State;
  hub: Hub;
  stats(organizationId?: string): EmulatorStats;
  /** Sets this emulator's latency when given; returns the current one. */
  latency(ms?: number): number;
  /** Cuts this emulator's sockets (of one organization or all) and refuses upgrades for `durationMs`. Returns how many were cut. */
  outage(durationMs: number, organizationId?: string): number;
  /** Holds every frame to and from this emulator's sockets (one organization's, or all) until resume, or for `durationMs`. */
  pause(organizationId?: string, durationMs?: number): void;
  /** Ends a pause; held frames go out (and come in) in order. */
  resume(organizationId?: string): void;
  /** Closes this emulator's sockets with 1012, forgets everything unless `keepState`, refuses upgrades for `downMs`. Returns how many closed. */
  restart(keepState: boolean, downMs: number): number;
}

/** A control route: a GET answers from the state; a POST reads a JSON object, or a body it ignores. */
export type ControlRoute =
  | { method: 'GET'; answer(): unknown }
  | { method: 'POST'; body: 'json' | 'ignored'; answer(body: Obj): unknown };

/** GET routes: what they read, narrowed to the query's `organization_id` where given. */
const READS: Record<string, (ctx: ControlContext, org: string | undefined) => unknown> = {
  '/': health,
  '/__emulator/health': health,
  '/__emulator/stats': (ctx, org) => ctx.stats(org),
  '/__emulator/chats': (ctx, org) => ({ chats: listChats(ctx, org) }),
  '/__emulator/customers': (ctx, org) => ({ customers: listCustomers(ctx, org) }),
  '/__emulator/greetings': (ctx, org) => ({ greetings: listGreetings(ctx, org) }),
  '/__emulator/sockets': (ctx, org) => ({ sockets: listSockets(ctx, org) }),
};

/** POST routes that take a JSON object. */
const ACTIONS: Record<string, (ctx: ControlContext, body: Obj) => unknown> = {
  '/__emulator/faults': faults,
  '/__emulator/pause': pause,
  '/__emulator/resume': resume,
  '/__emulator/restart': restart,
  '/__emulator/disconnect': disconnect,
  '/__emulator/latency': latency,
  '/__emulator/organizations': organization,
  '/__emulator/ban': ban,
  '/__emulator/outage': outage,
  '/__emulator/identity': identity,
};

/** The control route at `path` (narrowed to organization `org` where it reads one), or undefined. */
export function controlRoute(ctx: ControlContext, path: string, org: string | undefined): ControlRoute | undefined {
  const agentAction = AGENT_PATH.exec(path);
  if (agentAction) return { method: 'POST', body: 'json', answer: (body) => runAgentAction(ctx, agentAction[1] ?? '', body) };
  const read = Object.hasOwn(READS, path) ? READS[path] : undefined;
  if (read !== undefined) return { method: 'GET', answer: () => read(ctx, org) };
  const action = Object.hasOwn(ACTIONS, path) ? ACTIONS[path] : undefined;
  if (action !== undefined) return { method: 'POST', body: 'json', answer: (body) => action(ctx, body) };
  if (path === '/__emulator/reset') return { method: 'POST', body: 'ignored', answer: () => reset(ctx) };
  return undefined;
}

/** Forgets every organization and closes every socket, ending any pause first. */
function reset(ctx: ControlContext): OkResponse {
  ctx.resume();
  ctx.state.clear();
  ctx.hub.closeAll(1000);
  return { ok: true };
}

function health(): HealthResponse {
  return { ok: true, name: 'livechat-emulator', api_version: API_VERSION, api_versions: API_VERSIONS };
}

function listChats(ctx: ControlContext, organizationId: string | undefined): ChatSnapshot[] {
  return organizationsOf(ctx, organizationId).flatMap((org) =>
    [...org.chats.values()].map((chat) => ({
      id: chat.id,
      ...(organizationId === undefined ? { organization_id: org.id } : {}),
      customer_id: chat.customerId,
      active: isActive(chat),
      users: wireUsers(ctx.state, org.id, chat),
      access: chat.access,
      properties: chat.properties,
      threads: chat.threads.map((t) => wireThread(chat, t)),
      sneak_peek: chat.sneakPeek ?? null,
    })),
  );
}

/** The one organization asked for (none if unknown), or all of them. */
function organizationsOf(ctx: ControlContext, organizationId: string | undefined) {
  const one = organizationId === undefined ? undefined : ctx.state.orgs.get(organizationId);
  return organizationId === undefined ? [...ctx.state.orgs.values()] : one === undefined ? [] : [one];
}

/** The customers an agent would see: profile, where they are, how many sockets, whether banned. */
function listCustomers(ctx: ControlContext, organizationId: string | undefined): CustomerSnapshot[] {
  return organizationsOf(ctx, organizationId).flatMap((org) =>
    [...org.customers.values()].map((customer) => {
      const sockets = ctx.hub.customerConnections(org.id, customer.id);
      return {
        ...wireCustomer(ctx.state, org.id, customer),
        ...(organizationId === undefined ? { organization_id: org.id } : {}),
        online: sockets.length > 0,
        connections: sockets.length,
        group_id: sockets[0]?.session.groupId ?? null,
        page: sockets.find((c) => c.session.page !== undefined)?.session.page ?? null,
        banned: org.banned.has(customer.id),
      };
    }),
  );
}

/**
 * The organization's customer sockets, open and recently closed, oldest first: when they opened and
 * closed, who logged in, and how many frames the server received on each and when the last came.
 */
function listSockets(ctx: ControlContext, organizationId: string | undefined): SocketSnapshot[] {
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  return organizationsOf(ctx, organizationId).flatMap((org) =>
    org.sockets.map((log) => ({
      id: log.id,
      ...(organizationId === undefined ? { organization_id: org.id } : {}),
      open: log.closedAt === undefined,
      customer_id: log.customerId ?? null,
      opened_at: iso(log.openedAt),
      closed_at: iso(log.closedAt),
      frames_in: log.framesIn,
      last_frame_in_at: iso(log.lastFrameInAt),
      last_action_in: log.lastActionIn ?? null,
    })),
  );
}

function listGreetings(ctx: ControlContext, organizationId: string | undefined): GreetingSnapshot[] {
  return organizationsOf(ctx, organizationId).flatMap((org) =>
    [...org.greetings.values()].map((g) => ({ ...wireGreeting(g), customer_id: g.customerId, status: g.status, button_clicks: g.clicks })),
  );
}

const FAULT_TYPES: readonly FaultType[] = ['internal', 'service_unavailable'];

/**
 * `{type, count? = 1, action?, organization_id?}`: the next `count` requests (of that action, else
 * any but login and ping; of that organization, else any) are answered with that error instead.
 * `count: 0` drops the pending faults that match instead.
 */
function faults(ctx: ControlContext, body: Unchecked<FaultsBody>): FaultsResponse {
  const organizationId = scopeOf(body);
  const action = field(() => optionalString(body.action, 'action')) || undefined;
  const count = body.count ?? 1;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw validationError('count must be a non-negative integer');
  if (count === 0) {
    for (let i = ctx.state.faults.length - 1; i >= 0; i--) {
      const f = ctx.state.faults[i];
      if (f !== undefined && f.organizationId === organizationId && f.action === action) ctx.state.faults.splice(i, 1);
    }
  } else {
    const type = body.type;
    if (!FAULT_TYPES.includes(type as FaultType)) throw validationError(`type must be one of ${FAULT_TYPES.join(', ')}`);
    ctx.state.faults.push({ type: type as FaultType, remaining: count, ...(organizationId === undefined ? {} : { organizationId }), ...(action === undefined ? {} : { action }) });
  }
  return {
    pending: ctx.state.faults.map((f) => ({ organization_id: f.organizationId ?? null, action: f.action ?? null, type: f.type, remaining: f.remaining })),
  };
}

function pause(ctx: ControlContext, body: Unchecked<PauseBody>): { paused: true } {
  ctx.pause(scopeOf(body), nonNegativeNumber(body.duration_ms, 'duration_ms'));
  return { paused: true };
}

function resume(ctx: ControlContext, body: Unchecked<ResumeBody>): { paused: false } {
  ctx.resume(scopeOf(body));
  return { paused: false };
}

function restart(ctx: ControlContext, body: Unchecked<RestartBody>): RestartResponse {
  const keepState = field(() => optionalBoolean(body.keep_state, 'keep_state')) ?? true;
  const downMs = nonNegativeNumber(body.down_ms, 'down_ms') ?? 0;
  return { closed: ctx.restart(keepState, downMs), kept_state: keepState };
}

function disconnect(ctx: ControlContext, body: Unchecked<DisconnectBody>): DisconnectResponse {
  const organizationId = field(() => requiredString(body.organization_id, 'organization_id'));
  const customerId = field(() => optionalString(body.customer_id, 'customer_id'));
  const reason = field(() => requiredString(body.reason, 'reason'));
  const data = field(() => optionalObject(body.data, 'data'));
  return { disconnected: ctx.hub.disconnectMatching(organizationId, customerId, reason, data) };
}

function latency(ctx: ControlContext, body: Unchecked<LatencyBody>): LatencyResponse {
  const ms = nonNegativeNumber(body.latency_ms, 'latency_ms');
  if (ms === undefined) throw validationError('latency_ms is required and must be a non-negative number');
  return { latency_ms: ctx.latency(ms) };
}

const ORGANIZATION_STATUSES: readonly OrganizationStatus[] = ['active', 'expired', 'missing'];

/** Sets an organization's subscription status and/or region (`region: null` = served everywhere again). */
function organization(ctx: ControlContext, body: Unchecked<OrganizationBody>): OrganizationResponse {
  const organizationId = field(() => requiredString(body.organization_id, 'organization_id'));
  const status = body.status;
  if (status !== undefined && !ORGANIZATION_STATUSES.includes(status as OrganizationStatus)) {
    throw validationError(`status must be one of ${ORGANIZATION_STATUSES.join(', ')}`);
  }
  const region = body.region;
  if (region !== undefined && region !== null && (typeof region !== 'string' || region === '')) {
    throw validationError('region must be a non-empty string or null');
  }
  if (status === undefined && region === undefined) throw validationError('status or region is required');
  const org = ctx.state.org(organizationId);
  if (status !== undefined) org.status = status as OrganizationStatus;
  if (region === null) delete org.region;
  else if (region !== undefined) org.region = region as string;
  return { organization_id: org.id, status: org.status, region: org.region ?? null };
}

function ban(ctx: ControlContext, body: Unchecked<BanBody>): DisconnectResponse {
  const organizationId = field(() => requiredString(body.organization_id, 'organization_id'));
  const customerId = field(() => requiredString(body.customer_id, 'customer_id'));
  ctx.state.org(organizationId).banned.add(customerId);
  return { disconnected: ctx.hub.disconnectMatching(organizationId, customerId, 'customer_banned') };
}

function outage(ctx: ControlContext, body: Unchecked<OutageBody>): OutageResponse {
  const durationMs = nonNegativeNumber(body.duration_ms, 'duration_ms');
  if (durationMs === undefined) throw validationError('duration_ms is required and must be a non-negative number');
  const organizationId = scopeOf(body);
  return { terminated: ctx.outage(durationMs, organizationId), duration_ms: durationMs };
}

function identity(ctx: ControlContext, body: Unchecked<IdentityBody>): OkResponse {
  const organizationId = field(() => requiredString(body.organization_id, 'organization_id'));
  const customerId = field(() => requiredString(body.from_customer_id, 'from_customer_id'));
  ctx.state.org(organizationId).identitySwaps.add(customerId);
  return { ok: true };
}

/** The organization a control call is narrowed to; none (or "") means every organization. */
function scopeOf(body: Unchecked<OrganizationScope>): string | undefined {
  return field(() => optionalString(body.organization_id, 'organization_id')) || undefined;
}

function nonNegativeNumber(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw validationError(`${name} must be a non-negative number`);
  return value;
}

/** Runs a validator from validate.ts and maps its error onto the HTTP error format. */
function field<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof RtmError) throw validationError(e.message);
    throw e;
  }
}

