import { launchFirefox } from './firefox';
import { engineScenarios } from './scenarios';

engineScenarios({
  name: 'firefox',
  launch: launchFirefox,
  cannot: {
    hang:
      "Firefox offers no way to hang the worker's thread alone: WebDriver BiDi (153 ESR) lists the SharedWorker's realm but cannot evaluate in it, " +
      'and stopping its content process (SIGSTOP) stops every thread of that process, not the worker alone',
  },
});
