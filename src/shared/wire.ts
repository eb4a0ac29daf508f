/**
 * The Customer Chat API version this SDK speaks (`/v3.6/…` paths, `version` in frames). Frames
 * themselves are read as untrusted JSON by `parse.ts` and `pushes.ts`, not through wire types.
 */
export const API_VERSION = '3.6';
