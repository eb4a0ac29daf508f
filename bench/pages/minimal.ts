/**
 * The smallest app that uses this SDK: what a tab must load before it can call `init()`. The bench
 * builds it and reports its eager chunks, the SDK with Vite's code-splitting runtime (the worker and
 * the chunks loaded only on demand, like dedicated mode or @livechat/customer-auth, are weighed
 * apart). The size budget weighs the package's own tab set instead (bench/weigh.mjs).
 */
import { init } from '../../src/client/index';

Object.assign(window, { benchInit: init });
