import { launchWebKit } from './webkit';
import { engineScenarios } from './scenarios';

engineScenarios({ name: 'webkit', launch: launchWebKit });
