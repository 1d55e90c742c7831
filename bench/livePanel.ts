// What the extension costs next to a busy app, in a real VS Code (code-server
// driven by Chromium): a python3 app commits 20 times a second to a WAL
// database; CPU time of the extension host and every process under it over
// the writing period, for a no-op extension (the floor: VS Code's own
// extensions reacting to the same file changes), for SQLite Doctor with the
// panel on another database, and with the panel on the busy database and its
// live view on. CPU time, not wall time: the machine may be shared.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { makeBlobDb, startPython, tempDir } from '../test/helpers/fixtures';
import { CHROMIUM_PATH } from '../test/helpers/browser';
import { codeServerInstalled } from '../test/e2e/codeServer';
import { activityRates, extensionHostPid, extensionLogLines, noopExtension, treeCpuSeconds } from '../test/e2e/hostCost';
import { openWorkbench, palette, panelFrame } from '../test/e2e/workbench';

/** The busy app: 20 commits a second of argv[3] bytes (2 KB unless given); prints how many it made. No autocheckpoint restarts its log during a run. */
export const BUSY_APP = String.raw`
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
c.execute("PRAGMA wal_autocheckpoint=100000")
blob = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
print("ready", flush=True)
end = time.time() + float(sys.argv[2])
n = 0
while time.time() < end:
    c.execute("INSERT INTO t(v) VALUES (randomblob(?))", (blob,)); n += 1
    time.sleep(0.05)
print("done", n, flush=True)
`;

export type LiveConfig = 'floor' | 'other' | 'busy';
export interface LiveCost {
  cpu: number;
  seconds: number;
  commits: number;
  rates: Record<string, number>;
}

/** One configuration: a fresh profile and workspace, settle, then the app writes for `seconds`. */
export async function measureLiveCost(config: LiveConfig, seconds: number, work: string): Promise<LiveCost> {
  const ws = tempDir('sqlite-doctor-bench-ws-');
  makeBlobDb(path.join(ws, 'a.db'), 20000, 2000, { index: true });
  makeBlobDb(path.join(ws, 'b.db'), 2000, 2000, { index: true, wal: true });
  const profile = tempDir('sqlite-doctor-bench-profile-');
  const extension = config === 'floor' ? noopExtension(path.join(work, 'noop-extension')) : path.resolve('.');
  const wb = await openWorkbench(profile, ws, extension);
  const { page, server } = wb;
  try {
    if (config !== 'floor') {
      await palette(page, 'SQLite: Show Status Panel');
      const frame = await panelFrame(page, 'grid');
      await frame.locator('tr', { hasText: config === 'other' ? 'a.db' : 'b.db' }).click();
      await panelFrame(page, 'checklist');
    }
    await page.waitForTimeout(5000);
    const host = extensionHostPid(server.pid);
    const before = treeCpuSeconds(host);
    const started = Date.now();
    const app = await startPython(BUSY_APP, [path.join(ws, 'b.db'), String(seconds)]);
    await new Promise((r) => app.child.on('exit', r));
    await page.waitForTimeout(3000);
    const cpu = treeCpuSeconds(host) - before;
    const elapsed = (Date.now() - started) / 1000;
    // The activity lines come every 10 s: wait for the one covering the end.
    await page.waitForTimeout(config === 'floor' ? 0 : 10_000);
    const rates = config === 'floor' ? {} : activityRates(extensionLogLines(profile), started + 1000, Date.now());
    return { cpu, seconds: elapsed, commits: Number(app.lines.find((l) => l.startsWith('done'))?.split(' ')[1] ?? 0), rates };
  } finally {
    await wb.close();
  }
}

const fmtRates = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k} ${v < 10 ? v.toFixed(1) : v.toFixed(0)}/s`).join(', ');

export async function benchLivePanel(say: (line: string) => void, work: string, seconds: number): Promise<void> {
  if (!codeServerInstalled() || !CHROMIUM_PATH) {
    say('| live panel under a busy app | skipped: code-server or Chromium not installed (scripts/e2e-setup.sh) | | |');
    return;
  }
  mkdirSync(work, { recursive: true });
  const floor = await measureLiveCost('floor', seconds, work);
  say(`| extension host + children CPU, ${seconds} s of an app committing 20/s to a WAL b.db: no-op extension (the floor) | ${floor.commits} commits | ${floor.cpu.toFixed(2)} s CPU over ${floor.seconds.toFixed(1)} s | — |`);
  for (const config of ['other', 'busy'] as const) {
    const c = await measureLiveCost(config, seconds, work);
    const share = (c.cpu - floor.cpu) / c.seconds;
    const what = config === 'other' ? 'panel on another database (a.db, 20k rows)' : 'panel on the busy b.db, live view on';
    say(`| … ${what} | ${c.commits} commits (**${((100 * c.commits) / floor.commits).toFixed(0)}%** of the floor run's); ${fmtRates(c.rates)} | ${c.cpu.toFixed(2)} s CPU | floor ${floor.cpu.toFixed(2)} s → **${share >= 0 ? '+' : '−'}${Math.abs(100 * share).toFixed(1)}% of one core** (goal ≤ ${config === 'other' ? 2 : 5}%) |`);
  }
}
