// startUpload against a scripted XMLHttpRequest stand-in: validation, size limit, cancel, and
// the mapping of HTTP answers to results and error codes (the real thing runs in e2e/upload.spec.ts).
import { describe, expect, it, vi } from 'vitest';
import { MAX_UPLOAD_BYTES, startUpload } from '../../src/client/upload';
import { SdkError } from '../../src/shared/errors';
import type { Token } from '../../src/shared/types';

const token: Token = { accessToken: 'dal:abc', entityId: 'c1', expiresIn: 60_000, tokenType: 'Bearer', creationDate: Date.now() };

class FakeXhr {
  static last: FakeXhr | undefined;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown;
  status = 0;
  responseText = '';
  aborted = false;
  upload: { onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  ontimeout: (() => void) | null = null;
  onabort: (() => void) | null = null;
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  respond(status: number, text: string) {
    this.status = status;
    this.responseText = text;
    this.onload?.();
  }
}

const deps = (getToken: () => Promise<Token> = () => Promise.resolve(token)) => ({
  url: 'http://emulator.test/v3.6/customer/action/upload_file?organization_id=o',
  getToken,
  createXhr: () => new FakeXhr() as unknown as XMLHttpRequest,
});

const sent = async (): Promise<FakeXhr> => {
  await vi.waitFor(() => expect(FakeXhr.last?.body).toBeDefined());
  return FakeXhr.last!;
};

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: SdkError) => ({ code: error.code, message: error.message }),
  );

describe('startUpload', () => {
  it('posts the file as multipart field "file" with the token, reports progress and resolves the JSON as is', async () => {
    FakeXhr.last = undefined;
    const progress: number[] = [];
    const file = new Blob(['hello'], { type: 'text/plain' });
    const { promise } = startUpload({ file, onProgress: (p: number) => progress.push(p) }, deps());
    const xhr = await sent();
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('http://emulator.test/v3.6/customer/action/upload_file?organization_id=o');
    expect(xhr.headers).toEqual({ Authorization: 'Bearer dal:abc' });
    expect((xhr.body as FormData).get('file')).toBeInstanceOf(Blob);
    xhr.upload.onprogress?.({ lengthComputable: true, loaded: 50, total: 100 });
    xhr.upload.onprogress?.({ lengthComputable: true, loaded: 40, total: 100 }); // never goes back
    xhr.respond(200, '{"url":"https://cdn/x","extra":1}');
    expect(await promise).toEqual({ url: 'https://cdn/x', extra: 1 });
    expect(progress).toEqual([0, 0.5, 1]);
  });

  it('rejects (never throws) bad params with VALIDATION naming the field', async () => {
    const attempt = (params: unknown) => failure(startUpload(params, deps()).promise);
    expect(await attempt(undefined)).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('"params"') });
    expect(await attempt({ file: 'not a blob' })).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('"file"') });
    // A documented deviation (README, migrating): React Native's file object, which this browser-only SDK cannot take.
    expect(await attempt({ file: { uri: 'file:///photo.jpg', type: 'image/jpeg', name: 'photo.jpg' } })).toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining("React Native's { uri, type, name } file objects are not supported"),
    });
    expect(await attempt({ file: new Blob(['x']), onProgress: 5 })).toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('"onProgress"'),
    });
  });

  it('rejects a file over 10 MiB with TOO_BIG_FILE without asking for a token', async () => {
    const getToken = vi.fn(() => Promise.resolve(token));
    const { promise } = startUpload({ file: new Blob([new Uint8Array(MAX_UPLOAD_BYTES + 1)]) }, deps(getToken));
    expect(await failure(promise)).toEqual({ code: 'TOO_BIG_FILE', message: 'The file is too big (max size is 10.00 MB).' });
    expect(getToken).not.toHaveBeenCalled();
  });

  it('cancel() before the token arrived sends nothing; cancel() during the upload aborts it', async () => {
    FakeXhr.last = undefined;
    let release!: (token: Token) => void;
    const early = startUpload({ file: new Blob(['x']) }, deps(() => new Promise((resolve) => (release = resolve))));
    early.cancel();
    release(token);
    expect(await failure(early.promise)).toEqual({ code: 'UPLOAD_CANCELED', message: 'Upload canceled.' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(FakeXhr.last).toBeUndefined();

    const late = startUpload({ file: new Blob(['x']) }, deps());
    const xhr = await sent();
    late.cancel();
    expect(xhr.aborted).toBe(true);
    expect(await failure(late.promise)).toMatchObject({ code: 'UPLOAD_CANCELED' });
  });

  it('maps an API error body to its type upper-cased, and anything else to UPLOAD_FAILED', async () => {
    const outcome = async (answer: (xhr: FakeXhr) => void) => {
      FakeXhr.last = undefined;
      const { promise } = startUpload({ file: new Blob(['x']) }, deps());
      answer(await sent());
      return failure(promise);
    };
    expect(await outcome((xhr) => xhr.respond(413, '{"error":{"type":"entity_too_large","message":"Too big"}}'))).toEqual({
      code: 'ENTITY_TOO_LARGE',
      message: 'Too big',
    });
    expect(await outcome((xhr) => xhr.respond(401, '{"error":{"type":"authentication","message":"No"}}'))).toMatchObject({ code: 'AUTHENTICATION' });
    expect(await outcome((xhr) => xhr.respond(502, '<html>Bad gateway</html>'))).toMatchObject({ code: 'UPLOAD_FAILED' });
    expect(await outcome((xhr) => xhr.respond(200, 'not json'))).toMatchObject({ code: 'UPLOAD_FAILED' });
    expect(await outcome((xhr) => xhr.onerror?.())).toEqual({ code: 'UPLOAD_FAILED', message: 'Upload failed.' });
  });

  it('passes a token failure on', async () => {
    const { promise } = startUpload({ file: new Blob(['x']) }, deps(() => Promise.reject(new SdkError('SSO_OAUTH_EXCEPTION', 'access_denied'))));
    expect(await failure(promise)).toEqual({ code: 'SSO_OAUTH_EXCEPTION', message: 'access_denied' });
  });
});
