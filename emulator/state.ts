// In-memory model of the emulated service: browser identities, access tokens and, per organization,
// customers, chats, threads, events and counters. Nothing here knows about sockets or HTTP;
// how the model reads on the wire is projections.ts.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Counters, GroupStatus, OrganizationStatus, WireForm } from './control';
// The control API's types live in control.ts (shared with the typed client); re-exported for the emulator's modules.
export type { Counters, GroupStatus, OrganizationStatus, WireForm } from './control';
import type { Properties, SessionFields, WireAccess, WireAgentUser, WireEvent, WireQueue } from './wire';

export const TOKEN_LIFETIME_S = 28800;
/** A customer who has been quiet for this long starts a new visit on the next login. */
const VISIT_GAP_MS = 30 * 60 * 1000;

/** An agent as the emulator knows it; chat users, greetings and welcome messages are drawn from these. */
export type AgentProfile = Omit<WireAgentUser, 'present' | 'events_seen_up_to'> & { is_bot: boolean };

export const EMULATOR_AGENT: AgentProfile = {
  id: 'emulator-agent@livechat.local',
  type: 'agent',
  name: 'Emma Emulator',
  avatar: 'https://cdn.livechat.local/avatars/emma.png',
  job_title: 'Support Agent',
  is_bot: false,
};

/** Agents the control API can name by id alone (add_user, transfer, greetings). */
export const AGENTS: ReadonlyMap<string, AgentProfile> = new Map(
  [
    EMULATOR_AGENT,
    { id: 'second-agent@livechat.local', type: 'agent', name: 'Sam Second', avatar: 'https://cdn.livechat.local/avatars/sam.png', job_title: 'Sales', is_bot: false },
    { id: 'emulator-bot@livechat.local', type: 'agent', name: 'Echo Bot', avatar: 'https://cdn.livechat.local/avatars/bot.png', job_title: 'Bot', is_bot: true },
  ].map((agent): [string, AgentProfile] => [agent.id, agent as AgentProfile]),
);

/** Statuses a group can have (`list_group_statuses`, `groups_status_updated`); a group never set is online. */
export const GROUP_STATUSES: readonly GroupStatus[] = ['online', 'online_for_queue', 'offline'];

export interface Customer {
  id: string;
  name?: string;
  email?: string;
  avatar?: string;
  sessionFields: SessionFields;
  visits: number;
  pageViews: number;
  lastPageUrl?: string;
  /** ms timestamp of the last login or request; 0 = never seen on the RTM socket. */
  lastActivityAt: number;
  greetingsShown: number;
  greetingsAccepted: number;
}

export interface Thread {
  id: string;
  active: boolean;
  createdAt: string;
  events: WireEvent[];
  properties: Properties;
  access: WireAccess;
  /** Set by the agent API while the thread waits in the queue. */
  queue?: WireQueue;
}

export interface Chat {
  id: string;
  customerId: string;
  /** Creation order inside the organization; breaks ties when two threads share a timestamp. */
  seq: number;
  access: WireAccess;
  properties: Properties;
  threads: Thread[];
  /** user id → created_at of the newest event that user has seen (their own events count as seen). */
  seenUpTo: Record<string, string>;
  /** Agents in the chat besides the customer; the emulator agent joins every new chat. */
  agents: AgentProfile[];
  /** What the customer is typing (send_sneak_peek), shown in the agent console; cleared by their next event. */
  sneakPeek?: { text: string; updated_at: string };
}

/** A greeting sent by the agent API: shown until the customer accepts or cancels it, or a newer one replaces it. */
export interface Greeting {
  uniqueId: string;
  /** The greeting template's id (a number on the wire). */
  id: number;
  customerId: string;
  status: 'shown' | 'accepted' | 'canceled';
  displayedFirstTime: boolean;
  subtype: string;
  addon: string | null;
  isExitIntent: boolean;
  /** A message or rich message, without a thread. */
  event: WireEvent;
  agent: AgentProfile;
  /** button ids the customer clicked (send_greeting_button_clicked), in order. */
  clicks: string[];
}

/** An answer the control API told the server to give instead of handling a request (POST /__emulator/faults). */
export interface Fault {
  /** Undefined = any organization. */
  organizationId?: string;
  /** Undefined = any action except login and ping. */
  action?: string;
  type: 'internal' | 'service_unavailable';
  remaining: number;
}



/** Counters of an organization nothing has happened to yet; the key order is the stats JSON's. */
export function emptyCounters(): Counters {
  return { totalConnections: 0, logins: 0, requests: {}, refusedConnections: 0, pings: 0, uploads: 0, pushes: {} };
}

/** Adds `from` to `into` (per-action counts by action name), for stats summed over organizations. */
export function addCounters(into: Counters, from: Counters): void {
  into.totalConnections += from.totalConnections;
  into.logins += from.logins;
  into.refusedConnections += from.refusedConnections;
  into.pings += from.pings;
  into.uploads += from.uploads;
  for (const [action, n] of Object.entries(from.requests)) into.requests[action] = (into.requests[action] ?? 0) + n;
  for (const [action, n] of Object.entries(from.pushes)) into.pushes[action] = (into.pushes[action] ?? 0) + n;
}

/**
 * One customer socket of an organization, open or closed, as `GET /__emulator/sockets` reports it:
 * what the server received on it and when. Kept after the socket closes (the newest
 * MAX_SOCKET_LOGS per organization), so a test can prove a client never wrote to an old socket again.
 */
export interface SocketLog {
  /** 1, 2, 3, … in the order the organization's sockets opened. */
  id: number;
  /** The customer it logged in as; undefined until then. */
  customerId?: string;
  openedAt: number;
  closedAt?: number;
  /** Text and binary frames received (requests, valid or not); control frames (ping, close) are not counted. */
  framesIn: number;
  lastFrameInAt?: number;
  /** The action of the last frame received, when it named one. */
  lastActionIn?: string;
}

/** Socket logs kept per organization; the oldest closed ones go first beyond this. */
export const MAX_SOCKET_LOGS = 200;


export interface Organization {
  id: string;
  customers: Map<string, Customer>;
  chats: Map<string, Chat>;
  counters: Counters;
  chatSeq: number;
  status: OrganizationStatus;
  /** Region the organization lives in; undefined = served by every region. */
  region?: string;
  /** Customer ids banned by the agent. */
  banned: Set<string>;
  /** customer id → times (ms) of recent `too_many_connections` refusals. */
  refusals: Map<string, number[]>;
  /** customer id → end (ms) of a `customer_temporarily_blocked` period. */
  blockedUntil: Map<string, number>;
  /** Customer ids whose next cookie grant must mint a new identity (cookies "lost"). */
  identitySwaps: Set<string>;
  /** Greetings by unique_id. */
  greetings: Map<string, Greeting>;
  /** Groups whose status the agent set; any other group is online. */
  groupStatuses: Map<number, GroupStatus>;
  /**
   * Groups the agent configured: `exists: false` makes them unknown (`group_not_found`), `manualRouting`
   * makes asking for a predicted agent fail (`group_unavailable`). Any other group exists, auto-routed.
   */
  groupSettings: Map<number, { exists: boolean; manualRouting: boolean }>;
  /** `${groupId}:${type}` → the form the agent configured, or null for "disabled"; unset keys use the built-in forms. */
  forms: Map<string, WireForm | null>;
  /** Welcome messages handed out, by id (request_welcome_message with a known id gets the same one again). */
  welcomeMessages: Map<string, { customerId: string; event: Omit<WireEvent, 'id'> }>;
  /** The organization's customer sockets, open and recently closed, oldest first (see SocketLog). */
  sockets: SocketLog[];
  /** Sockets ever logged: the next one's id is this plus one. */
  socketSeq: number;
}

/** A file received on the upload_file endpoint, served back at `/__emulator/files/<id>/<name>`. */
export interface StoredFile {
  id: string;
  organizationId: string;
  name: string;
  contentType: string;
  bytes: Buffer;
}

/** Uploaded files kept in memory, all organizations together; the oldest are dropped beyond this. */
export const MAX_STORED_FILE_BYTES = 100 * 1024 * 1024;

export interface IssuedToken {
  organizationId: string;
  customerId: string;
  expiresAt: number;
}

/** An event as validated from a request, before the server stamps id, author and time on it. */
export type EventDraft = { type: string; properties: Properties; [field: string]: unknown };

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export class State {
  /** Browser identities behind the `__lc_cid` cookie: customer id → secret (`__lc_cst`). Global, like the real accounts cookie. */
  readonly identities = new Map<string, string>();
  readonly tokens = new Map<string, IssuedToken>();
  readonly orgs = new Map<string, Organization>();
  /** Uploaded files by id, oldest first (Map keeps insertion order). */
  readonly files = new Map<string, StoredFile>();
  /** Pending faults, in the order they were asked for. */
  readonly faults: Fault[] = [];
  private fileBytes = 0;
  private readonly usedIds = new Set<string>();
  private lastMicros = 0;

  clear(): void {
    this.identities.clear();
    this.tokens.clear();
    this.orgs.clear();
    this.usedIds.clear();
    this.files.clear();
    this.fileBytes = 0;
    this.faults.length = 0;
  }

  /** Takes one pending fault matching the request, if any (the first asked for wins). */
  takeFault(organizationId: string, action: string): Fault | undefined {
    const index = this.faults.findIndex(
      (f) =>
        (f.organizationId === undefined || f.organizationId === organizationId) &&
        (f.action === undefined ? action !== 'login' && action !== 'ping' : f.action === action),
    );
    const fault = this.faults[index];
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }

  groupExists(organizationId: string, groupId: number): boolean {
    return this.orgs.get(organizationId)?.groupSettings.get(groupId)?.exists ?? true;
  }

  groupManualRouting(organizationId: string, groupId: number): boolean {
    return this.orgs.get(organizationId)?.groupSettings.get(groupId)?.manualRouting ?? false;
  }

  groupStatus(organizationId: string, groupId: number): GroupStatus {
    return this.orgs.get(organizationId)?.groupStatuses.get(groupId) ?? 'online';
  }

  /** Keeps an uploaded file, dropping the oldest files while the total exceeds MAX_STORED_FILE_BYTES. */
  storeFile(organizationId: string, name: string, contentType: string, bytes: Buffer): StoredFile {
    const file: StoredFile = { id: randomUUID(), organizationId, name, contentType, bytes };
    this.files.set(file.id, file);
    this.fileBytes += bytes.length;
    for (const [id, oldest] of this.files) {
      if (this.fileBytes <= MAX_STORED_FILE_BYTES || id === file.id) break;
      this.files.delete(id);
      this.fileBytes -= oldest.bytes.length;
    }
    return file;
  }

  org(id: string): Organization {
    let org = this.orgs.get(id);
    if (!org) {
      org = {
        id,
        customers: new Map(),
        chats: new Map(),
        counters: emptyCounters(),
        chatSeq: 0,
        status: 'active',
        banned: new Set(),
        refusals: new Map(),
        blockedUntil: new Map(),
        identitySwaps: new Set(),
        greetings: new Map(),
        groupStatuses: new Map(),
        groupSettings: new Map(),
        forms: new Map(),
        welcomeMessages: new Map(),
        sockets: [],
        socketSeq: 0,
      };
      this.orgs.set(id, org);
    }
    return org;
  }

  /** Starts the log of a socket the organization just opened; drops the oldest closed logs beyond MAX_SOCKET_LOGS. */
  logSocket(organizationId: string, now = Date.now()): SocketLog {
    const org = this.org(organizationId);
    const log: SocketLog = { id: (org.socketSeq += 1), openedAt: now, framesIn: 0 };
    org.sockets.push(log);
    while (org.sockets.length > MAX_SOCKET_LOGS) {
      const closed = org.sockets.findIndex((s) => s.closedAt !== undefined);
      if (closed < 0) break;
      org.sockets.splice(closed, 1);
    }
    return log;
  }

  /** Returns the browser identity for the cookie pair, or mints a new one when it is missing or forged. */
  identify(customerId: string | undefined, secret: string | undefined): { customerId: string; secret: string; created: boolean } {
    if (customerId && secret && this.identities.get(customerId) === secret) return { customerId, secret, created: false };
    const fresh = { customerId: randomUUID(), secret: randomBytes(24).toString('base64url') };
    this.identities.set(fresh.customerId, fresh.secret);
    return { ...fresh, created: true };
  }

  customer(organizationId: string, customerId: string): Customer {
    const org = this.org(organizationId);
    let customer = org.customers.get(customerId);
    if (!customer) {
      customer = { id: customerId, sessionFields: [], visits: 0, pageViews: 0, lastActivityAt: 0, greetingsShown: 0, greetingsAccepted: 0 };
      org.customers.set(customerId, customer);
    }
    return customer;
  }

  issueToken(organizationId: string, customerId: string, lifetimeS = TOKEN_LIFETIME_S): string {
    const token = `dal:${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { organizationId, customerId, expiresAt: Date.now() + lifetimeS * 1000 });
    return token;
  }

  resolveToken(token: string): IssuedToken | undefined {
    const issued = this.tokens.get(token);
    if (!issued) return undefined;
    if (Date.now() >= issued.expiresAt) {
      this.tokens.delete(token);
      return undefined;
    }
    return issued;
  }

  /** Counts a visit when the customer comes back after a long gap, and a page view for each new URL. */
  recordActivity(customer: Customer, pageUrl: string | undefined, now = Date.now()): void {
    const newVisit = customer.lastActivityAt === 0 || now - customer.lastActivityAt > VISIT_GAP_MS;
    if (newVisit) customer.visits += 1;
    if (newVisit || (pageUrl !== undefined && pageUrl !== customer.lastPageUrl)) customer.pageViews += 1;
    if (pageUrl !== undefined) customer.lastPageUrl = pageUrl;
    customer.lastActivityAt = now;
  }

  /** Chat and thread ids look like the real ones (`PJ0MRSHTDG`): 10 uppercase alphanumerics, unique for the process. */
  newId(): string {
    for (;;) {
      let id = '';
      for (let i = 0; i < 10; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }

  /**
   * RFC 3339 UTC with microseconds, strictly increasing: clients sort events by created_at,
   * so two events in the same millisecond must still get distinct, ordered stamps.
   */
  timestamp(): string {
    const micros = Math.max(Date.now() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    const iso = new Date(Math.floor(micros / 1000)).toISOString(); // ...T10:00:00.123Z
    return `${iso.slice(0, -1)}${String(micros % 1000).padStart(3, '0')}Z`;
  }

  createChat(organizationId: string, customerId: string, access: WireAccess, properties: Properties): Chat {
    const org = this.org(organizationId);
    org.chatSeq += 1;
    const chat: Chat = { id: this.newId(), customerId, seq: org.chatSeq, access, properties, threads: [], seenUpTo: {}, agents: [EMULATOR_AGENT] };
    org.chats.set(chat.id, chat);
    return chat;
  }

  /** Opens a new thread; the previous one (if any) is closed, as the API allows one active thread per chat. */
  createThread(chat: Chat, active: boolean, properties: Properties): Thread {
    for (const t of chat.threads) t.active = false;
    const thread: Thread = { id: this.newId(), active, createdAt: this.timestamp(), events: [], properties, access: chat.access };
    chat.threads.push(thread);
    return thread;
  }

  addEvent(chat: Chat, thread: Thread, draft: EventDraft, authorId: string): WireEvent {
    const event: WireEvent = {
      id: `${thread.id}_${thread.events.length + 1}`,
      ...draft,
      // "Possible values: all (default), agents" (data-structures, Filled form); thread events always carry it.
      recipients: draft.recipients ?? 'all',
      author_id: authorId,
      created_at: this.timestamp(),
    };
    thread.events.push(event);
    // Whoever writes an event has read everything before it.
    if (authorId !== 'system') chat.seenUpTo[authorId] = event.created_at;
    return event;
  }

  chatsOf(organizationId: string, customerId: string): Chat[] {
    return [...this.org(organizationId).chats.values()].filter((c) => c.customerId === customerId);
  }
}

export function lastThread(chat: Chat): Thread | undefined {
  return chat.threads[chat.threads.length - 1];
}

export function isActive(chat: Chat): boolean {
  return lastThread(chat)?.active ?? false;
}
