import { readdirSync, readlinkSync } from 'node:fs';

/**
 * Processes that have a database or its sidecars open, from Linux's
 * /proc/PID/fd links. Best effort and informational only: other users'
 * processes are invisible without privileges, and other systems return
 * undefined.
 *
 * The links are read with blocking calls in slices of a few milliseconds,
 * yielding between slices: a machine running a browser and an editor has
 * thousands of descriptors, and one promise and thread-pool round trip per
 * link cost the extension host several times the reading itself
 * (bench/README.md, "where the time goes"), while a slice keeps its event
 * loop free.
 */
const SLICE_MS = 4;

export async function processesWithOpen(realPaths: readonly string[]): Promise<number[] | undefined> {
  if (process.platform !== 'linux') return undefined;
  const wanted = new Set(realPaths);
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid);
  } catch {
    return undefined;
  }
  const found: number[] = [];
  let sliceStart = Date.now();
  for (const pid of pids) {
    if (Date.now() - sliceStart >= SLICE_MS) {
      await new Promise((r) => setImmediate(r));
      sliceStart = Date.now();
    }
    if (holdsOneOf(pid, wanted)) found.push(Number(pid));
  }
  return found.sort((a, b) => a - b);
}

function holdsOneOf(pid: string, wanted: ReadonlySet<string>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false; // gone, or another user's
  }
  for (const fd of fds) {
    try {
      if (wanted.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return true;
    } catch { /* closed meanwhile */ }
  }
  return false;
}
