// The emulator's public API types: what startEmulator (server.ts) takes and returns, and the line
// verbose mode writes per frame. Re-exported by server.ts and the package's index.ts.
import type { EmulatorStats } from './control';

export interface EmulatorOptions {
  /** Default 8787; 0 = a random free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** A socket that has not logged in after this long is disconnected. Default 30000 (the API's 30 s). */
  loginTimeoutMs?: number;
  /** Chats one customer may start. Default 1, the API's limit (`chat_limit_reached`); raise it to test list_chats paging. */
  chatsPerCustomer?: number;
  /** Logged-in sockets one customer may hold; the next login gets `too_many_connections`. Default 5; 0 = no cap. */
  maxConnectionsPerCustomer?: number;
  /** `too_many_connections` refusals within `blockDurationMs` that block the customer. Default 3; 0 = never block. */
  blockAfterRefusals?: number;
  /** Window for counting refusals, and length of the `customer_temporarily_blocked` period. Default 60000. */
  blockDurationMs?: number;
  /** Open not-logged-in sockets allowed per remote address; one more gets `too_many_unauthorized_connections`. Default 0 = no cap. */
  maxUnauthorizedPerIp?: number;
  /** A logged-in socket silent (no frame, no control ping) for this long gets `connection_timeout`. Default 0 = never. */
  idleTimeoutMs?: number;
  /** A customer without chat activity, page update or login for this long gets `inactivity_timeout`. Default 1800000; 0 = never. */
  inactivityTimeoutMs?: number;
  /** `expires_in` of issued tokens, in seconds (fractions allowed, for tests). Default 28800. */
  accessTokenLifetimeSec?: number;
  /** Unanswered requests allowed per socket; one more gets `pending_requests_limit_reached`. Default 10; 0 = no cap. */
  maxPendingRequests?: number;
  /** Distinct customers logged in at once per organization; one more gets `users_limit_reached`. Default 0 = no limit. */
  usersLimit?: number;
  /** Delay of every response, push and close, per socket in order. Default 0. Changeable with POST /__emulator/latency. */
  latencyMs?: number;
  /** Region this emulator serves. Default 'dal'. Logins for an organization assigned to another region get `misdirected_connection`. */
  region?: string;
  /** Another emulator (another region) whose state, sockets and limits this one shares: one service, two entry points. */
  shareStateWith?: Emulator;
  /** One JSON line per frame in and out (direction, organization, customer, action, size). Default off. */
  verbose?: boolean;
  /** Where verbose lines go; default stdout. */
  logLine?: (line: string) => void;
}

/** A verbose-mode line, one per frame. */
export interface FrameLogLine {
  ts: string;
  dir: 'in' | 'out';
  organization_id: string;
  customer_id: string | null;
  action: string | null;
  type: string | null;
  request_id?: string;
  size: number;
}

export interface Emulator {
  /** e.g. 'http://127.0.0.1:8787' */
  url: string;
  port: number;
  /** The region this emulator serves. */
  region: string;
  close(): Promise<void>;
  stats(organizationId?: string): EmulatorStats;
}
