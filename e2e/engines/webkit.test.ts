import { launchWebKit } from './webkit';
import { engineScenarios } from './scenarios';

engineScenarios({
  name: 'webkit',
  launch: launchWebKit,
  cannot: {
    hang:
      "WebKit offers no way to hang the worker's thread alone: WebKitWebDriver (WebDriver classic) reaches pages only, " +
      'and stopping its web process (SIGSTOP) stops every thread of that process, not the worker alone',
  },
});
