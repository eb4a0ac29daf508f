import { describe, it, expect } from 'vitest';
import { SdkError } from '../../src/shared/errors';
import { Backoff } from '../../src/worker/backoff';
import { reasonPolicy } from '../../src/worker/reasons';
import { PENDING_REQUESTS_LIMIT, PendingRequests, REQUEST_TIMEOUT_MS } from '../../src/worker/pending-requests';
import { ManualClock } from '../support/manual-clock';

/** Lets pending promise callbacks run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Observes a promise without leaving a rejection unhandled. */
function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

describe('reasonPolicy', () => {
  // The 14 disconnection reasons of the Customer SDK v5 docs. identity_mismatch, pushed by the server,
  // reconnects with a fresh token, whose customer tells whether the identity changed.
  it.each([
    ['identity_mismatch', { action: 'reconnect', freshToken: true }],
    ['access_token_expired', { action: 'reconnect', freshToken: true }],
    ['connection_lost', { action: 'reconnect' }],
    ['internal_error', { action: 'reconnect' }],
    ['too_many_unauthorized_connections', { action: 'reconnect' }],
    ['misdirected_connection', { action: 'switch_region' }],
    ['inactivity_timeout', { action: 'pause' }],
    ['users_limit_reached', { action: 'pause' }],
    ['license_expired', { action: 'pause' }],
    ['customer_banned', { action: 'destroy' }],
    ['customer_temporarily_blocked', { action: 'destroy' }],
    ['license_not_found', { action: 'destroy' }],
    ['unsupported_version', { action: 'destroy' }],
    ['too_many_connections', { action: 'destroy' }],
  ] as const)('%s → %o', (reason, expected) => {
    expect(reasonPolicy(reason)).toMatchObject(expected);
  });

  it('asks for a fresh token only when the token is the problem', () => {
    expect(reasonPolicy('access_token_expired').freshToken).toBe(true);
    for (const reason of ['connection_lost', 'internal_error', 'too_many_unauthorized_connections', 'misdirected_connection']) {
      expect(reasonPolicy(reason).freshToken).toBeFalsy();
    }
  });

  it('reconnects soon for server-requested reconnects, after the backoff for a lost connection', () => {
    expect(reasonPolicy('access_token_expired').soon).toBe(true);
    expect(reasonPolicy('internal_error').soon).toBe(true);
    expect(reasonPolicy('connection_lost').soon).toBeFalsy();
    expect(reasonPolicy('too_many_unauthorized_connections').soon).toBeFalsy();
  });

  it('reconnects soon for an unknown reason', () => {
    expect(reasonPolicy('some_future_reason')).toStrictEqual({ action: 'reconnect', soon: true });
    expect(reasonPolicy('')).toStrictEqual({ action: 'reconnect', soon: true });
  });

  // BUG (src/worker/reasons.ts:50): POLICIES is a plain object literal, so a reason string that names an
  // Object.prototype member ('toString', 'constructor', '__proto__', …) resolves to that inherited member
  // (a function / Object.prototype) instead of the default policy; `policy.action` is then undefined.
  // The reason comes from the server's customer_disconnected push, i.e. untrusted input.
  it('does not resolve inherited object keys as reasons', () => {
    for (const reason of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(reasonPolicy(reason)).toStrictEqual({ action: 'reconnect', soon: true });
    }
  });
});

describe('Backoff', () => {
  it('returns 0 when random gives 0', () => {
    const backoff = new Backoff({ baseMs: 1000, maxMs: 8000, random: () => 0 });
    for (let i = 0; i < 6; i++) expect(backoff.next()).toBe(0);
    expect(backoff.attempts).toBe(6);
  });

  it('stays just under a ceiling that doubles and caps at maxMs', () => {
    const backoff = new Backoff({ baseMs: 1000, maxMs: 8000, random: () => 0.999 });
    const ceilings = [1000, 2000, 4000, 8000, 8000, 8000];
    for (const ceiling of ceilings) {
      const delay = backoff.next();
      expect(delay).toBeLessThan(ceiling);
      expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling * 0.999));
      expect(Number.isInteger(delay)).toBe(true);
    }
  });

  it('reset starts over from the base ceiling', () => {
    const backoff = new Backoff({ baseMs: 300, maxMs: 60_000, random: () => 0.999 });
    backoff.next();
    backoff.next();
    backoff.next();
    expect(backoff.attempts).toBe(3);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(Math.floor(0.999 * 300));
  });

  it('uses one random draw per delay, scaled to the ceiling', () => {
    const draws = [0.5, 0.25, 0.75];
    const backoff = new Backoff({ baseMs: 100, maxMs: 10_000, random: () => draws.shift() ?? 0 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([50, 50, 300]);
  });

  it('stays capped after very many attempts', () => {
    const backoff = new Backoff({ baseMs: 1000, maxMs: 5000, random: () => 0.5 });
    let last = 0;
    for (let i = 0; i < 2000; i++) last = backoff.next();
    expect(last).toBe(2500);
  });
});

describe('PendingRequests', () => {
  it('rejects with REQUEST_TIMEOUT after 15 s, not before', async () => {
    const clock = new ManualClock();
    const requests = new PendingRequests(clock);
    const { answer } = requests.open('get_customer');
    const state = track(answer);

    expect(REQUEST_TIMEOUT_MS).toBe(15_000);
    clock.advance(14_999);
    await flush();
    expect(state.settled).toBe(false);
    expect(requests.size).toBe(1);

    clock.advance(1);
    await flush();
    expect(state.error).toBeInstanceOf(SdkError);
    expect((state.error as SdkError).code).toBe('REQUEST_TIMEOUT');
    expect((state.error as SdkError).message).toContain('get_customer');
    expect(requests.size).toBe(0);
  });

  it('honours a per-request timeout', async () => {
    const clock = new ManualClock();
    const requests = new PendingRequests(clock);
    const state = track(requests.open('login', { timeoutMs: 1000 }).answer);
    clock.advance(1000);
    await flush();
    expect((state.error as SdkError).code).toBe('REQUEST_TIMEOUT');
  });

  it('ignores a response that arrives after the timeout', async () => {
    const clock = new ManualClock();
    const requests = new PendingRequests(clock);
    const { requestId, answer } = requests.open('get_customer');
    const state = track(answer);
    clock.advance(REQUEST_TIMEOUT_MS);
    expect(requests.settleResponse(requestId, true, { id: 'c1' })).toBe(false);
    await flush();
    expect((state.error as SdkError).code).toBe('REQUEST_TIMEOUT');
  });

  it('allows 10 requests in flight and refuses the 11th with PENDING_REQUESTS_LIMIT_REACHED', async () => {
    const clock = new ManualClock();
    const requests = new PendingRequests(clock);
    expect(PENDING_REQUESTS_LIMIT).toBe(10);
    const opened = Array.from({ length: 10 }, () => requests.open('get_customer'));
    for (const { answer } of opened) track(answer);
    expect(requests.size).toBe(10);
    expect(new Set(opened.map((request) => request.requestId)).size).toBe(10);

    let thrown: unknown;
    try {
      requests.open('get_customer');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SdkError);
    expect((thrown as SdkError).code).toBe('PENDING_REQUESTS_LIMIT_REACHED');
    expect(requests.size).toBe(10);

    // Settling one frees a slot.
    requests.settleResponse(opened[0]!.requestId, true, {});
    track(requests.open('get_customer').answer);
    expect(requests.size).toBe(10);
    requests.rejectAll(new SdkError('CONNECTION_LOST', 'Connection lost.'));
    await flush();
  });

  it('resolves a direct request from its success response and clears its timer', async () => {
    const clock = new ManualClock();
    const requests = new PendingRequests(clock);
    const { requestId, answer } = requests.open('get_customer');
    expect(clock.pendingTimers).toBe(1);
    expect(requests.settleResponse(requestId, true, { id: 'c1' })).toBe(true);
    await expect(answer).resolves.toStrictEqual({ id: 'c1' });
    expect(requests.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    expect(requests.settleResponse(requestId, true, { id: 'c1' })).toBe(false);
  });

  it('returns false for a response nobody waits for', () => {
    const requests = new PendingRequests(new ManualClock());
    expect(requests.settleResponse('unknown', true, {})).toBe(false);
  });

  it('rejects an error response with the upper-cased error.type, message and data', async () => {
    const requests = new PendingRequests(new ManualClock());
    const { requestId, answer } = requests.open('start_chat', { resolvedBy: 'incoming_chat' });
    const state = track(answer);
    expect(
      requests.settleResponse(requestId, false, {
        error: { type: 'chat_limit_reached', message: 'Chat limit reached', data: { limit: 1 } },
      }),
    ).toBe(true);
    await flush();
    const error = state.error as SdkError;
    expect(error).toBeInstanceOf(SdkError);
    expect(error.code).toBe('CHAT_LIMIT_REACHED');
    expect(error.message).toBe('Chat limit reached');
    expect(error.data).toStrictEqual({ limit: 1 });
    expect(requests.size).toBe(0);
  });

  it('rejects an error response without an error object as INTERNAL', async () => {
    const requests = new PendingRequests(new ManualClock());
    const { requestId, answer } = requests.open('get_customer');
    const state = track(answer);
    requests.settleResponse(requestId, false, {});
    await flush();
    expect((state.error as SdkError).code).toBe('INTERNAL');
    expect((state.error as SdkError).message).toContain('get_customer');
  });

  it('ignores the success response of an indirect request and resolves from its push, returning the owner', async () => {
    const clock = new ManualClock();
    const requests = new PendingRequests(clock);
    const { requestId, answer } = requests.open('send_event', { resolvedBy: 'incoming_event', owner: 'tab-1' });
    const state = track(answer);

    expect(requests.settleResponse(requestId, true, { event_id: 'T1_5' })).toBe(true);
    await flush();
    expect(state.settled).toBe(false);
    expect(requests.size).toBe(1);

    // A push of another kind with the same id does not settle it.
    expect(requests.settlePush('incoming_chat', requestId, { chat: {} })).toBeUndefined();
    expect(requests.size).toBe(1);

    const push = { chat_id: 'C1', thread_id: 'T1', event: { id: 'T1_5', type: 'message', text: 'hi' } };
    expect(requests.settlePush('incoming_event', requestId, push)).toStrictEqual({ owner: 'tab-1' });
    await flush();
    expect(state.value).toBe(push);
    expect(requests.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);

    // Only once.
    expect(requests.settlePush('incoming_event', requestId, push)).toBeUndefined();
  });

  it('settlePush returns {} for an indirect request without an owner, undefined for direct or unknown ids', async () => {
    const requests = new PendingRequests(new ManualClock());
    const indirect = requests.open('start_chat', { resolvedBy: 'incoming_chat' });
    expect(requests.settlePush('incoming_chat', indirect.requestId, { chat: { id: 'C1' } })).toStrictEqual({});
    await expect(indirect.answer).resolves.toStrictEqual({ chat: { id: 'C1' } });

    const direct = requests.open('get_customer');
    track(direct.answer);
    expect(requests.settlePush('incoming_event', direct.requestId, {})).toBeUndefined();
    expect(requests.size).toBe(1);
    expect(requests.settlePush('incoming_event', 'nobody', {})).toBeUndefined();
  });

  it('rejectAll rejects every request with the given error and clears every timer', async () => {
    const clock = new ManualClock();
    const requests = new PendingRequests(clock);
    const states = [
      track(requests.open('get_customer').answer),
      track(requests.open('send_event', { resolvedBy: 'incoming_event', owner: 'a' }).answer),
      track(requests.open('list_chats', { owner: 'b' }).answer),
    ];
    const lost = new SdkError('CONNECTION_LOST', 'Connection lost.');
    requests.rejectAll(lost);
    await flush();
    for (const state of states) expect(state.error).toBe(lost);
    expect(requests.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejectOwner rejects only that owner’s requests', async () => {
    const clock = new ManualClock();
    const requests = new PendingRequests(clock);
    const a1 = track(requests.open('get_customer', { owner: 'tab-a' }).answer);
    const a2 = track(requests.open('send_event', { owner: 'tab-a', resolvedBy: 'incoming_event' }).answer);
    const b = track(requests.open('get_customer', { owner: 'tab-b' }).answer);
    const none = track(requests.open('get_customer').answer);

    const gone = new SdkError('SDK_DESTROYED', 'SDK destroyed.');
    requests.rejectOwner('tab-a', gone);
    await flush();
    expect(a1.error).toBe(gone);
    expect(a2.error).toBe(gone);
    expect(b.settled).toBe(false);
    expect(none.settled).toBe(false);
    expect(requests.size).toBe(2);
    expect(clock.pendingTimers).toBe(2);

    requests.rejectAll(gone);
    await flush();
  });

  it('cancel rejects one request with the given error', async () => {
    const requests = new PendingRequests(new ManualClock());
    const { requestId, answer } = requests.open('get_customer');
    const state = track(answer);
    requests.cancel(requestId, new SdkError('NO_CONNECTION', 'No connection.'));
    await flush();
    expect((state.error as SdkError).code).toBe('NO_CONNECTION');
    expect(requests.size).toBe(0);
  });

  it('issues unique 10-character ids even when random() always returns the same number', () => {
    const requests = new PendingRequests(new ManualClock(), () => 0.5);
    const opened = Array.from({ length: 10 }, (_, index) => requests.open(`a${index}`));
    for (const { answer } of opened) track(answer);
    const ids = opened.map(({ requestId }) => requestId);
    expect(new Set(ids).size).toBe(10);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{10}$/);
  });
});
