/**
 * The worker file the package ships (`dist/lib/livechat-multitab-sdk.worker.js`): one script for
 * both worker modes, so a site that hosts it (`workerUrl`) hosts one file and an app's bundler
 * emits one. Each entry reacts only to its own kind of start: a SharedWorker gets `connect`
 * events, the dedicated-mode leader's Worker gets `message`s. The other entry's host stays idle (a
 * host builds its runtime for the first tab it serves), and the two share the runtime's code.
 */
import './shared';
import './dedicated';
