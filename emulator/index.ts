// The Node entry of the livechat-multitab-emulator package (`.`): the server API of server.ts, as
// this repository's own tests use it, and the control API's types. The typed client is `./client`,
// the Playwright kit `./playwright`.
export { startEmulator } from './server';
export type { Emulator, EmulatorOptions, EmulatorStats, FrameLogLine } from './server';
export type * from './control';
