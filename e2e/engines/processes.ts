/**
 * Crashing a SharedWorker where the browser offers no protocol to end one (Firefox, WebKitGTK):
 * kill the content process it runs in. Both engines name the worker's thread (Linux `comm`, 15
 * characters): Firefox `DOM Worker`, WebKitGTK `WebCore: SharedWorker` (kept as its last 15
 * characters). Only processes under `rootPid` (the browser this test launched) are looked at, so
 * browsers of other runs on the machine are never touched.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Every process below `rootPid` (children, grandchildren…). */
export function descendants(rootPid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=']).toString().trim().split('\n');
  const parents = rows.map((row) => row.trim().split(/\s+/).map(Number) as [number, number]);
  const found = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (found.has(ppid) && !found.has(pid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  found.delete(rootPid);
  return [...found];
}

/** Names of the threads of a process (empty once it is gone). */
export function threadNames(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map((task) => {
      try {
        return readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim();
      } catch {
        return '';
      }
    });
  } catch {
    return [];
  }
}

/** The processes under `rootPid` that run a thread named like `thread`. */
export function processesWithThread(rootPid: number, thread: RegExp): number[] {
  return descendants(rootPid).filter((pid) => threadNames(pid).some((name) => thread.test(name)));
}

/**
 * SIGKILLs the one process under `rootPid` with a `thread`-named thread; fails unless exactly one
 * has such a thread (the test cannot tell which runs the organization's runtime otherwise).
 */
export function killProcessWithThread(rootPid: number, thread: RegExp): number {
  const found = processesWithThread(rootPid, thread);
  if (found.length !== 1) throw new Error(`expected one process with a ${thread} thread under ${rootPid}, found ${found.length}: ${found.join(', ')}`);
  process.kill(found[0]!, 'SIGKILL');
  return found[0]!;
}
