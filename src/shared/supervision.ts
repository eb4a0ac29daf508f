/**
 * Names that let tabs supervise the runtime, shared by both sides: the Web Lock a runtime holds
 * for its life (`lifeLockName`) and the incarnations of a worker name (`<name>#1`, `#2`, …).
 * Why: docs/architecture.md ("Generations and supervision").
 */

const LIFE_LOCK_PREFIX = 'livechat-multitab:runtime|';

/** The lock a runtime named `workerName` holds for its life; `epoch` keeps two runtimes of one name apart. */
export function lifeLockName(workerName: string, epoch: string): string {
  return `${LIFE_LOCK_PREFIX}${workerName}|${epoch}`;
}

/** The SharedWorker name of incarnation `n` of `base`: `base` itself for the first one. */
export function incarnationName(base: string, n: number): string {
  return n === 0 ? base : `${base}#${n}`;
}

/** Splits a worker name into its base and incarnation number. */
export function parseIncarnation(name: string): { base: string; n: number } {
  const match = /#(\d+)$/.exec(name);
  return match ? { base: name.slice(0, match.index), n: Number(match[1]) } : { base: name, n: 0 };
}

/** The incarnations of `base` whose runtimes hold their life locks, among the held lock `names`. */
export function heldIncarnations(names: readonly (string | undefined)[], base: string): number[] {
  const found: number[] = [];
  for (const name of names) {
    if (!name?.startsWith(LIFE_LOCK_PREFIX)) continue;
    const parsed = parseIncarnation(name.slice(LIFE_LOCK_PREFIX.length, name.lastIndexOf('|')));
    if (parsed.base === base) found.push(parsed.n);
  }
  return found;
}

/** The highest incarnation of `base` among the held life locks `names`, or -1 when none is held. */
export function liveIncarnation(names: readonly (string | undefined)[], base: string): number {
  return Math.max(-1, ...heldIncarnations(names, base));
}

/** The incarnations of `base` alive in this browser (their runtimes hold their life locks). */
export async function queryIncarnations(locks: LockManager, base: string): Promise<number[]> {
  const { held = [] } = await locks.query();
  return heldIncarnations(
    held.map((lock) => lock.name),
    base,
  );
}

/** The live incarnation of `base` (-1: none). */
export async function queryLiveIncarnation(locks: LockManager, base: string): Promise<number> {
  return Math.max(-1, ...(await queryIncarnations(locks, base)));
}
