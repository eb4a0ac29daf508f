// Plain HTTP side of the emulator: the customer token endpoint (what accounts.livechatinc.com does for
// @livechat/customer-auth), the customer file upload (and the files it serves back), and the routing
// that hands `/__emulator/*` to the control API (control-routes.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { controlRoute, type ControlContext } from './control-routes';
import { HttpError, apiError, validationError } from './errors';
import { decodeLenient, isObject, parseJson, type Obj } from './validate';
import { isApiVersion } from './wire';

const MAX_BODY_BYTES = 1024 * 1024;
/** The Customer Chat API's upload limit (10 MiB for the file itself). */
const MAX_UPLOAD_FILE_BYTES = 10 * 1024 * 1024;
/** The upload body may exceed the file by its multipart framing (boundaries, part headers, file name). */
const MAX_UPLOAD_BODY_BYTES = MAX_UPLOAD_FILE_BYTES + 64 * 1024;
/** Past this much an upload body is not drained to deliver the 413 any more: the connection is cut. */
const UPLOAD_DRAIN_LIMIT_BYTES = 4 * MAX_UPLOAD_BODY_BYTES;
const UPLOAD_PATH = /^\/v(\d+\.\d+)\/customer\/action\/upload_file\/?$/;
const FILE_PATH = /^\/__emulator\/files\/([^/]+)\/([^/]+)$/;

export interface HttpContext extends ControlContext {
  /** `expires_in` of the tokens this emulator issues. */
  tokenLifetimeSec: number;
}

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
  const control = controlRoute(ctx, path, org);
  if (control?.method === 'GET') return get(() => sendJson(req, res, 200, control.answer()));
  if (control?.method === 'POST') {
    return post(async () => {
      const body = control.body === 'json' ? await readJson(req) : (await readBody(req, JSON_BODY), {});
      sendJson(req, res, 200, control.answer(body));
    });
  }
  throw apiError(404, 'not_found', `No route for ${method} ${path}`);
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
