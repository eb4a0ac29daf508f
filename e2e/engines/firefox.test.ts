import { launchFirefox } from './firefox';
import { engineScenarios } from './scenarios';

engineScenarios({ name: 'firefox', launch: launchFirefox });
