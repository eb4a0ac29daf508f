/**
 * `uploadFile({ file, onProgress? })`: an HTTP upload to the Customer Chat API, not an RTM request.
 *
 * It runs here, in the tab, not in the runtime that owns the socket: the File lives in the page
 * (handing it to a worker would copy up to 10 MB for nothing), XMLHttpRequest reports upload
 * progress here (`xhr.upload.onprogress`; fetch cannot), and the token comes from the tab's own
 * token source (`auth.getToken()`), which is where the runtime gets its tokens from anyway.
 */
import { apiOrigin, type RuntimeConfig } from '../shared/contract';
import { SdkError } from '../shared/errors';
import type { Region, Token } from '../shared/types';
import { API_VERSION } from '../shared/version';
import { fail, isPlainObject, optionalFunction, requireObject } from '../shared/validate';

/** The API's limit: 10 × 1024 × 1024 bytes. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export interface UploadFileParams {
  file: Blob;
  /** Called with the fraction sent, from 0 to 1, non-decreasing; 1 once the upload succeeded. */
  onProgress?: (progress: number) => void;
}

/** The server's JSON answer, as is: `{ url }`, a temporary URL (24 h unless used in `sendEvent`). */
export interface UploadFileResult {
  url: string;
  [key: string]: unknown;
}

export interface UploadHandle {
  promise: Promise<UploadFileResult>;
  /** Aborts the upload; the promise rejects with UPLOAD_CANCELED. No-op once it settled. */
  cancel(): void;
}

/**
 * The customer file upload endpoint: the same host as the RTM socket, over HTTP. Here, not beside
 * `rtmUrl` in the contract, because only this module (loaded on the first upload) needs it.
 */
export function uploadUrl(config: RuntimeConfig, region: Region): string {
  return `${apiOrigin(config, region)}/v${API_VERSION}/customer/action/upload_file?organization_id=${encodeURIComponent(config.organizationId)}`;
}

export interface UploadDeps {
  /** The upload_file URL (`uploadUrl`). */
  url: string;
  getToken(): Promise<Token>;
  /** For tests; `new XMLHttpRequest()` by default. */
  createXhr?: () => XMLHttpRequest;
}

/**
 * Starts an upload and returns `{ promise, cancel }` at once; invalid params reject the promise
 * (never throw), as the official SDK's do. `abort(error)` on the returned handle lets the SDK
 * end the upload with another error (SDK_DESTROYED on destroy()).
 */
export function startUpload(params: unknown, deps: UploadDeps): UploadHandle & { abort(error: SdkError): void } {
  let settled = false;
  let xhr: XMLHttpRequest | undefined;
  let resolvePromise!: (value: UploadFileResult) => void;
  let rejectPromise!: (error: SdkError) => void;
  const promise = new Promise<UploadFileResult>((resolve, reject) => {
    resolvePromise = resolve;
    rejectPromise = reject;
  });
  const settle = (outcome: { value: UploadFileResult } | { error: SdkError }) => {
    if (settled) return;
    settled = true;
    if ('value' in outcome) resolvePromise(outcome.value);
    else rejectPromise(outcome.error);
  };
  const abort = (error: SdkError) => {
    if (settled) return;
    settle({ error });
    // Before the token arrived there is no request yet: the token callback sees `settled` and sends nothing.
    xhr?.abort();
  };
  // Once settled (a bad argument, a file too big) cancel() and abort() do nothing: one handle serves.
  const handle = { promise, cancel: () => abort(new SdkError('UPLOAD_CANCELED', 'Upload canceled.')), abort };

  let file: Blob;
  let onProgress: ((progress: number) => void) | undefined;
  try {
    ({ file, onProgress } = validate(params));
  } catch (error) {
    settle({ error: SdkError.from(error) });
    return handle;
  }

  let reported = -1;
  const progress = (value: number) => {
    const fraction = Math.min(1, Math.max(0, value));
    if (!onProgress || fraction <= reported) return;
    reported = fraction;
    try {
      onProgress(fraction);
    } catch (error) {
      console.error('[livechat-multitab] uploadFile onProgress threw:', error);
    }
  };

  if (file.size > MAX_UPLOAD_BYTES) {
    settle({ error: new SdkError('TOO_BIG_FILE', 'The file is too big (max size is 10.00 MB).') });
    return handle;
  }

  deps.getToken().then(
    (token) => {
      if (settled) return;
      const request = (xhr = deps.createXhr?.() ?? new XMLHttpRequest());
      request.open('POST', deps.url);
      request.setRequestHeader('Authorization', `${token.tokenType} ${token.accessToken}`);
      request.upload.onprogress = (event) => {
        if (event.lengthComputable && event.total > 0) progress(event.loaded / event.total);
      };
      request.onload = () => {
        const body = parseJson(request.responseText);
        if (request.status >= 200 && request.status < 300) {
          if (!isPlainObject(body)) return settle({ error: new SdkError('UPLOAD_FAILED', 'Upload failed.', { status: request.status }) });
          progress(1);
          return settle({ value: body as UploadFileResult });
        }
        settle({ error: httpError(request.status, body) });
      };
      request.onerror = () => settle({ error: new SdkError('UPLOAD_FAILED', 'Upload failed.') });
      request.ontimeout = () => settle({ error: new SdkError('UPLOAD_FAILED', 'Upload failed.') });
      request.onabort = () => settle({ error: new SdkError('UPLOAD_CANCELED', 'Upload canceled.') });
      const form = new FormData();
      form.append('file', file);
      progress(0);
      request.send(form);
    },
    (error: unknown) => settle({ error: SdkError.from(error, 'TOKEN_UNAVAILABLE') }),
  );

  return handle;
}

function validate(params: unknown): UploadFileParams {
  const { file } = requireObject(params, 'params');
  // The v5 docs also take React Native's `{ uri, type, name }`: this SDK needs a page (tabs, workers),
  // so it never runs in React Native, and in a browser such an object is a mistake worth naming.
  if (isPlainObject(file) && typeof file.uri === 'string') {
    fail('file', "a Blob or File (React Native's { uri, type, name } file objects are not supported: this SDK runs in browsers)", file);
  }
  if (typeof Blob === 'undefined' || !(file instanceof Blob)) fail('file', 'a Blob or File', file);
  const onProgress = optionalFunction<(progress: number) => void>((params as UploadFileParams).onProgress, 'onProgress');
  return onProgress ? { file, onProgress } : { file };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The API's `{ error: { type, message } }` keeps its type, upper-cased; anything else is UPLOAD_FAILED. */
function httpError(status: number, body: unknown): SdkError {
  const error = isPlainObject(body) ? body.error : undefined;
  if (isPlainObject(error) && typeof error.type === 'string' && error.type !== '') {
    const message = typeof error.message === 'string' ? error.message : error.type;
    return new SdkError(error.type.toUpperCase(), message, { status });
  }
  return new SdkError('UPLOAD_FAILED', 'Upload failed.', { status });
}
