// The panel under a busy app: CPU used by VS Code's extension host and its
// children (our inspection processes) while an app commits 20 times a second
// to one database and the panel shows another. Measured for the current build
// and for the build before the live-panel work, in the same run, in a real
// VS Code (code-server) driven by Chromium.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { makeBlobDb, startPython, tempDir } from '../test/helpers/fixtures';
import { CHROMIUM_PATH } from '../test/helpers/browser';
import { codeServerInstalled } from '../test/e2e/codeServer';
import { openWorkbench, palette, panelFrame } from '../test/e2e/workbench';

/** main before round 2 (the last commit of round 1). */
const BASELINE_COMMIT = 'f772bf9';
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

const APP = String.raw`
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
print("ready", flush=True)
end = time.time() + float(sys.argv[2])
n = 0
while time.time() < end:
    c.execute("INSERT INTO t(v) VALUES (randomblob(2000))"); n += 1
    time.sleep(0.05)
print("done", n, flush=True)
`;

/** The older build, unpacked, built with today's node_modules. */
function baselineExtension(work: string): string {
  const dir = path.join(work, `extension-${BASELINE_COMMIT}`);
  if (!existsSync(path.join(dir, 'dist', 'extension.js'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${BASELINE_COMMIT} | tar -x -C "${dir}"`]);
    symlinkSync(path.resolve('node_modules'), path.join(dir, 'node_modules'));
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: dir, stdio: 'inherit' });
  }
  return dir;
}

/** CPU seconds of a process and of its children it has reaped (the extension host and our inspection processes). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  // After "(comm) ": state is field 3, so utime/stime/cutime/cstime (14–17) are at 11–14 here.
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) / CLK_TCK;
}

function extensionHostPid(serverPid: number): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (Number(stat[2]) === serverPid && /extensionHost/.test(cmd)) return Number(name);
    } catch { /* gone */ }
  }
  throw new Error('no extension host process found');
}

async function measure(extension: string, seconds: number): Promise<{ cpu: number; commits: number }> {
  const ws = tempDir('sqlite-doctor-bench-ws-');
  makeBlobDb(path.join(ws, 'a.db'), 20000, 2000, { index: true });
  makeBlobDb(path.join(ws, 'b.db'), 2000, 2000, { index: true });
  const wb = await openWorkbench(tempDir('sqlite-doctor-bench-profile-'), ws, extension);
  const { page, server } = wb;
  try {
    await palette(page, 'SQLite: Show Status Panel');
    const frame = await panelFrame(page, 'grid');
    await frame.locator('tr', { hasText: 'a.db' }).click();
    await panelFrame(page, 'checklist');
    await page.waitForTimeout(3000);
    const host = extensionHostPid(server.pid);
    const before = cpuSeconds(host);
    const app = await startPython(APP, [path.join(ws, 'b.db'), String(seconds)]);
    await new Promise((r) => app.child.on('exit', r));
    await page.waitForTimeout(3000);
    const cpu = cpuSeconds(host) - before;
    return { cpu, commits: Number(app.lines.find((l) => l.startsWith('done'))?.split(' ')[1] ?? 0) };
  } finally {
    await wb.close();
  }
}

export async function benchLivePanel(say: (line: string) => void, work: string, seconds: number): Promise<void> {
  if (!codeServerInstalled() || !CHROMIUM_PATH) {
    say('| live panel under a busy app | skipped: code-server or Chromium not installed (scripts/e2e-setup.sh) | | |');
    return;
  }
  const old = await measure(baselineExtension(work), seconds);
  const now = await measure(path.resolve('.'), seconds);
  say(`| extension host + children CPU, ${seconds} s of an app committing 20/s to b.db while the panel shows a.db (20k rows) | ${now.commits} commits | ${now.cpu.toFixed(2)} s CPU | before the detail service (${BASELINE_COMMIT}): ${old.cpu.toFixed(2)} s (${old.commits} commits) → **${(now.cpu / old.cpu).toFixed(2)}×** |`);
}
