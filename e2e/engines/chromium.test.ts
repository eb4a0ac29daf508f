import { launchChromium } from './chromium';
import { engineScenarios } from './scenarios';

engineScenarios({ name: 'chromium', launch: launchChromium });
