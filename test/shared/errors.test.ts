import { describe, it, expect } from 'vitest';
import { fromEnvelope, SdkError, toEnvelope, type Envelope } from '../../src/shared/errors';

describe('SdkError', () => {
  it('is an Error with a name, code, message and optional data', () => {
    const error = new SdkError('VALIDATION', '"chatId" must be a non-empty string, got number', { field: 'chatId' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SdkError');
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toBe('"chatId" must be a non-empty string, got number');
    expect(error.data).toStrictEqual({ field: 'chatId' });
    expect(new SdkError('NO_CONNECTION', 'No connection.').data).toBeUndefined();
  });

  it('round-trips through toData / fromData with and without data', () => {
    const withData = new SdkError('CHAT_LIMIT_REACHED', 'Chat limit reached', { limit: 1 });
    expect(withData.toData()).toStrictEqual({ code: 'CHAT_LIMIT_REACHED', message: 'Chat limit reached', data: { limit: 1 } });
    const back = SdkError.fromData(withData.toData());
    expect(back).toBeInstanceOf(SdkError);
    expect(back.code).toBe('CHAT_LIMIT_REACHED');
    expect(back.message).toBe('Chat limit reached');
    expect(back.data).toStrictEqual({ limit: 1 });

    const withoutData = new SdkError('REQUEST_TIMEOUT', 'Request "get_customer" timed out.');
    expect(withoutData.toData()).toStrictEqual({ code: 'REQUEST_TIMEOUT', message: 'Request "get_customer" timed out.' });
    expect(SdkError.fromData(withoutData.toData()).toData()).toStrictEqual(withoutData.toData());
  });

  it('toData survives structured cloning (what crosses the worker boundary)', () => {
    const data = structuredClone(new SdkError('CONNECTION_LOST', 'Connection lost.', { at: 1 }).toData());
    expect(SdkError.fromData(data).code).toBe('CONNECTION_LOST');
  });

  it('from keeps an SdkError as it is', () => {
    const error = new SdkError('SDK_DESTROYED', 'SDK destroyed.');
    expect(SdkError.from(error)).toBe(error);
    expect(SdkError.from(error, 'CONNECTION_LOST')).toBe(error);
  });

  it('from turns a plain Error into INTERNAL (or the fallback code), keeping the message', () => {
    const internal = SdkError.from(new Error('boom'));
    expect(internal).toBeInstanceOf(SdkError);
    expect(internal.code).toBe('INTERNAL');
    expect(internal.message).toBe('boom');
    expect(SdkError.from(new TypeError('bad'), 'RUNTIME_UNAVAILABLE').code).toBe('RUNTIME_UNAVAILABLE');
  });

  it('from turns strings and other values into messages', () => {
    const fromString = SdkError.from('worker crashed');
    expect(fromString.code).toBe('INTERNAL');
    expect(fromString.message).toBe('worker crashed');
    expect(SdkError.from(42).message).toBe('42');
    expect(SdkError.from(undefined).message).toBe('undefined');
  });

  it('from rebuilds plain error data (e.g. an error that lost its prototype)', () => {
    const error = SdkError.from({ code: 'GROUPS_OFFLINE', message: 'Groups offline', data: { groups: [1] } });
    expect(error).toBeInstanceOf(SdkError);
    expect(error.code).toBe('GROUPS_OFFLINE');
    expect(error.data).toStrictEqual({ groups: [1] });
  });
});

describe('envelopes', () => {
  it('toEnvelope wraps a value, sync or async', async () => {
    expect(await toEnvelope(() => 5)).toStrictEqual({ ok: true, value: 5 });
    expect(await toEnvelope(async () => ({ success: true }))).toStrictEqual({ ok: true, value: { success: true } });
  });

  it('toEnvelope keeps the code of a thrown or rejected SdkError', async () => {
    expect(
      await toEnvelope(() => {
        throw new SdkError('VALIDATION', 'bad', { field: 'x' });
      }),
    ).toStrictEqual({ ok: false, error: { code: 'VALIDATION', message: 'bad', data: { field: 'x' } } });
    expect(await toEnvelope(() => Promise.reject(new SdkError('NO_CONNECTION', 'No connection.')))).toStrictEqual({
      ok: false,
      error: { code: 'NO_CONNECTION', message: 'No connection.' },
    });
  });

  it('toEnvelope maps a plain Error to INTERNAL', async () => {
    expect(
      await toEnvelope(() => {
        throw new Error('oops');
      }),
    ).toStrictEqual({ ok: false, error: { code: 'INTERNAL', message: 'oops' } });
  });

  it('fromEnvelope returns the value or throws an SdkError with the code', () => {
    expect(fromEnvelope({ ok: true, value: 'x' })).toBe('x');
    const envelope: Envelope<string> = { ok: false, error: { code: 'CHAT_INACTIVE', message: 'Chat inactive', data: 1 } };
    let thrown: unknown;
    try {
      fromEnvelope(envelope);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SdkError);
    expect((thrown as SdkError).code).toBe('CHAT_INACTIVE');
    expect((thrown as SdkError).message).toBe('Chat inactive');
    expect((thrown as SdkError).data).toBe(1);
  });

  it('round-trips an error through toEnvelope and fromEnvelope', async () => {
    const envelope = await toEnvelope<never>(() => {
      throw new SdkError('PENDING_REQUESTS_LIMIT_REACHED', 'too many');
    });
    expect(() => fromEnvelope(structuredClone(envelope))).toThrow(
      expect.objectContaining({ code: 'PENDING_REQUESTS_LIMIT_REACHED', message: 'too many' }),
    );
  });
});
