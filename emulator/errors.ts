// The one error the emulator's HTTP side (token endpoint, upload, control API) answers with: a status
// and a JSON body. It lives apart from http.ts so the agent API, which http.ts imports, can throw it.

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: object,
  ) {
    super(JSON.stringify(body));
  }
}

/** `{error: {type, message}}`, the body of every refusal but the token endpoint's OAuth ones. */
export function apiError(status: number, type: string, message: string): HttpError {
  return new HttpError(status, { error: { type, message } });
}
