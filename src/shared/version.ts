/** Build version of the SDK; part of the worker's name, so a deploy starts a new worker generation. */
export const SDK_VERSION = '0.1.0';

/** Version of the tab⇄worker message contract in `contract.ts`; bump on any incompatible change. */
export const PROTOCOL_VERSION = 1;
