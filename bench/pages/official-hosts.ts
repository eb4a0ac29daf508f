/**
 * Points the unchanged `@livechat/customer-sdk@4.0.2`, which only knows LiveChat's production hosts,
 * at the emulator from inside the page: its WebSocket and its token XHR get the emulator's URL.
 *
 * Why not Playwright routing (e2e/official-route.ts)? That relays every socket frame and the token
 * request through the Node process over CDP: right for proving the SDK works unchanged, but it would
 * add a hop to every official message and make the comparison unfair. Rewriting the URL costs nothing
 * per message, so both SDKs talk straight to the same emulator.
 */
const PRODUCTION_SOCKET = /^wss:\/\/api(-[a-z]+)?\.livechatinc\.com\//;
const PRODUCTION_ACCOUNTS = /^https:\/\/accounts\.livechatinc\.com\//;

export function redirectProductionHosts(server: string): void {
  const base = server.replace(/\/$/, '');
  const socketBase = `${base.replace(/^http/, 'ws')}/`;
  const NativeWebSocket = window.WebSocket;
  // A subclass keeps the constants (OPEN, CLOSED…) and instanceof checks of the original.
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(String(url).replace(PRODUCTION_SOCKET, socketBase), protocols);
    }
  };
  const open = XMLHttpRequest.prototype.open as (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) => void;
  XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    open.call(this, method, String(url).replace(PRODUCTION_ACCOUNTS, `${base}/`), ...rest);
  } as typeof XMLHttpRequest.prototype.open;
}
