import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * What an extension costs inside a real VS Code: CPU time of the extension
 * host and every process under it (CPU time, not wall time: the machine is
 * shared), the extension's activity counts from its log, and a no-op
 * extension that sets the floor (VS Code reacting to the same file changes).
 */
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

function statFields(pid: number | string): string[] | undefined {
  try {
    // After "(comm) ": state is field 3, so ppid is at 1 and utime/stime/cutime/cstime (14–17) at 11–14.
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  } catch {
    return undefined;
  }
}

function processes(): { pid: number; ppid: number; ticks: number }[] {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(name);
    if (f) out.push({ pid: Number(name), ppid: Number(f[1]), ticks: [11, 12, 13, 14].reduce((s, i) => s + Number(f[i]), 0) });
  }
  return out;
}

function descendants(root: number, all = processes()): Set<number> {
  const found = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) if (!found.has(p.pid) && found.has(p.ppid)) { found.add(p.pid); grew = true; }
  }
  return found;
}

/** The extension host under a code-server (any depth below it). */
export function extensionHostPid(serverPid: number): number {
  for (const pid of descendants(serverPid)) {
    try {
      if (/extensionHost/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) return pid;
    } catch { /* gone */ }
  }
  throw new Error('no extension host process found');
}

/**
 * CPU seconds of a process and everything under it: live descendants' own
 * time plus what reaped children left in their parents' cutime/cstime. The
 * difference of two readings is the tree's CPU in between.
 */
export function treeCpuSeconds(root: number): number {
  const all = processes();
  const mine = descendants(root, all);
  return all.filter((p) => mine.has(p.pid)).reduce((s, p) => s + p.ticks, 0) / CLK_TCK;
}

/** CPU seconds of one process itself (all its threads), without its children. */
export function ownCpuSeconds(pid: number): number {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / CLK_TCK : 0;
}

/** CPU seconds of each kind of thread of one process (by thread name: the JS thread is the process's own name, then libuv's pool, V8's workers…). */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try { tids = readdirSync(`/proc/${pid}/task`); } catch { return out; }
  for (const tid of tids) {
    try {
      const raw = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')')).replace(/\d+$/, '#');
      const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
      out.set(name, (out.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) / CLK_TCK);
    } catch { /* gone */ }
  }
  return out;
}

/** An extension that activates with the window and does nothing: the floor. */
export function noopExtension(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'noop', publisher: 'bench', version: '0.0.0', engines: { vscode: '^1.101.0' }, main: './extension.js', activationEvents: ['*'],
  }));
  writeFileSync(path.join(dir, 'extension.js'), 'exports.activate = () => undefined;\nexports.deactivate = () => undefined;\n');
  return dir;
}

/** The "SQLite Doctor" output channel's lines in a code-server profile. */
export function extensionLogLines(profile: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === 'SQLite Doctor.log' || name.endsWith('-SQLite Doctor.log')) out.push(...readFileSync(p, 'utf8').split('\n'));
    }
  };
  walk(path.join(profile, 'data', 'logs'));
  return out;
}

/** Log lines are "2026-11-26 06:30:00.123 [info] …": their time, in ms. */
export function lineTime(line: string): number {
  return new Date(line.slice(0, 23).replace(' ', 'T')).getTime();
}

/** Per-second rates of the "activity in 10.0 s: file events 412, …" lines logged between `from` and `to`. */
export function activityRates(lines: readonly string[], from: number, to: number): Record<string, number> {
  const sums: Record<string, number> = {};
  let seconds = 0;
  for (const line of lines) {
    const m = /activity in ([\d.]+) s: (.*)$/.exec(line);
    if (!m || lineTime(line) < from || lineTime(line) > to) continue;
    seconds += Number(m[1]);
    for (const part of m[2]!.split(', ')) {
      const [, kind, n] = /^(.*) (\d+)$/.exec(part)!;
      sums[kind!] = (sums[kind!] ?? 0) + Number(n);
    }
  }
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, seconds ? v / seconds : 0]));
}
