/**
 * Build version of the SDK; part of the worker's name, so a deploy starts a new worker generation.
 * A build may stamp another one with the `__SDK_VERSION__` define (the e2e tests build two
 * generations of the demo this way).
 */
declare const __SDK_VERSION__: string | undefined;
export const SDK_VERSION: string = typeof __SDK_VERSION__ === 'string' ? __SDK_VERSION__ : '0.1.0';

/** The Customer Chat API version this SDK speaks (`/v3.6/…` paths, `version` in frames). */
export const API_VERSION = '3.6';

/** Version of the tab⇄worker message contract in `contract.ts`; bump on any incompatible change. */
export const PROTOCOL_VERSION = 2;
