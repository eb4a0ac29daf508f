/**
 * The smallest app that uses this SDK: what a tab must load before it can call `init()`. The bench
 * builds it and weighs its eager chunks against the tab-side size budget (the worker and the chunks
 * loaded only on demand, like dedicated mode or @livechat/customer-auth, are weighed apart).
 */
import { init } from '../../src/client/index';

Object.assign(window, { benchInit: init });
