/**
 * Start-up profiling (`npx tsx bench/profile-start.ts`): named steps of a tab's and the runtime's
 * start-up, stamped on one clock and posted to the profiler. Only the profiler's build of the bench
 * pages defines `globalThis.__LIVECHAT_PROFILE__` true; every other build defines it false and
 * drops the steps. The calls go through a global, not an import, so that nothing of this reaches
 * another build: an import of this module would stay behind as a chunk of its own.
 */
declare global {
  // eslint-disable-next-line no-var
  var __LIVECHAT_PROFILE__: boolean | undefined;
  // eslint-disable-next-line no-var
  var __livechatProfileStep: ((step: string) => void) | undefined;
}

/** Installs the step recorder in this context (a page or the worker) of the profiler's build. */
export function installProfileSteps(): void {
  const channel = new BroadcastChannel('livechat-multitab:profile');
  globalThis.__livechatProfileStep = (step) => channel.postMessage([step, performance.timeOrigin + performance.now()]);
}
