// Type-checked against the packed package (ESM declarations) by package.spec.ts; never run.
import * as CustomerSDK from 'livechat-multitab-sdk';
import type { InitConfig, SdkErrorCode, SdkEventMap } from 'livechat-multitab-sdk';

const config: InitConfig = { organizationId: 'org', clientId: 'client', workerUrl: new URL('https://example.com/livechat-multitab-sdk.worker.js') };
export const sdk: CustomerSDK.CustomerSDK = CustomerSDK.init(config);
sdk.on('incoming_event', ({ chatId, event }: SdkEventMap['incoming_event']) => console.log(chatId, event.id));
const code: SdkErrorCode = 'VALIDATION';
export const error: CustomerSDK.SdkError = new CustomerSDK.SdkError(code, 'message');
export const version: string = CustomerSDK.SDK_VERSION;
// @ts-expect-error -- the declarations are real types, not `any`: a number is no workerUrl.
CustomerSDK.init({ organizationId: 'org', clientId: 'client', workerUrl: 42 });
