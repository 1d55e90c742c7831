import { readFileSync, readdirSync } from 'node:fs';

/** Processes as /proc shows them (Linux): who is whose child, and which group each is in. */
export interface ProcInfo { pid: number; ppid: number; pgrp: number; cmdline: string }

export function processes(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command (field 2) may hold spaces and parentheses: fields after the last ')' are fixed.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (rest[0] === 'Z') continue; // a zombie is gone, only not yet reaped
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      out.push({ pid: Number(name), ppid: Number(rest[1]), pgrp: Number(rest[2]), cmdline });
    } catch { /* exited meanwhile */ }
  }
  return out;
}

/** Every living descendant of `pid`. */
export function descendantsOf(pid: number): ProcInfo[] {
  const all = processes();
  const found: ProcInfo[] = [];
  let parents = new Set([pid]);
  while (parents.size) {
    const next = all.filter((p) => parents.has(p.ppid));
    found.push(...next);
    parents = new Set(next.map((p) => p.pid));
  }
  return found;
}

/** Living processes in process group `pgrp`, or whose command line names `text` (a reparented grandchild). */
export function survivors(pgrp: number, text: string): ProcInfo[] {
  return processes().filter((p) => p.pid !== process.pid && (p.pgrp === pgrp || p.cmdline.includes(text)));
}

/**
 * Survivors once the kernel has finished a kill: a SIGKILLed process in an
 * uninterruptible read (a loaded machine loading python3's modules) is still
 * listed for a moment. A real orphan is still there after `withinMs`.
 */
export async function survivorsAfterKill(pgrp: number, text: string, withinMs = 2000): Promise<ProcInfo[]> {
  const end = Date.now() + withinMs;
  for (;;) {
    const left = survivors(pgrp, text);
    if (!left.length || Date.now() >= end) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}
