/**
 * Time as the runtime core and the tab's deadlines see it: injected, so that tests drive it by
 * hand and every host brings its own (the worker's wall clock, the tab's monotonic one).
 */
export type TimerHandle = unknown;

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}
