/**
 * The official `@livechat/customer-sdk@4.0.2` on a bench page, unchanged, pointed at the emulator by
 * `official-hosts.ts`: `?server=EMULATOR&organizationId=ORG[&initAfterLoad=MS]`.
 */
// The package's declarations do not compile (see demo/official.ts), so the build file is imported untyped.
// @ts-expect-error -- no declaration file for the path import
import * as untypedSdk from '@livechat/customer-sdk/dist/customer-sdk.esm.js';
import { installHarness, query, startWidget, type BenchSdk } from './harness';
import { redirectProductionHosts } from './official-hosts';

const CustomerSDK = untypedSdk as { init(config: { organizationId: string; clientId: string; page?: { url: string; title?: string } }): BenchSdk };

redirectProductionHosts(query('server') ?? `http://${location.hostname}:8787`);
startWidget(() => {
  const initAt = performance.now();
  const sdk = CustomerSDK.init({
    organizationId: query('organizationId') ?? 'bench',
    clientId: 'bench',
    page: { url: location.href, title: document.title },
  });
  installHarness('official', sdk, initAt);
});
