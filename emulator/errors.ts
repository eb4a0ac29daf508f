// The one error the emulator's HTTP side (token endpoint, upload, control API) answers with: a status
// and a JSON body. It lives apart from http.ts so the control routes and the agent API can throw it too.

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

/** A request the HTTP side refuses as malformed (400 `validation`). */
export const validationError = (message: string): HttpError => apiError(400, 'validation', message);
