/**
 * Worker generations: every runtime announces itself on a channel shared by all versions of its
 * connection key, and retires when it hears of a newer version or a later incarnation of its
 * own name. Why: docs/architecture.md ("Generations and supervision").
 */
import { compareVersions } from '../protocol/semver';
import { parseIncarnation } from '../shared/supervision';

export interface Generation {
  version: string;
  /** Tab⇄worker protocol the worker speaks; a tab can move only to a worker that speaks its own. */
  protocol: number;
  /** Where the worker's script is, and its name: enough for a tab to connect to it. */
  url: string;
  name: string;
  /**
   * How the worker was started. A tab must ask for the same type (the browser refuses a SharedWorker
   * asked for with another type than the running one's): the package's builds start it as a module,
   * but a bundler may start it as a classic script (webpack without `output.module`). Workers of
   * versions that did not announce it are modules.
   */
  type?: WorkerType;
}

function isGeneration(value: unknown): value is Generation {
  const candidate = value as Generation;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof candidate.version === 'string' &&
    typeof candidate.protocol === 'number' &&
    typeof candidate.url === 'string' &&
    typeof candidate.name === 'string' &&
    (candidate.type === undefined || candidate.type === 'module' || candidate.type === 'classic')
  );
}

/** Positive when `a` is newer than `b`: a later version, or a later incarnation of the same worker name. */
export function compareGenerations(a: Generation, b: Generation): number {
  const byVersion = compareVersions(a.version, b.version);
  if (byVersion !== 0) return byVersion;
  const [ia, ib] = [parseIncarnation(a.name), parseIncarnation(b.name)];
  return ia.base === ib.base ? ia.n - ib.n : 0;
}

/** Announces `own` and calls `onNewer` once when a newer generation shows up. Returns a stop function. */
export function watchGenerations(channelName: string, own: Generation, onNewer: (newer: Generation) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(channelName);
  let retired = false;
  channel.onmessage = (event: MessageEvent) => {
    if (retired || !isGeneration(event.data)) return;
    const order = compareGenerations(event.data, own);
    if (order > 0) {
      retired = true;
      channel.close();
      onNewer(event.data);
    } else if (order < 0) {
      // An older generation started after us: answer, so it learns that it should retire.
      channel.postMessage(own);
    }
  };
  channel.postMessage(own);
  return () => {
    retired = true;
    channel.close();
  };
}
