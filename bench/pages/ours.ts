/** This SDK on a bench page: `?server=EMULATOR&organizationId=ORG[&mode=shared|dedicated|inline]`. */
import { init } from '../../src/client/index';
import type { RuntimeMode } from '../../src/shared/types';
import { installHarness, query } from './harness';

const mode = query('mode') as RuntimeMode | undefined;
const initAt = performance.now();
const sdk = init({
  organizationId: query('organizationId') ?? 'bench',
  clientId: 'bench',
  server: query('server') ?? `http://${location.hostname}:8787`,
  page: { url: location.href, title: document.title },
  ...(mode ? { mode } : {}),
});
installHarness('ours', sdk, initAt);
