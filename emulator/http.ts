// Plain HTTP side of the emulator: the customer token endpoint (what accounts.livechatinc.com does for
// @livechat/customer-auth), the customer file upload (and the files it serves back), and the control API
// that plays the agent and drives tests.
import type { IncomingMessage, ServerResponse } from 'node:http';
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
import type { State } from './state';
import { runAgentAction } from './agent';
import { HttpError, apiError } from './errors';
import { wireCustomer, wireGreeting, wireThread, wireUsers } from './projections';
import { isActive, type OrganizationStatus } from './state';
import { RtmError, decodeLenient, isObject, optionalBoolean, optionalObject, optionalString, parseJson, requiredString, type Obj } from './validate';
import { API_VERSION, API_VERSIONS, isApiVersion } from './wire';

const MAX_BODY_BYTES = 1024 * 1024;
/** The Customer Chat API's upload limit (10 MiB for the file itself). */
const MAX_UPLOAD_FILE_BYTES = 10 * 1024 * 1024;
/** The upload body may exceed the file by its multipart framing (boundaries, part headers, file name). */
const MAX_UPLOAD_BODY_BYTES = MAX_UPLOAD_FILE_BYTES + 64 * 1024;
/** Past this much an upload body is not drained to deliver the 413 any more: the connection is cut. */
const UPLOAD_DRAIN_LIMIT_BYTES = 4 * MAX_UPLOAD_BODY_BYTES;
const UPLOAD_PATH = /^\/v(\d+\.\d+)\/customer\/action\/upload_file\/?$/;
const FILE_PATH = /^\/__emulator\/files\/([^/]+)\/([^/]+)$/;
const AGENT_PATH = /^\/__emulator\/agent\/([a-z_]+)$/;

export interface HttpContext {
  state: State;
  hub: Hub;
  stats(organizationId?: string): EmulatorStats;
  /** `expires_in` of the tokens this emulator issues. */
  tokenLifetimeSec: number;
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

const validationError = (message: string) => apiError(400, 'validation', message);
/** customer-auth ignores the status and reads this key (→ SSO_OAUTH_EXCEPTION). */
const oauthError = (reason: string) => new HttpError(400, { oauth_exception: reason });

const COOKIE_MAX_AGE_S = 63072000;

export function createHttpHandler(ctx: HttpContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(ctx, req, res).catch((e: unknown) => {
      if (e instanceof HttpError) return sendJson(req, res, e.status, e.body);
      console.error('[emulator] HTTP handler failed:', e);
      sendJson(req, res, 500, { error: { type: 'internal', message: 'Internal emulator error' } });
    });
  };
}

async function route(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator.local');
  const method = req.method ?? 'GET';
  const path = url.pathname;

  if (method === 'OPTIONS') {
    cors(req, res);
    res.writeHead(204, {
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type, Authorization',
      'Access-Control-Max-Age': '600',
    });
    res.end();
    return;
  }

  const post = (handler: () => Promise<void>) => (method === 'POST' ? handler() : methodNotAllowed('POST'));
  const get = (handler: () => void) => (method === 'GET' ? Promise.resolve(handler()) : methodNotAllowed('GET'));

  if (path === '/v2/customer/token') return post(() => token(ctx, req, res, undefined));
  const grouped = /^\/v2\/customer\/([^/]+)\/([^/]+)\/token$/.exec(path);
  if (grouped) return post(() => token(ctx, req, res, { organizationId: decodeLenient(grouped[1] ?? ''), groupId: grouped[2] ?? '' }));

  const org = url.searchParams.get('organization_id') || undefined;
  const upload = UPLOAD_PATH.exec(path);
  if (upload && isApiVersion(upload[1] ?? '')) return post(() => uploadFile(ctx, req, res, org));
  const file = FILE_PATH.exec(path);
  if (file) return get(() => serveFile(ctx, req, res, file[1] ?? ''));
  const agentAction = AGENT_PATH.exec(path);
  if (agentAction) return post(async () => sendJson(req, res, 200, runAgentAction(ctx, agentAction[1] ?? '', await readJson(req))));
  switch (path) {
    case '/':
    case '/__emulator/health':
      return get(() => sendJson(req, res, 200, health()));
    case '/__emulator/stats':
      return get(() => sendJson(req, res, 200, ctx.stats(org)));
    case '/__emulator/chats':
      return get(() => sendJson(req, res, 200, { chats: listChats(ctx, org) }));
    case '/__emulator/customers':
      return get(() => sendJson(req, res, 200, { customers: listCustomers(ctx, org) }));
    case '/__emulator/greetings':
      return get(() => sendJson(req, res, 200, { greetings: listGreetings(ctx, org) }));
    case '/__emulator/sockets':
      return get(() => sendJson(req, res, 200, { sockets: listSockets(ctx, org) }));
    case '/__emulator/faults':
      return post(async () => sendJson(req, res, 200, faults(ctx, await readJson(req))));
    case '/__emulator/pause':
      return post(async () => sendJson(req, res, 200, pause(ctx, await readJson(req))));
    case '/__emulator/resume':
      return post(async () => sendJson(req, res, 200, resume(ctx, await readJson(req))));
    case '/__emulator/restart':
      return post(async () => sendJson(req, res, 200, restart(ctx, await readJson(req))));
    case '/__emulator/disconnect':
      return post(async () => sendJson(req, res, 200, disconnect(ctx, await readJson(req))));
    case '/__emulator/latency':
      return post(async () => sendJson(req, res, 200, latency(ctx, await readJson(req))));
    case '/__emulator/organizations':
      return post(async () => sendJson(req, res, 200, organization(ctx, await readJson(req))));
    case '/__emulator/ban':
      return post(async () => sendJson(req, res, 200, ban(ctx, await readJson(req))));
    case '/__emulator/outage':
      return post(async () => sendJson(req, res, 200, outage(ctx, await readJson(req))));
    case '/__emulator/identity':
      return post(async () => sendJson(req, res, 200, identity(ctx, await readJson(req))));
    case '/__emulator/reset':
      return post(async () => {
        await readBody(req, JSON_BODY);
        ctx.resume();
        ctx.state.clear();
        ctx.hub.closeAll(1000);
        sendJson(req, res, 200, { ok: true } satisfies OkResponse);
      });
  }
  throw apiError(404, 'not_found', `No route for ${method} ${path}`);
}

function health(): HealthResponse {
  return { ok: true, name: 'livechat-emulator', api_version: API_VERSION, api_versions: API_VERSIONS };
}

function methodNotAllowed(allowed: string): Promise<void> {
  return Promise.reject(apiError(405, 'method_not_allowed', `Use ${allowed}`));
}

// ---- token endpoint -------------------------------------------------------------------------

/**
 * Cookie grant. The identity lives in two cookies: `__lc_cid` (customer id) and `__lc_cst` (a secret
 * proving the browser owns it). With uniqueGroups (`/v2/customer/{org}/{group}/token`) each group gets
 * its own identity, kept in `__lc_cid_g{group}` / `__lc_cst_g{group}` so it never overwrites the plain one.
 * Identities are global like the accounts cookie; each organization gets its own customer record for it.
 */
async function token(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, scope: { organizationId: string; groupId: string } | undefined): Promise<void> {
  // The SDK posts the JSON as text/plain (no Content-Type set on the XHR); application/json is accepted just the same.
  const body = parseJson(await readText(req));
  if (!isObject(body)) throw oauthError('invalid_request');
  if (body.grant_type !== 'cookie') throw oauthError('invalid_request');
  if (body.response_type !== undefined && body.response_type !== 'token') throw oauthError('invalid_request');
  if (typeof body.client_id !== 'string' || body.client_id === '') throw oauthError('invalid_request');
  let organizationId = body.organization_id;
  if (scope !== undefined) {
    if (!/^\d+$/.test(scope.groupId) || scope.organizationId === '') throw oauthError('invalid_request');
    if (organizationId !== undefined && organizationId !== scope.organizationId) throw oauthError('invalid_request');
    organizationId = scope.organizationId;
  }
  if (typeof organizationId !== 'string' || organizationId === '') throw oauthError('invalid_request');

  const suffix = scope === undefined ? '' : `_g${scope.groupId}`;
  const cidName = `__lc_cid${suffix}`;
  const cstName = `__lc_cst${suffix}`;
  const cookies = parseCookies(req.headers.cookie);
  let identity = ctx.state.identify(cookies[cidName], cookies[cstName]);
  // POST /__emulator/identity: this browser "lost" its cookies, so the accounts service sees a stranger.
  if (!identity.created && ctx.state.orgs.get(organizationId)?.identitySwaps.delete(identity.customerId) === true) {
    identity = ctx.state.identify(undefined, undefined);
  }
  ctx.state.customer(organizationId, identity.customerId);
  const accessToken = ctx.state.issueToken(organizationId, identity.customerId, ctx.tokenLifetimeSec);

  const attrs = `Path=/; HttpOnly; SameSite=Lax; Max-Age=${COOKIE_MAX_AGE_S}`;
  res.setHeader('Set-Cookie', [`${cidName}=${identity.customerId}; ${attrs}`, `${cstName}=${identity.secret}; ${attrs}`]);
  res.setHeader('Cache-Control', 'no-store');
  sendJson(req, res, 200, {
    access_token: accessToken,
    entity_id: identity.customerId,
    expires_in: ctx.tokenLifetimeSec,
    token_type: 'Bearer',
    organization_id: organizationId,
  });
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    out[name] = decodeLenient(value);
  }
  return out;
}

// ---- file upload ----------------------------------------------------------------------------

const authenticationError = (message: string) => apiError(401, 'authentication', message);
const tooLargeError = () => apiError(413, 'entity_too_large', `The file exceeds ${MAX_UPLOAD_FILE_BYTES} bytes (10 MB)`);

/**
 * `POST /v3.6/customer/action/upload_file?organization_id=ORG` (and 3.5): multipart/form-data with
 * one field `file`, authorized by `Authorization: Bearer <token>` issued for that organization.
 * Answers `{ url }` where the emulator serves the bytes back. The body is read only for an
 * authorized request; a refused one is drained (not kept) so the client gets the answer rather than a reset.
 */
async function uploadFile(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, organizationId: string | undefined): Promise<void> {
  if (organizationId !== undefined) ctx.state.org(organizationId).counters.uploads += 1;
  const refusal = uploadRefusal(ctx, req, organizationId);
  const body = await readBody(req, UPLOAD_BODY, refusal === undefined);
  if (refusal !== undefined) throw refusal;
  let form: FormData;
  try {
    form = await new Response(body as unknown as BodyInit, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
  } catch {
    throw validationError('Body must be multipart/form-data');
  }
  const file = form.get('file');
  if (file === null || typeof file === 'string') throw validationError('Field "file" is required and must be a file');
  if (file.size > MAX_UPLOAD_FILE_BYTES) throw tooLargeError();
  const name = file.name || 'file';
  const stored = ctx.state.storeFile(organizationId ?? '', name, file.type || 'application/octet-stream', Buffer.from(await file.arrayBuffer()));
  const origin = `http://${req.headers.host ?? 'emulator.local'}`;
  sendJson(req, res, 200, { url: `${origin}/__emulator/files/${stored.id}/${encodeURIComponent(name)}` });
}

function uploadRefusal(ctx: HttpContext, req: IncomingMessage, organizationId: string | undefined): HttpError | undefined {
  if (organizationId === undefined) return validationError('organization_id is required');
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (match === null) return authenticationError('Authorization header with a Bearer token is required');
  const issued = ctx.state.resolveToken(match[1] ?? '');
  if (issued === undefined || issued.organizationId !== organizationId) return authenticationError('Invalid access token');
  if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) return validationError('Body must be multipart/form-data');
  return undefined;
}

/** `GET /__emulator/files/<id>/<name>`: the bytes of an uploaded file, with its content type. */
function serveFile(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, id: string): void {
  const file = ctx.state.files.get(id);
  if (file === undefined) throw apiError(404, 'not_found', 'File not found');
  cors(req, res);
  res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': file.bytes.length, 'Cache-Control': 'no-store' });
  res.end(file.bytes);
}

// ---- control API ----------------------------------------------------------------------------

function listChats(ctx: HttpContext, organizationId: string | undefined): ChatSnapshot[] {
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
function organizationsOf(ctx: HttpContext, organizationId: string | undefined) {
  const one = organizationId === undefined ? undefined : ctx.state.orgs.get(organizationId);
  return organizationId === undefined ? [...ctx.state.orgs.values()] : one === undefined ? [] : [one];
}

/** The customers an agent would see: profile, where they are, how many sockets, whether banned. */
function listCustomers(ctx: HttpContext, organizationId: string | undefined): CustomerSnapshot[] {
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
function listSockets(ctx: HttpContext, organizationId: string | undefined): SocketSnapshot[] {
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

function listGreetings(ctx: HttpContext, organizationId: string | undefined): GreetingSnapshot[] {
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
function faults(ctx: HttpContext, body: Unchecked<FaultsBody>): FaultsResponse {
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

function pause(ctx: HttpContext, body: Unchecked<PauseBody>): { paused: true } {
  ctx.pause(scopeOf(body), nonNegativeNumber(body.duration_ms, 'duration_ms'));
  return { paused: true };
}

function resume(ctx: HttpContext, body: Unchecked<ResumeBody>): { paused: false } {
  ctx.resume(scopeOf(body));
  return { paused: false };
}

function restart(ctx: HttpContext, body: Unchecked<RestartBody>): RestartResponse {
  const keepState = field(() => optionalBoolean(body.keep_state, 'keep_state')) ?? true;
  const downMs = nonNegativeNumber(body.down_ms, 'down_ms') ?? 0;
  return { closed: ctx.restart(keepState, downMs), kept_state: keepState };
}

function disconnect(ctx: HttpContext, body: Unchecked<DisconnectBody>): DisconnectResponse {
  const organizationId = field(() => requiredString(body.organization_id, 'organization_id'));
  const customerId = field(() => optionalString(body.customer_id, 'customer_id'));
  const reason = field(() => requiredString(body.reason, 'reason'));
  const data = field(() => optionalObject(body.data, 'data'));
  return { disconnected: ctx.hub.disconnectMatching(organizationId, customerId, reason, data) };
}

function latency(ctx: HttpContext, body: Unchecked<LatencyBody>): LatencyResponse {
  const ms = nonNegativeNumber(body.latency_ms, 'latency_ms');
  if (ms === undefined) throw validationError('latency_ms is required and must be a non-negative number');
  return { latency_ms: ctx.latency(ms) };
}

const ORGANIZATION_STATUSES: readonly OrganizationStatus[] = ['active', 'expired', 'missing'];

/** Sets an organization's subscription status and/or region (`region: null` = served everywhere again). */
function organization(ctx: HttpContext, body: Unchecked<OrganizationBody>): OrganizationResponse {
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

function ban(ctx: HttpContext, body: Unchecked<BanBody>): DisconnectResponse {
  const organizationId = field(() => requiredString(body.organization_id, 'organization_id'));
  const customerId = field(() => requiredString(body.customer_id, 'customer_id'));
  ctx.state.org(organizationId).banned.add(customerId);
  return { disconnected: ctx.hub.disconnectMatching(organizationId, customerId, 'customer_banned') };
}

function outage(ctx: HttpContext, body: Unchecked<OutageBody>): OutageResponse {
  const durationMs = nonNegativeNumber(body.duration_ms, 'duration_ms');
  if (durationMs === undefined) throw validationError('duration_ms is required and must be a non-negative number');
  const organizationId = scopeOf(body);
  return { terminated: ctx.outage(durationMs, organizationId), duration_ms: durationMs };
}

function identity(ctx: HttpContext, body: Unchecked<IdentityBody>): OkResponse {
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

// ---- plumbing -------------------------------------------------------------------------------

async function readJson(req: IncomingMessage): Promise<Obj> {
  const body = parseJson(await readText(req));
  if (body === undefined) throw validationError('Body must be valid JSON');
  if (!isObject(body)) throw validationError('Body must be a JSON object');
  return body;
}

/** How much of a body is kept, and when reading it stops. */
interface BodyLimit {
  /** Past this the rest is drained, not kept, and the request is answered with `tooLarge()`. */
  maxBytes: number;
  /** Past this it is abuse, not a mistake: the connection is cut. */
  cutBytes: number;
  tooLarge(): HttpError;
}

const JSON_BODY: BodyLimit = {
  maxBytes: MAX_BODY_BYTES,
  cutBytes: 64 * MAX_BODY_BYTES,
  tooLarge: () => apiError(413, 'entity_too_large', `Body exceeds ${MAX_BODY_BYTES} bytes`),
};

const UPLOAD_BODY: BodyLimit = { maxBytes: MAX_UPLOAD_BODY_BYTES, cutBytes: UPLOAD_DRAIN_LIMIT_BYTES, tooLarge: tooLargeError };

function readText(req: IncomingMessage): Promise<string> {
  return readBody(req, JSON_BODY).then((bytes) => bytes.toString('utf8'));
}

/**
 * Reads a body up to `limit.maxBytes`; `keep` false drains it without keeping anything (a request
 * already refused). Past the cap the rest is drained and dropped rather than cutting the
 * connection, so the client actually receives the 413 instead of a reset.
 */
function readBody(req: IncomingMessage, limit: BodyLimit, keep = true): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit.cutBytes) req.destroy();
      else if (keep && size <= limit.maxBytes) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => {
      if (keep && size > limit.maxBytes) reject(limit.tooLarge());
      else resolve(Buffer.concat(chunks));
    });
    // The client went away mid-body (a canceled upload), or the request was destroyed and will never
    // end: settle the promise instead of leaking it (no-op after 'end'). Not an emulator failure.
    const aborted = () => reject(validationError('Request aborted'));
    req.on('error', aborted);
    req.on('close', aborted);
  });
}

function cors(req: IncomingMessage, res: ServerResponse): void {
  // Credentialed requests (the cookie grant uses withCredentials) forbid "*": reflect the caller's origin.
  const origin = req.headers.origin;
  if (origin !== undefined) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }
  res.setHeader('Vary', 'Origin');
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  cors(req, res);
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
