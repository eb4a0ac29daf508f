// An app as its developers write it: the package comes from node_modules (the packed tarball).
import * as CustomerSDK from 'livechat-multitab-sdk';
import './expose.js';

window.exposeForTests(CustomerSDK, {});
