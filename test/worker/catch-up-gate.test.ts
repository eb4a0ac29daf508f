import { describe, expect, it } from 'vitest';
import { CatchUpGate } from '../../src/worker/catch-up-gate';

describe('CatchUpGate', () => {
  it('lets everything through while no login is catching up', () => {
    const gate = new CatchUpGate<string>();
    expect(gate.hold('chat-1', 'a')).toBe(false);
  });

  it('holds every chat until the catch-up names its chats, then each until it is delivered, in arrival order', () => {
    const gate = new CatchUpGate<string>();
    const login = gate.close();
    for (const [chatId, item] of [['known', 'k1'], ['new', 'n1'], ['known', 'k2'], ['new', 'n2']] as const) expect(gate.hold(chatId, item)).toBe(true);
    expect(gate.expect(login, ['known'])).toEqual(['n1', 'n2']);
    expect(gate.hold('new', 'n3')).toBe(false);
    expect(gate.hold('known', 'k3')).toBe(true);
    expect(gate.release(login, 'known')).toEqual(['k1', 'k2', 'k3']);
    expect(gate.hold('known', 'k4')).toBe(false);
    expect(gate.open(login)).toEqual([]);
  });

  it('a catch-up of an earlier login releases nothing of the current one; a dropped socket releases all', () => {
    const gate = new CatchUpGate<string>();
    const first = gate.close();
    const second = gate.close();
    gate.hold('chat-1', 'a');
    expect(gate.expect(first, [])).toEqual([]);
    expect(gate.release(first, 'chat-1')).toEqual([]);
    expect(gate.open(first)).toEqual([]);
    expect(gate.hold('chat-1', 'b')).toBe(true);
    expect(gate.open()).toEqual(['a', 'b']);
    expect(gate.expect(second, ['chat-1'])).toEqual([]);
    expect(gate.hold('chat-1', 'c')).toBe(false);
  });
});
