/**
 * The tab's deadlines only work in the right order (src/client/timeouts.ts says so, and names this
 * file as the pin). Each assertion is a relation that a comment in the source (or the README's
 * documentation of a behaviour) claims, with that claim as its message: change a value so that one
 * no longer holds and the behaviour it describes is gone.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ATTACH_TIMEOUT_MS,
  CALL_TIMEOUT_MS,
  HANG_DEADLINE_MS,
  LEADER_SILENCE_MS,
  PROBE_INTERVAL_MS,
  RECOVERY_MAX_PAUSE_MS,
  RECOVERY_PAUSE_MS,
  RELAY_ATTACH_ATTEMPT_MS,
  RELAY_ATTACH_BUDGET_MS,
  RELAY_CALL_MS,
  RELAY_REQUEST_MS,
  RELAY_TOKEN_TIMEOUT_MS,
  WATCH_TICK_MS,
} from '../../src/client/timeouts';
import { REQUEST_TIMEOUT_MS } from '../../src/worker/pending-requests';
import { DEFAULT_TOKEN_TIMEOUT_MS } from '../../src/worker/login';
import { STALL_MS } from '../../src/worker/supervision';

describe('calls: the innermost deadline fires first, so its precise error wins', () => {
  it('the runtime request timeout < the relay request deadline < the tab call deadline', () => {
    expect(REQUEST_TIMEOUT_MS, "RELAY_REQUEST_MS: above the runtime's 15 s request timeout (REQUEST_TIMEOUT wins over the relay's RUNTIME_UNAVAILABLE)").toBeLessThan(
      RELAY_REQUEST_MS,
    );
    expect(RELAY_REQUEST_MS, 'RELAY_REQUEST_MS: below CALL_TIMEOUT_MS (the relay answers before the tab gives up on its own)').toBeLessThan(CALL_TIMEOUT_MS);
    expect(REQUEST_TIMEOUT_MS, "CALL_TIMEOUT_MS: above the runtime's 15 s request timeout, so the runtime's wins").toBeLessThan(CALL_TIMEOUT_MS);
  });

  it("every other relay call is under the tab's call deadline", () => {
    expect(RELAY_CALL_MS, "CALL_TIMEOUT_MS: above ... the relay's [deadlines], so theirs win").toBeLessThan(CALL_TIMEOUT_MS);
  });

  it('a hung runtime is declared lost before a call in flight on it reaches its own deadline', () => {
    // README, Errors: CONNECTION_LOST when "the runtime died or hung while the request was in
    // flight"; RUNTIME_UNAVAILABLE only when it "was not replaced within the call's 20 s deadline".
    expect(PROBE_INTERVAL_MS + HANG_DEADLINE_MS, 'a call in flight on a hung runtime settles with CONNECTION_LOST (the loss), not RUNTIME_UNAVAILABLE (its own deadline)').toBeLessThan(
      CALL_TIMEOUT_MS,
    );
  });

  it('the runtime request timeout is the documented 15 s the comments count on', () => {
    expect(REQUEST_TIMEOUT_MS, "timeouts.ts: \"the runtime's own 15 s request timeout must fire first\"; README: REQUEST_TIMEOUT after 15 s").toBe(15_000);
  });
});

describe('attaching through a dedicated-mode leader', () => {
  it('one attempt < the whole relay attach < the tab attach deadline', () => {
    expect(RELAY_ATTACH_ATTEMPT_MS, 'RELAY_ATTACH_ATTEMPT_MS: one attach attempt through the leader; the whole attach stays under the budget').toBeLessThan(
      RELAY_ATTACH_BUDGET_MS,
    );
    expect(
      RELAY_ATTACH_BUDGET_MS,
      "the relay's attach budget is under the tab's ATTACH_TIMEOUT_MS, so the relay answers (\"No leader tab took this tab in time\") before the tab's own attach deadline",
    ).toBeLessThan(ATTACH_TIMEOUT_MS);
  });

  it("a follower's token deadline is under the runtime's, so the runtime is never the one that gives up", () => {
    expect(RELAY_TOKEN_TIMEOUT_MS, "RELAY_TOKEN_TIMEOUT_MS: below the runtime's 10 s token timeout, so it moves on to another tab itself").toBeLessThan(
      DEFAULT_TOKEN_TIMEOUT_MS,
    );
  });

  it('a follower suspects its leader only after missing more than one probe answer', () => {
    expect(2 * PROBE_INTERVAL_MS, 'LEADER_SILENCE_MS: probes answer every PROBE_INTERVAL_MS, so a healthy leader is heard from (at least twice) within the silence').toBeLessThan(
      LEADER_SILENCE_MS,
    );
  });
});

describe('supervision: a hang is declared only when it is one', () => {
  it("the tabs' hang deadline is longer than the worker's stall threshold", () => {
    expect(
      STALL_MS,
      'HANG_DEADLINE_MS: longer than the worker\'s own stall threshold (STALL_MS), so a runtime stalled long enough to be replaced knows it stalled (and checks before it sends)',
    ).toBeLessThan(HANG_DEADLINE_MS);
    expect(STALL_MS, "README: the worker's stall threshold (4 s) is below the tabs' hang deadline (12 s)").toBeLessThan(PROBE_INTERVAL_MS + HANG_DEADLINE_MS);
  });

  it("the watch's tick is finer than its probe interval", () => {
    // No comment states this one; supervise.ts's watch sends a probe only from a tick.
    expect(WATCH_TICK_MS, 'the watch probes on its ticks: a tick longer than PROBE_INTERVAL_MS could not keep the probe interval').toBeLessThan(PROBE_INTERVAL_MS);
  });

  it('recovery pauses start small and grow to a cap', () => {
    expect(RECOVERY_PAUSE_MS, 'RECOVERY_PAUSE_MS: first pause between two attempts; doubles up to RECOVERY_MAX_PAUSE_MS').toBeLessThan(RECOVERY_MAX_PAUSE_MS);
  });
});

describe('the values the README documents', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const seconds = (ms: number) => `${ms / 1000} s`;

  it('names the same numbers as the code', () => {
    expect(readme, 'README: "sends it a heartbeat every 4 s"').toContain(`heartbeat every ${seconds(PROBE_INTERVAL_MS)}`);
    expect(readme, 'README: "declares it hung after 8 s more without an answer (12 s in all)"').toContain(
      `hung after ${seconds(HANG_DEADLINE_MS)} more without an answer (${seconds(PROBE_INTERVAL_MS + HANG_DEADLINE_MS)} in all)`,
    );
    expect(readme, "README: \"The worker's stall threshold (4 s) is below the tabs' hang deadline (12 s)\"").toContain(
      `stall threshold (${seconds(STALL_MS)}) is below the tabs' hang deadline (${seconds(PROBE_INTERVAL_MS + HANG_DEADLINE_MS)})`,
    );
    expect(readme, 'README: "after its attach deadline (15 s)"').toContain(`attach deadline (${seconds(ATTACH_TIMEOUT_MS)})`);
    expect(readme, 'README: "(up to their 20 s deadline, then RUNTIME_UNAVAILABLE)"').toContain(`up to their ${seconds(CALL_TIMEOUT_MS)} deadline`);
  });
});
