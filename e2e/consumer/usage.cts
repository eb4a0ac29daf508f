// Type-checked against the packed package (CommonJS declarations) by package.spec.ts; never run.
import CustomerSDK = require('livechat-multitab-sdk');

export const sdk: CustomerSDK.CustomerSDK = CustomerSDK.init({ organizationId: 'org', clientId: 'client', workerUrl: '/livechat-multitab-sdk.worker.js' });
sdk.on('connected', ({ customer }) => console.log(customer.id));
// @ts-expect-error -- the declarations are real types, not `any`: there is no such method.
sdk.noSuchMethod();
