// Who may log in: the gate a valid login passes before it changes anything (RtmOptions.admit),
// with the organization's status and region, bans, temporary blocks and the per-customer and user limits.
import type { Hub } from './hub';
import type { Refusal, Session } from './rtm';
import type { State } from './state';
import { RtmError } from './validate';

/** The limits the login gate applies; see EmulatorOptions (options.ts) for each one's default. */
export interface GateLimits {
  region: string;
  maxConnections: number;
  blockAfter: number;
  blockMs: number;
  usersLimit: number;
}

/**
 * The login gate (RtmOptions.admit): organization, region, bans, blocks and the connection and user
 * limits. Answers a refusal (customer_disconnected), throws an RtmError, or admits with undefined.
 */
export function loginGate(state: State, hub: Hub, { region, maxConnections, blockAfter, blockMs, usersLimit }: GateLimits) {
  return function admit(session: Session, customerId: string): Refusal | undefined {
    const org = state.org(session.organizationId);
    if (org.status === 'missing') return { reason: 'license_not_found' };
    if (org.status === 'expired') return { reason: 'license_expired' };
    if (org.region !== undefined && org.region !== region) return { reason: 'misdirected_connection', data: { region: org.region } };
    if (org.banned.has(customerId)) throw new RtmError('customer_banned', 'Customer is banned');
    const now = Date.now();
    const blockedUntil = org.blockedUntil.get(customerId) ?? 0;
    if (blockedUntil > now) return { reason: 'customer_temporarily_blocked', data: { timeout_ms: blockedUntil - now } };
    org.blockedUntil.delete(customerId);
    if (maxConnections > 0 && hub.customerConnections(session.organizationId, customerId).length >= maxConnections) {
      org.counters.refusedConnections += 1;
      const recent = (org.refusals.get(customerId) ?? []).filter((t) => now - t < blockMs);
      recent.push(now);
      if (blockAfter > 0 && recent.length >= blockAfter) {
        org.blockedUntil.set(customerId, now + blockMs);
        org.refusals.delete(customerId);
      } else {
        org.refusals.set(customerId, recent);
      }
      return { reason: 'too_many_connections' };
    }
    if (usersLimit > 0) {
      const online = hub.onlineCustomers(session.organizationId);
      if (!online.has(customerId) && online.size >= usersLimit) throw new RtmError('users_limit_reached', 'Users limit reached');
    }
    return undefined;
  };
}
