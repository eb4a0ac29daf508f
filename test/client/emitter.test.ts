import { describe, expect, it, vi } from 'vitest';
import { Emitter } from '../../src/client/emitter';

const connected = { customer: { id: 'c1' }, availability: 'online' } as never;

describe('Emitter', () => {
  it('calls an on() listener on every emit, once however often it was added, until off()', () => {
    const emitter = new Emitter();
    const listener = vi.fn();
    emitter.on('connected', listener);
    emitter.on('connected', listener);
    emitter.emit('connected', connected);
    emitter.emit('connected', connected);
    emitter.off('connected', listener);
    emitter.emit('connected', connected);
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('calls a once() listener once per once() call, even for the same function', () => {
    const emitter = new Emitter();
    const listener = vi.fn();
    emitter.once('connected', listener);
    emitter.once('connected', listener);
    for (let i = 0; i < 4; i++) emitter.emit('connected', connected);
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('keeps once() registrations of one function for two events apart', () => {
    const emitter = new Emitter();
    const listener = vi.fn();
    emitter.once('connected', listener);
    emitter.once('disconnected', listener);
    for (let i = 0; i < 3; i++) emitter.emit('connected', connected);
    expect(listener).toHaveBeenCalledTimes(1);
    emitter.emit('disconnected', { reason: 'test' });
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('off() removes once() registrations too, and only for that event', () => {
    const emitter = new Emitter();
    const listener = vi.fn();
    emitter.once('connected', listener);
    emitter.once('disconnected', listener);
    emitter.off('connected', listener);
    emitter.emit('connected', connected);
    expect(listener).not.toHaveBeenCalled();
    emitter.emit('disconnected', { reason: 'test' });
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
