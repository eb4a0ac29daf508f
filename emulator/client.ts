// The typed client of the emulator's control API (`/__emulator/*`): one method per endpoint, its body
// and answer typed from control.ts, the definitions http.ts and agent.ts are checked against. Uses
// only `fetch`, so it runs in Node 20+ and in browsers alike; imports nothing of the server.
import type {
  AgentActionName,
  AgentActions,
  BanBody,
  ChatSnapshot,
  ControlErrorBody,
  ControlGets,
  ControlPosts,
  CustomerSnapshot,
  DisconnectBody,
  EmulatorStats,
  GreetingSnapshot,
  HealthResponse,
  IdentityBody,
  OrganizationBody,
  SendEventBody,
  SocketSnapshot,
} from './control';

export type * from './control';

/** Which control endpoint each client method calls: the client is made from this table, and tests compare it with the README. */
export const CONTROL_ENDPOINTS = {
  health: 'GET /__emulator/health',
  stats: 'GET /__emulator/stats',
  chats: 'GET /__emulator/chats',
  customers: 'GET /__emulator/customers',
  sockets: 'GET /__emulator/sockets',
  greetings: 'GET /__emulator/greetings',
  file: 'GET /__emulator/files/ID/NAME',
  faults: 'POST /__emulator/faults',
  pause: 'POST /__emulator/pause',
  resume: 'POST /__emulator/resume',
  restart: 'POST /__emulator/restart',
  disconnect: 'POST /__emulator/disconnect',
  outage: 'POST /__emulator/outage',
  ban: 'POST /__emulator/ban',
  organizations: 'POST /__emulator/organizations',
  identity: 'POST /__emulator/identity',
  latency: 'POST /__emulator/latency',
  reset: 'POST /__emulator/reset',
} as const;

/** `client.agent` method → agent action (`POST /__emulator/agent/ACTION`). */
export const AGENT_METHODS = {
  sendEvent: 'send_event',
  updateEvent: 'update_event',
  typing: 'typing',
  thinking: 'thinking',
  eventPreview: 'event_preview',
  transfer: 'transfer',
  queue: 'queue',
  addUser: 'add_user',
  removeUser: 'remove_user',
  deactivateChat: 'deactivate_chat',
  greeting: 'greeting',
  groupStatus: 'group_status',
  group: 'group',
  form: 'form',
} as const satisfies Record<string, AgentActionName>;

// An agent action the emulator gains without a method here fails to compile.
type Unmapped = Exclude<AgentActionName, (typeof AGENT_METHODS)[keyof typeof AGENT_METHODS]>;
const everyActionMapped: [Unmapped] extends [never] ? true : Unmapped = true;
void everyActionMapped;

/** A body whose `organization_id` the client fills in from its options unless the call gives one. */
export type WithOrganization<Body> = Omit<Body, 'organization_id'> & { organization_id?: string };

type AgentMethod<A extends AgentActionName> = (body: WithOrganization<AgentActions[A]['body']>) => Promise<AgentActions[A]['response']>;

export type AgentClient = { [M in keyof typeof AGENT_METHODS]: AgentMethod<(typeof AGENT_METHODS)[M]> } & {
  /** The agent sends a message: `sendEvent({ chat_id, text })`. */
  say(chatId: string, text: string, options?: Pick<SendEventBody, 'author_id'>): Promise<AgentActions['send_event']['response']>;
};

type Post<P extends keyof ControlPosts> = ControlPosts[P]['body'];
type Answer<P extends keyof ControlPosts> = Promise<ControlPosts[P]['response']>;

export interface EmulatorClient {
  /** The emulator's base URL, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  /** The organization calls are about unless they name another; undefined: every organization. */
  readonly organizationId: string | undefined;
  /** The agent's side, one method per agent action. */
  readonly agent: AgentClient;

  health(): Promise<HealthResponse>;
  stats(): Promise<EmulatorStats>;
  chats(): Promise<ChatSnapshot[]>;
  customers(): Promise<CustomerSnapshot[]>;
  sockets(): Promise<SocketSnapshot[]>;
  greetings(): Promise<GreetingSnapshot[]>;
  /** The bytes of an uploaded file, by the `url` upload_file answered. */
  file(url: string): Promise<{ contentType: string; bytes: Uint8Array }>;

  faults(body: Post<'/__emulator/faults'>): Answer<'/__emulator/faults'>;
  pause(body?: Post<'/__emulator/pause'>): Answer<'/__emulator/pause'>;
  resume(body?: Post<'/__emulator/resume'>): Answer<'/__emulator/resume'>;
  restart(body?: Post<'/__emulator/restart'>): Answer<'/__emulator/restart'>;
  disconnect(body: WithOrganization<DisconnectBody>): Answer<'/__emulator/disconnect'>;
  outage(body: Post<'/__emulator/outage'>): Answer<'/__emulator/outage'>;
  ban(body: WithOrganization<BanBody>): Answer<'/__emulator/ban'>;
  organizations(body?: WithOrganization<OrganizationBody>): Answer<'/__emulator/organizations'>;
  identity(body: WithOrganization<IdentityBody>): Answer<'/__emulator/identity'>;
  latency(body: Post<'/__emulator/latency'>): Answer<'/__emulator/latency'>;
  reset(): Answer<'/__emulator/reset'>;
}

export interface EmulatorClientOptions {
  /**
   * The organization every call is about: agent actions and bans need one, and snapshots, stats,
   * faults, pauses and outages are narrowed to it. Leave it out to see and affect every organization.
   */
  organizationId?: string;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** A non-2xx answer of the control API: the endpoint, the status and the emulator's error body. */
export class EmulatorRequestError extends Error {
  override readonly name = 'EmulatorRequestError';
  /** `error.type` of the body (`validation`, `not_found`, `chat_inactive`, …) when it has one. */
  readonly type: string | undefined;

  constructor(
    /** e.g. `POST /__emulator/agent/send_event` */
    readonly endpoint: string,
    readonly status: number,
    /** The parsed JSON body (`{ error: { type, message } }` for every control refusal), else the text. */
    readonly body: ControlErrorBody | unknown,
  ) {
    const error = isErrorBody(body) ? body.error : undefined;
    super(`${endpoint} answered ${status}${error === undefined ? `: ${String(body)}` : ` ${error.type}: ${error.message}`}`);
    this.type = error?.type;
  }
}

function isErrorBody(body: unknown): body is ControlErrorBody {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string';
}

export function createEmulatorClient(url: string, options: EmulatorClientOptions = {}): EmulatorClient {
  const base = url.replace(/\/+$/, '');
  const organizationId = options.organizationId;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new TypeError('createEmulatorClient needs fetch (Node 20+, a browser, or options.fetch)');

  const scopeQuery = organizationId === undefined ? '' : `?organization_id=${encodeURIComponent(organizationId)}`;
  const scoped = <B extends object>(body: B): B & { organization_id?: string } =>
    organizationId === undefined || 'organization_id' in body ? body : { organization_id: organizationId, ...body };

  async function request<T>(method: 'GET' | 'POST', path: string, body?: object, endpoint = `${method} ${path}`): Promise<T> {
    const init: RequestInit = method === 'POST' ? { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) } : { method };
    const response = await fetchImpl(`${base}${path}`, init);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (a proxy's page, say): the error carries the text as it came.
    }
    if (!response.ok) throw new EmulatorRequestError(endpoint, response.status, parsed);
    return parsed as T;
  }

  const get = <P extends keyof ControlGets>(path: P, query = scopeQuery): Promise<ControlGets[P]> => request(`GET`, `${path}${query}`, undefined, `GET ${path}`);
  const post = <P extends keyof ControlPosts>(path: P, body: object): Promise<ControlPosts[P]['response']> => request('POST', path, body);

  const agent = {} as Record<string, (body: object) => Promise<unknown>>;
  for (const [method, action] of Object.entries(AGENT_METHODS)) {
    agent[method] = (body: object) => request('POST', `/__emulator/agent/${action}`, scoped(body));
  }
  const agentClient = Object.assign(agent as unknown as AgentClient, {
    say: (chatId: string, text: string, extra: Pick<SendEventBody, 'author_id'> = {}) => (agent as unknown as AgentClient).sendEvent({ chat_id: chatId, text, ...extra }),
  });

  return {
    url: base,
    organizationId,
    agent: agentClient,
    health: () => get('/__emulator/health', ''),
    stats: () => get('/__emulator/stats'),
    chats: async () => (await get('/__emulator/chats')).chats,
    customers: async () => (await get('/__emulator/customers')).customers,
    sockets: async () => (await get('/__emulator/sockets')).sockets,
    greetings: async () => (await get('/__emulator/greetings')).greetings,
    async file(fileUrl) {
      // The path of the url upload_file answered, on this client's emulator (the host in that url is the one the uploader used).
      const path = new URL(fileUrl, base).pathname;
      if (!/^\/__emulator\/files\/[^/]+\/[^/]+$/.test(path)) throw new TypeError(`Not an emulator file url: ${fileUrl}`);
      const response = await fetchImpl(`${base}${path}`);
      if (!response.ok) {
        const text = await response.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // the text as it came
        }
        throw new EmulatorRequestError('GET /__emulator/files/ID/NAME', response.status, body);
      }
      return { contentType: response.headers.get('content-type') ?? '', bytes: new Uint8Array(await response.arrayBuffer()) };
    },
    faults: (body) => post('/__emulator/faults', scoped(body)),
    pause: (body = {}) => post('/__emulator/pause', scoped(body)),
    resume: (body = {}) => post('/__emulator/resume', scoped(body)),
    restart: (body = {}) => post('/__emulator/restart', body),
    disconnect: (body) => post('/__emulator/disconnect', scoped(body)),
    outage: (body) => post('/__emulator/outage', scoped(body)),
    ban: (body) => post('/__emulator/ban', scoped(body)),
    organizations: (body = {}) => post('/__emulator/organizations', scoped(body)),
    identity: (body) => post('/__emulator/identity', scoped(body)),
    latency: (body) => post('/__emulator/latency', body),
    reset: () => post('/__emulator/reset', {}),
  };
}
