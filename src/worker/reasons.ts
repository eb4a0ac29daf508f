/**
 * What the runtime does for each reason the server (or the transport) gives for a disconnection.
 * One table, in one place: the Customer SDK v5 documentation's behaviour, with the decisions of
 * `spec/wire-protocol.md` where it and the official 4.0.2 code disagree.
 */
export type ReasonAction =
  /** Reconnect on our own. */
  | 'reconnect'
  /** Reconnect to the region the server names in `data.region`. */
  | 'switch_region'
  /** Stay down until a tab calls `connect()`. */
  | 'pause'
  /** End every tab's instance; never retry. */
  | 'destroy';

export interface ReasonPolicy {
  action: ReasonAction;
  /** Reconnect after a short fixed pause (server asked) rather than after the backoff delay. */
  soon?: boolean;
  /** Get a fresh token before the next login. */
  freshToken?: boolean;
}

const POLICIES: Readonly<Record<string, ReasonPolicy>> = {
  access_token_expired: { action: 'reconnect', soon: true, freshToken: true },
  access_token_revoked: { action: 'reconnect', soon: true, freshToken: true },
  connection_lost: { action: 'reconnect' },
  connection_timeout: { action: 'reconnect', soon: true },
  connection_evicted: { action: 'reconnect', soon: true },
  internal_error: { action: 'reconnect', soon: true },
  service_temporarily_unavailable: { action: 'reconnect' },
  too_many_unauthorized_connections: { action: 'reconnect' },
  misdirected_connection: { action: 'switch_region' },
  // The server says the token is not this connection's customer's: a fresh token names who the
  // customer is now, and a new one is the v5 identity change (identity_changed, cache cleared).
  identity_mismatch: { action: 'reconnect', soon: true, freshToken: true },
  inactivity_timeout: { action: 'pause' },
  users_limit_reached: { action: 'pause' },
  // The API says not to reconnect; a license can be renewed, so the instance stays usable.
  license_expired: { action: 'pause' },
  customer_banned: { action: 'destroy' },
  customer_temporarily_blocked: { action: 'destroy' },
  license_not_found: { action: 'destroy' },
  unsupported_version: { action: 'destroy' },
  too_many_connections: { action: 'destroy' },
  logged_out_remotely: { action: 'destroy' },
  product_version_changed: { action: 'destroy' },
  wrong_product_version: { action: 'destroy' },
};

/** Unknown reasons reconnect, as the API's reason table suggests for transient server states. */
export function reasonPolicy(reason: string): ReasonPolicy {
  // Own keys only: the reason is untrusted server input, and `toString` must not find a prototype member.
  return Object.prototype.hasOwnProperty.call(POLICIES, reason) ? POLICIES[reason]! : { action: 'reconnect', soon: true };
}
