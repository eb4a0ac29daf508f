import type * as CustomerSDKModule from '../src/client/index';

/** What the demo page exposes for tests (see demo/main.ts). */
declare global {
  interface Window {
    CustomerSDK: typeof CustomerSDKModule;
    sdk: CustomerSDKModule.CustomerSDK;
    sdkEvents: Array<{ name: string; payload: unknown; at: number }>;
    sdkNotifications: string[];
  }
}

export {};
