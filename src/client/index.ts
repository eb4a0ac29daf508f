/**
 * livechat-multitab-sdk: the LiveChat Customer SDK v5 API, with one connection for every tab.
 *
 * ```ts
 * import * as CustomerSDK from 'livechat-multitab-sdk'
 * const customerSDK = CustomerSDK.init({ organizationId, clientId })
 * customerSDK.on('connected', ({ customer }) => console.log(customer.id))
 * ```
 */
import { resolveConfig } from './config';
import { createSdk, type CustomerSDK } from './sdk';
import { startEarly, warmUpRuntime } from './warm-up';
import type { InitConfig } from '../shared/types';

export type { CustomerSDK } from './sdk';
export { SdkError } from '../shared/errors';
export type { SdkErrorCode, LocalErrorCode } from '../shared/errors';
export type { SdkEventMap, SdkEventName, SdkEventListener } from '../shared/events';
export type { RuntimeStatus } from '../shared/contract';
export type { StartChatParams, SendEventParams, ListChatsParams } from '../shared/methods';
export type { UploadFileParams, UploadFileResult, UploadHandle } from './upload';
export type * from '../shared/types';
export { SDK_VERSION } from '../shared/version';

/**
 * Creates this tab's SDK instance. Throws an `SdkError` with code `VALIDATION` for a bad config,
 * and `UNSUPPORTED_MODE` when the requested runtime mode cannot run here.
 */
export function init(config: InitConfig): CustomerSDK {
  const resolved = resolveConfig(config);
  // The worker connect first: the browser routes it while the SDK's code compiles and sets up.
  return createSdk(resolved, startEarly(resolved));
}

/**
 * Not in the v5 API: starts the shared runtime's worker now (for example in the page's `<head>`),
 * so that `init()` with the same config, later on this page, finds it booted instead of waiting
 * for it (the worker's start-up is most of a first tab's wait). Opens no socket and asks for no
 * token: if the widget never calls `init()`, the cost is the idle worker. Throws like `init()`
 * for a bad config; does nothing where the tab would not use a SharedWorker.
 */
export function warmUp(config: InitConfig): void {
  warmUpRuntime(resolveConfig(config));
}
