import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { formatBytes } from '../../src/sqlite/format';
import { makeBlobDb, startPython, tempDir } from '../helpers/fixtures';
import { BrowserGlobals, CHROMIUM_PATH } from '../helpers/browser';
import { codeServerInstalled } from './codeServer';
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

/** The app: 20 commits a second of ~100 KiB each (so every commit changes the size shown), printing when each landed. */
const APP = String.raw`
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
print("ready", flush=True)
end = time.time() + float(sys.argv[2])
while time.time() < end:
    c.execute("INSERT INTO t(v) VALUES (randomblob(100000))")
    print("commit", time.time(), flush=True)
    time.sleep(0.05)
print("done", flush=True)
`;

function logLines(profile: string): string[] {
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
function lineTime(line: string): number {
  return new Date(line.slice(0, 23).replace(' ', 'T')).getTime();
}

describe('the status panel under a busy app', { skip, timeout: 300_000 }, () => {
  let ws: string;
  let profile: string;
  let wb: Workbench;
  let page: Page;

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    ws = tempDir('sqlite-doctor-live-ws-');
    for (const name of ['a.db', 'b.db']) makeBlobDb(path.join(ws, name), 800, 4000);
    profile = tempDir('sqlite-doctor-live-profile-');
    wb = await openWorkbench(profile, ws);
    page = wb.page;
  });

  after(async () => {
    await wb?.close();
  });

  const aDb = () => path.join(ws, 'a.db');
  const inspectionsOfA = (from: number, to: number) => logLines(profile).filter((l) => l.includes(`inspecting ${aDb()}`) && lineTime(l) >= from && lineTime(l) <= to).length;

  it('inspects nothing it was not asked for, follows the writes live, keeps focus', async () => {
    const opened = Date.now();
    await palette(page, 'SQLite: Show Status Panel');
    const frame: Frame = await panelFrame(page, 'grid');
    const rowA = frame.locator(`tr[data-id="${aDb()}"]`);
    await rowA.click();
    await (await panelFrame(page, 'checklist')).getByTestId('checklist').waitFor();
    await rowA.focus();
    assert.equal(inspectionsOfA(opened, Date.now()), 1, 'selecting a.db inspected it once (and the log is where we read it)');
    const sizeB = frame.locator(`tr[data-id="${path.join(ws, 'b.db')}"] td[data-col="size"]`);

    const app = await startPython(APP, [path.join(ws, 'b.db'), '10']);
    const seen: { at: number; text: string; focus: string | null }[] = [];
    const exited = new Promise((r) => app.child.on('exit', r));
    let running = true;
    void exited.then(() => { running = false; });
    while (running) {
      seen.push({ at: Date.now(), text: await sizeB.innerText(), focus: await frame.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.getAttribute('data-id') ?? null) });
      await page.waitForTimeout(100);
    }
    const commits = app.lines.filter((l) => l.startsWith('commit')).map((l) => Math.round(Number(l.split(' ')[1]) * 1000));
    const first = commits[0]!;
    const last = commits.at(-1)!;
    const finalText = formatBytes(statSync(path.join(ws, 'b.db')).size);
    // The final size shows within 1 s of the last commit.
    let finalAt: number | undefined;
    while (Date.now() < last + 3000) {
      if ((await sizeB.innerText()) === finalText) { finalAt = Date.now(); break; }
      await page.waitForTimeout(50);
    }
    await page.waitForTimeout(Math.max(0, last + 2000 - Date.now()));
    await page.screenshot({ path: path.join(OUT, 'e2e-live-panel.png') });

    assert.ok(commits.length >= 150, `${commits.length} commits in 10 s`);
    assert.ok(finalAt !== undefined && finalAt - last <= 1000, `final size ${finalText} shown ${finalAt === undefined ? 'never' : `${finalAt - last} ms`} after the last commit`);
    // While the writes go on, the size shown changes at least once a second.
    const changes = seen.filter((s, i) => i > 0 && s.text !== seen[i - 1]!.text).map((s) => s.at);
    const during = [first, ...changes.filter((t) => t > first && t < last), last];
    const gaps = during.slice(1).map((t, i) => t - during[i]!);
    assert.ok(Math.max(...gaps) <= 1000, `longest time without an update while writing: ${Math.max(...gaps)} ms (${changes.length} updates)`);
    assert.deepEqual([...new Set(seen.map((s) => s.focus))], [aDb()], 'keyboard focus stayed on a.db');
    assert.equal(inspectionsOfA(first, last + 2000), 0, 'a.db, unchanged, was not inspected again');
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
