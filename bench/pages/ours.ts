/**
 * This SDK on a bench page: `?server=EMULATOR&organizationId=ORG[&mode=shared|dedicated|inline]`;
 * `&warmUp=1` calls `warmUp()` as the page's first script, as a site's `<head>` would, and
 * `&initAfterLoad=MS` starts the widget after the page (bench/pages/harness.ts).
 */
import { init, warmUp } from '../../src/client/index';
import type { InitConfig, RuntimeMode } from '../../src/shared/types';
import { installHarness, query, startWidget } from './harness';

const mode = query('mode') as RuntimeMode | undefined;
const config: InitConfig = {
  organizationId: query('organizationId') ?? 'bench',
  clientId: 'bench',
  server: query('server') ?? `http://${location.hostname}:8787`,
  page: { url: location.href, title: document.title },
  ...(mode ? { mode } : {}),
};
if (query('warmUp') === '1') warmUp(config);
startWidget(() => {
  const initAt = performance.now();
  installHarness('ours', init(config), initAt);
});
