import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Frame, Locator, Page } from 'playwright-core';
import { formatBytes } from '../../src/shared/format';
import { makeBlobDb, startPython, tempDir } from '../helpers/fixtures';
import { BrowserGlobals, CHROMIUM_PATH } from '../helpers/browser';
import { codeServerInstalled } from './codeServer';
import { extensionHostPid, extensionLogLines as logLines, lineTime, noopExtension, treeCpuSeconds } from './hostCost';
import { Workbench, openWorkbench, palette, panelFrame } from './workbench';

/**
 * The panel under a busy app, in a real VS Code: an app commits to b.db 20
 * times a second while a.db is selected. a.db must not be inspected again,
 * the grid must follow b.db as it grows (not freeze until the writes stop),
 * focus must stay where the person put it, and a window reload must bring
 * the same selection back with at most one inspection.
 */
const OUT = path.join(__dirname, '..', '..', 'test-output');
const skip = codeServerInstalled() && CHROMIUM_PATH ? false : 'code-server or Chromium is not installed (scripts/e2e-setup.sh, run by `npm test`)';

/** The app: 20 commits a second of ~100 KiB each (so every commit changes a size shown), printing when each landed. */
const APP = String.raw`
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
# In WAL mode no checkpoint restarts the log during the run (30 s × 2 MB/s stays under 100,000 pages): the -wal grows with every commit, as the size in a rollback file does.
if c.execute("PRAGMA journal_mode").fetchone()[0] == "wal": c.execute("PRAGMA wal_autocheckpoint=100000")
print("ready", flush=True)
end = time.time() + float(sys.argv[2])
while time.time() < end:
    c.execute("INSERT INTO t(v) VALUES (randomblob(100000))")
    print("commit", time.time(), flush=True)
    time.sleep(0.05)
print("done", flush=True)
`;

interface Writing { cpu: number; elapsed: number; commits: number[] }

/**
 * How long the app writes where CPU is compared with the floor: the 30 s of
 * issue 25's scenario. Shorter windows weigh fixed costs (the one inspection
 * once the writes pause) and the floor's own noise several times over.
 */
const COST_SECONDS = 30;

/**
 * Runs the app on `db` for `seconds`: `during` is called again and again
 * while it writes, `afterExit` once it has exited; returns the CPU time the
 * extension host and everything under it used from the start until 2 s after
 * the app exited, and when each commit landed.
 */
async function cpuWhileWriting(wb: Workbench, db: string, seconds: number, during?: () => Promise<void>, afterExit?: () => Promise<void>): Promise<Writing> {
  const host = extensionHostPid(wb.server.pid);
  const before = treeCpuSeconds(host);
  const started = Date.now();
  const app = await startPython(APP, [db, String(seconds)]);
  let running = true;
  const exited = new Promise((r) => app.child.on('exit', r)).then(() => { running = false; });
  while (running) await (during ? during() : wb.page.waitForTimeout(100));
  await exited;
  const exitedAt = Date.now();
  await afterExit?.();
  await wb.page.waitForTimeout(Math.max(0, exitedAt + 2000 - Date.now()));
  const commits = app.lines.filter((l) => l.startsWith('commit')).map((l) => Math.round(Number(l.split(' ')[1]) * 1000));
  return { cpu: treeCpuSeconds(host) - before, elapsed: (Date.now() - started) / 1000, commits };
}

/** The longest time between changes of what `seen` recorded, from the first commit to the last. */
function longestGap(seen: { at: number; text: string }[], first: number, last: number): { gap: number; changes: number } {
  const changes = seen.filter((s, i) => i > 0 && s.text !== seen[i - 1]!.text).map((s) => s.at);
  const during = [first, ...changes.filter((t) => t > first && t < last), last];
  return { gap: Math.max(...during.slice(1).map((t, i) => t - during[i]!)), changes: changes.length };
}

/** The share of one core used above the floor's, also printed (a passing run shows its margin too). */
/**
 * Our share of one core above the floor, less the floor's own uncertainty
 * (half the spread of its three runs), printed with the figures behind it.
 * Issue 25's goals (≤ 2% with another database selected, ≤ 5% with the busy
 * one) are about as large as what one 30 s window of VS Code's own work
 * varies by, and this app writes 2 MB/s: here we measure +0.4–2.8% and +3.5–5.5%.
 * So this test guards against regressions with bounds twice the goals (the
 * 11% and 43% issue 25 started from fail them by far), and the goals are
 * measured where several runs can be compared, `npm run bench -- --only-live`.
 */
const REGRESSION_BOUND = { other: 0.04, busy: 0.1 };

function costLine(t: TestContext, what: string, ours: Writing, floor: Writing, floorShares: number[]): number {
  const measured = ours.cpu / ours.elapsed - floor.cpu / floor.elapsed;
  const uncertainty = (Math.max(...floorShares) - Math.min(...floorShares)) / 200;
  const share = measured - uncertainty;
  t.diagnostic(`${what}: ${ours.cpu.toFixed(2)} s CPU over ${ours.elapsed.toFixed(1)} s, floor (median of ${floorShares.map((f) => `${f.toFixed(1)}%`).join(', ')} of a core) ${floor.cpu.toFixed(2)} s over ${floor.elapsed.toFixed(1)} s → ${(100 * measured).toFixed(1)}% ± ${(100 * uncertainty).toFixed(1)}% of a core above the floor; ${ours.commits.length} commits (floor ${floor.commits.length})`);
  // The app must not be slowed by being watched.
  assert.ok(ours.commits.length >= 0.9 * floor.commits.length, `${what}: the app made ${ours.commits.length} commits, ${floor.commits.length} with the no-op extension`);
  return share;
}

describe('the status panel under a busy app', { skip, timeout: 600_000 }, () => {
  let ws: string;
  let profile: string;
  let wb: Workbench;
  let page: Page;

  /**
   * The floor: the same app on the same files under a no-op extension,
   * measured three times per file (interleaved), the median taken: VS Code's
   * own work in one 30 s window varies by ±0.3 s CPU (its periodic tasks
   * fall in a window or not), as much as what is measured.
   */
  const floor: Record<string, Writing> = {};
  const floorRuns: Record<string, number[]> = {};
  const makeWorkspace = () => {
    const dir = tempDir('sqlite-doctor-live-ws-');
    for (const name of ['a.db', 'b.db']) makeBlobDb(path.join(dir, name), 800, 4000);
    makeBlobDb(path.join(dir, 'w.db'), 800, 4000, { wal: true });
    return dir;
  };

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    const floorWs = makeWorkspace();
    const noop = await openWorkbench(tempDir('sqlite-doctor-live-floor-'), floorWs, noopExtension(tempDir('sqlite-doctor-noop-')));
    try {
      await noop.page.waitForTimeout(5000);
      const runs: Record<string, Writing[]> = { 'b.db': [], 'w.db': [] };
      for (let round = 0; round < 3; round++) for (const name of ['b.db', 'w.db']) runs[name]!.push(await cpuWhileWriting(noop, path.join(floorWs, name), COST_SECONDS));
      for (const [name, three] of Object.entries(runs)) {
        const byRate = [...three].sort((x, y) => x.cpu / x.elapsed - y.cpu / y.elapsed);
        floor[name] = { ...byRate[1]!, commits: three.reduce((most, r) => (r.commits.length > most.length ? r.commits : most), [] as number[]) };
        floorRuns[name] = three.map((r) => (r.cpu / r.elapsed) * 100);
      }
    } finally {
      await noop.close();
    }
    ws = makeWorkspace();
    profile = tempDir('sqlite-doctor-live-profile-');
    wb = await openWorkbench(profile, ws);
    page = wb.page;
  });

  after(async () => {
    await wb?.close();
  });

  const aDb = () => path.join(ws, 'a.db');

  /** Waits (after the app exits) for the final size of `db` to show in `cell`; `check` asserts it did within 1 s of the last commit. */
  const finalSizeShown = (db: string, cell: Locator) => {
    let finalAt: number | undefined;
    let finalText = '';
    return {
      wait: async () => {
        finalText = formatBytes(statSync(db).size);
        const until = Date.now() + 3000;
        while (Date.now() < until) {
          if ((await cell.innerText()) === finalText) { finalAt = Date.now(); return; }
          await page.waitForTimeout(50);
        }
      },
      check: (last: number) => assert.ok(finalAt !== undefined && finalAt - last <= 1000, `final size ${finalText} shown ${finalAt === undefined ? 'never' : `${finalAt - last} ms`} after the last commit`),
    };
  };
  const inspectionsOfA = (from: number, to: number) => logLines(profile).filter((l) => l.includes(`inspecting ${aDb()}`) && lineTime(l) >= from && lineTime(l) <= to).length;

  it('inspects nothing it was not asked for, follows the writes live, keeps focus', async (t) => {
    const opened = Date.now();
    await palette(page, 'SQLite: Show Status Panel');
    const frame: Frame = await panelFrame(page, 'grid');
    const rowA = frame.locator(`tr[data-id="${aDb()}"]`);
    await rowA.click();
    await (await panelFrame(page, 'checklist')).getByTestId('checklist').waitFor();
    await rowA.focus();
    assert.equal(inspectionsOfA(opened, Date.now()), 1, 'selecting a.db inspected it once (and the log is where we read it)');
    const sizeB = frame.locator(`tr[data-id="${path.join(ws, 'b.db')}"] td[data-col="size"]`);

    await page.waitForTimeout(3000);
    const seen: { at: number; text: string; focus: string | null }[] = [];
    const finalAt = finalSizeShown(path.join(ws, 'b.db'), sizeB);
    const run = await cpuWhileWriting(wb, path.join(ws, 'b.db'), COST_SECONDS, async () => {
      seen.push({ at: Date.now(), text: await sizeB.innerText(), focus: await frame.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.getAttribute('data-id') ?? null) });
      await page.waitForTimeout(100);
    }, finalAt.wait);
    const first = run.commits[0]!;
    const last = run.commits.at(-1)!;
    await page.screenshot({ path: path.join(OUT, 'e2e-live-panel.png') });

    // The app aims at 200; on a loaded 2-core machine it may make fewer, which still keeps the panel busy.
    assert.ok(run.commits.length >= 10 * COST_SECONDS, `${run.commits.length} commits in ${COST_SECONDS} s`);
    finalAt.check(last);
    // While the writes go on, the size shown changes at least once a second.
    const { gap, changes } = longestGap(seen, first, last);
    assert.ok(gap <= 1000, `longest time without an update while writing: ${gap} ms (${changes} updates)`);
    assert.deepEqual([...new Set(seen.map((s) => s.focus))], [aDb()], 'keyboard focus stayed on a.db');
    assert.equal(inspectionsOfA(first, last + 2000), 0, 'a.db, unchanged, was not inspected again');
    const share = costLine(t, 'another database selected', run, floor['b.db']!, floorRuns['b.db']!);
    assert.ok(share <= REGRESSION_BOUND.other, `more than ${100 * REGRESSION_BOUND.other}% of a core above the floor with another database selected, beyond the floor's uncertainty (see the line above)`);
  });

  it('after Reload Window the same database is selected and inspected at most once', async () => {
    const reloadAt = Date.now();
    await palette(page, 'Developer: Reload Window');
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const frame = await panelFrame(page, 'checklist');
    assert.equal(await frame.locator(`tr[data-id="${aDb()}"]`).getAttribute('aria-selected'), 'true');
    await page.waitForTimeout(3000);
    assert.ok(logLines(profile).some((l) => l.includes('scan:') && lineTime(l) >= reloadAt), 'the reloaded window logs too');
    assert.ok(inspectionsOfA(reloadAt, Date.now()) <= 1, `${inspectionsOfA(reloadAt, Date.now())} inspections after reload`);
  });

  const inspectionsOf = (db: string, from: number, to: number) => logLines(profile).filter((l) => l.includes(`inspecting ${db}`) && lineTime(l) >= from && lineTime(l) <= to).length;

  it('the busy database selected: header facts and the chart follow every second, deep details wait, the cost stays far from the 43% of before', async (t) => {
    const wDb = path.join(ws, 'w.db');
    await palette(page, 'SQLite: Show Status Panel');
    const frame = await panelFrame(page, 'grid');
    await frame.locator(`tr[data-id="${wDb}"]`).click();
    await (await panelFrame(page, 'checklist')).getByTestId('checklist').waitFor();
    await frame.getByTestId('live-view').waitFor({ timeout: 20_000 });
    await page.waitForTimeout(3000);
    const row = frame.locator(`tr[data-id="${wDb}"]`);
    const chart = frame.locator('svg.live-chart');
    const seenRow: { at: number; text: string }[] = [];
    const seenChart: { at: number; text: string }[] = [];
    let asOf = '';
    const finalAt = finalSizeShown(wDb, row.locator('td[data-col="size"]'));
    const run = await cpuWhileWriting(wb, wDb, COST_SECONDS, async () => {
      const at = Date.now();
      seenRow.push({ at, text: await row.innerText() });
      seenChart.push({ at, text: await chart.innerHTML().catch(() => '') });
      asOf ||= await frame.getByTestId('as-of').innerText({ timeout: 50 }).catch(() => '');
      await page.waitForTimeout(100);
    }, finalAt.wait);
    const first = run.commits[0]!;
    const last = run.commits.at(-1)!;
    await frame.getByTestId('live-view').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUT, 'e2e-live-busy.png') });

    finalAt.check(last);
    for (const [what, seen] of [['grid row', seenRow], ['live chart', seenChart]] as const) {
      const { gap, changes } = longestGap(seen, first, last);
      assert.ok(gap <= 1000, `${what}: longest time without an update while writing: ${gap} ms (${changes} updates)`);
    }
    assert.match(asOf, /^tables as of \d\d:\d\d:\d\d — the app is writing$/);
    // Deep details during sustained writes: at most one every 30 s.
    const allowed = 1 + Math.floor((last - first) / 30_000);
    assert.ok(inspectionsOf(wDb, first, last) <= allowed, `${inspectionsOf(wDb, first, last)} inspections of w.db during ${((last - first) / 1000).toFixed(0)} s of writes`);
    assert.ok(inspectionsOf(wDb, last, last + 4000) >= 1, 'inspected again once the writes paused');
    const share = costLine(t, 'the busy database selected', run, floor['w.db']!, floorRuns['w.db']!);
    assert.ok(share <= REGRESSION_BOUND.busy, `more than ${100 * REGRESSION_BOUND.busy}% of a core above the floor with the busy database selected, beyond the floor's uncertainty (see the line above)`);
  });

  it('a panel hidden behind another editor tab inspects nothing', async () => {
    const wDb = path.join(ws, 'w.db');
    await palette(page, 'File: New Untitled Text File');
    await page.waitForTimeout(1000);
    const run = await cpuWhileWriting(wb, wDb, 6);
    await page.waitForTimeout(3000);
    assert.equal(inspectionsOf(wDb, run.commits[0]!, Date.now()), 0, 'no inspection while hidden');
  });

  it('shows who holds a WAL database live: a writer, a pinned reader, the frames it holds back', async () => {
    const file = path.join(ws, 'c.db');
    makeBlobDb(file, 800, 4000, { wal: true });
    const reader = await startPython(String.raw`
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN"); c.execute("SELECT count(*) FROM t").fetchone()
print("ready", flush=True)
sys.stdin.read()
`, [file]);
    const writer = await startPython(APP.replace('randomblob(100000)', 'randomblob(3000)'), [file, '40']);
    try {
      await palette(page, 'SQLite: Scan Workspace for Databases');
      await palette(page, 'SQLite: Show Status Panel');
      const frame = await panelFrame(page, 'grid');
      const row = frame.locator(`tr[data-id="${file}"]`);
      await row.waitFor({ timeout: 20_000 });
      await row.click();
      const holders = frame.getByTestId('holders');
      await holders.waitFor({ timeout: 20_000 });
      const deadline = Date.now() + 15_000;
      let diagnosis = '';
      while (Date.now() < deadline) {
        diagnosis = await frame.getByTestId('diagnosis').innerText().catch(() => '');
        if (diagnosis.includes(`pid ${reader.child.pid}`) && /cannot be checkpointed/.test(diagnosis)) break;
        await page.waitForTimeout(250);
      }
      assert.match(diagnosis, new RegExp(`cannot be checkpointed: pid ${reader.child.pid}`));
      const table = await holders.innerText();
      assert.match(table, new RegExp(`${reader.child.pid}\\s+reader`));
      await page.waitForTimeout(6000); // a few seconds of chart
      await frame.getByTestId('live-view').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(OUT, 'e2e-live-locks.png') });
    } finally {
      reader.child.kill('SIGKILL');
      writer.child.kill('SIGKILL');
    }
  });
});
