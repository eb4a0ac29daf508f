/**
 * Every deadline a tab keeps, in one place: they only work in the right order (pinned by
 * test/client/timeouts.test.ts). Calls to the runtime never settle on their own when it is gone
 * (Comlink), so each has one of these; the runtime's own 15 s request timeout must fire first.
 */

/** A call to the runtime: above the runtime's 15 s request timeout and the relay's, so theirs win. */
export const CALL_TIMEOUT_MS = 20_000;
/** Attaching to the runtime, from the first message to its answer (a cold worker start included). */
export const ATTACH_TIMEOUT_MS = 15_000;

/**
 * Longest a tab waits for its first `connected`/`disconnected` before it loads what watches its
 * runtime (supervise.ts): far below PROBE_INTERVAL_MS, so a runtime dead at start-up is found as soon.
 */
export const SUPERVISION_DEFERRAL_MS = 1_000;
/** How often a tab asks the runtime whether it is alive (a heartbeat) while nothing else is heard. */
export const PROBE_INTERVAL_MS = 4_000;
/**
 * Time the tab itself was healthy (visible, its timers on time) with no answer from the runtime,
 * on top of one probe interval, before it declares the runtime hung. Longer than the worker's own
 * stall threshold (STALL_MS), so a runtime stalled long enough to be replaced knows it stalled.
 */
export const HANG_DEADLINE_MS = 8_000;
/** The watch's clock; a gap of two ticks means this tab was throttled or frozen: its silence proves nothing. */
export const WATCH_TICK_MS = 1_000;
/** First pause between two attempts to replace a runtime; doubles up to RECOVERY_MAX_PAUSE_MS. */
export const RECOVERY_PAUSE_MS = 250;
export const RECOVERY_MAX_PAUSE_MS = 5_000;

// Dedicated mode (election.ts, follower.ts, leader-relay.ts).
/** One attach attempt through the leader; the whole attach stays under ATTACH_BUDGET_MS. */
export const RELAY_ATTACH_ATTEMPT_MS = 5_000;
export const RELAY_ATTACH_BUDGET_MS = 14_000;
/** A request through the leader: above the runtime's 15 s request timeout, below CALL_TIMEOUT_MS. */
export const RELAY_REQUEST_MS = 17_000;
/** Every other call through the leader: the runtime answers them at once. */
export const RELAY_CALL_MS = 8_000;
/** Longest pause between a follower's attempts to attach. */
export const RELAY_MAX_PAUSE_MS = 5_000;
/** How often a follower checks on its leader. */
export const LEADER_WATCHDOG_MS = 2_000;
/** Silence that makes a follower suspect its leader: probes answer every PROBE_INTERVAL_MS. */
export const LEADER_SILENCE_MS = 10_000;
/** How long the same silent holder keeps the leader lock after a `who-leads` before a follower takes it. */
export const STEAL_AFTER_MS = 3_000;
/** A follower's token or customer data: below the runtime's 10 s token timeout, so it moves on to another tab itself. */
export const RELAY_TOKEN_TIMEOUT_MS = 9_000;
