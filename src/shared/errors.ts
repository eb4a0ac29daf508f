/**
 * Every failure the SDK reports is an `SdkError` with a stable, machine-readable `code`.
 *
 * Local codes are listed in `LocalErrorCode`; errors the Customer Chat API returns keep the
 * server's type, upper-cased (`validation` → `VALIDATION`, `chat_limit_reached` → `CHAT_LIMIT_REACHED`),
 * exactly as the official SDK reports them.
 */
export type LocalErrorCode =
  /** An argument or config value is missing or has the wrong type; the message names the field. */
  | 'VALIDATION'
  /** A request was made while this tab is not connected (before `connected`, after `disconnect()`). */
  | 'NO_CONNECTION'
  /** The socket closed while the request was in flight. */
  | 'CONNECTION_LOST'
  /** No answer within 15 s. */
  | 'REQUEST_TIMEOUT'
  /** 10 requests are already in flight on the shared connection; raised before sending. */
  | 'PENDING_REQUESTS_LIMIT_REACHED'
  /** The instance was destroyed (by `destroy()` or by a server reason that ends the session). */
  | 'SDK_DESTROYED'
  /** The shared runtime (worker) did not start or stopped answering. */
  | 'RUNTIME_UNAVAILABLE'
  /** The requested runtime mode cannot run in this browser (or is not available in this build). */
  | 'UNSUPPORTED_MODE'
  /** No live tab could provide a customer access token. */
  | 'TOKEN_UNAVAILABLE'
  /** A tab asked to join a runtime that was started with a different organization, group or server. */
  | 'CONFIG_MISMATCH'
  /** The tab and the worker speak different tab⇄worker protocol versions. */
  | 'PROTOCOL_MISMATCH'
  /** `uploadFile`: the file is larger than 10 MiB (10 × 1024 × 1024 bytes); raised before sending. */
  | 'TOO_BIG_FILE'
  /** `uploadFile`: the upload failed on the network, or the server answered an error without an API error body. */
  | 'UPLOAD_FAILED'
  /** `uploadFile`: the app called `cancel()` before the upload finished (also before the token was ready). */
  | 'UPLOAD_CANCELED'
  /**
   * Internal: the runtime does not know this tab (it restarted with its memory wiped, or dropped
   * the tab while it was frozen). The tab attaches again and retries; apps do not see it.
   */
  | 'NOT_ATTACHED';

export type SdkErrorCode = LocalErrorCode | (string & {});

/** Plain-data form of an error, safe to post between a worker and a tab. */
export interface SdkErrorData {
  code: SdkErrorCode;
  message: string;
  data?: unknown;
}

export class SdkError extends Error {
  override readonly name = 'SdkError';
  readonly code: SdkErrorCode;
  readonly data?: unknown;

  constructor(code: SdkErrorCode, message: string, data?: unknown) {
    super(message);
    this.code = code;
    if (data !== undefined) this.data = data;
  }

  toData(): SdkErrorData {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }

  static fromData(data: SdkErrorData): SdkError {
    return new SdkError(data.code, data.message, data.data);
  }

  /** Turns anything thrown into an SdkError, keeping SdkErrors as they are. */
  static from(error: unknown, fallbackCode: SdkErrorCode = 'INTERNAL'): SdkError {
    if (error instanceof SdkError) return error;
    if (isErrorData(error)) return SdkError.fromData(error);
    const message = error instanceof Error ? error.message : String(error);
    return new SdkError(fallbackCode, message);
  }
}

function isErrorData(value: unknown): value is SdkErrorData {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SdkErrorData).code === 'string' &&
    typeof (value as SdkErrorData).message === 'string'
  );
}

/**
 * Results cross the tab⇄worker boundary as envelopes rather than thrown errors, because
 * Comlink serializes a thrown Error as `{message, name, stack}` only and would drop `code`.
 */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: SdkErrorData };

export async function toEnvelope<T>(work: () => Promise<T> | T): Promise<Envelope<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: SdkError.from(error).toData() };
  }
}

export function fromEnvelope<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw SdkError.fromData(envelope.error);
}
