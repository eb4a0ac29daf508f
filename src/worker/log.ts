export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string, detail?: unknown) => void;

/** Warnings and errors go to the worker's console; debug lines only when asked for. */
export const consoleLogger: Logger = (level, message, detail) => {
  if (level === 'debug') return;
  const line = `[livechat-multitab] ${message}`;
  if (detail === undefined) console[level](line);
  else console[level](line, detail);
};
