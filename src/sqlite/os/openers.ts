import { promises as fsp } from 'node:fs';

/**
 * Processes that have a database or its sidecars open, from Linux's
 * /proc/PID/fd links. Best effort and informational only: other users'
 * processes are invisible without privileges, and other systems return
 * undefined.
 */
export async function processesWithOpen(realPaths: readonly string[]): Promise<number[] | undefined> {
  if (process.platform !== 'linux') return undefined;
  const wanted = new Set(realPaths);
  let pids: string[];
  try {
    pids = (await fsp.readdir('/proc')).filter((n) => /^\d+$/.test(n));
  } catch {
    return undefined;
  }
  const found: number[] = [];
  await Promise.all(pids.map(async (pid) => {
    if (Number(pid) === process.pid) return;
    let fds: string[];
    try {
      fds = await fsp.readdir(`/proc/${pid}/fd`);
    } catch {
      return;
    }
    for (const fd of fds) {
      const target = await fsp.readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (wanted.has(target)) { found.push(Number(pid)); return; }
    }
  }));
  return found.sort((a, b) => a - b);
}
