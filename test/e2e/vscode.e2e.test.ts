import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { makeFixtures, startPython, tempDir, truth } from '../helpers/fixtures';
import { CHROMIUM_PATH } from '../helpers/browser';
import { codeServerInstalled } from './codeServer';
import { Workbench, openWorkbench, palette, panelFrame } from './workbench';

/**
 * End to end in a real VS Code (code-server) driven through Chromium: what a
 * user does — palette, explorer right-click, modal, tree, panel — checked
 * against real SQLite on disk. Screenshots land in test-output/.
 */
const OUT = path.join(__dirname, '..', '..', 'test-output');
const skip = codeServerInstalled() && CHROMIUM_PATH ? false : 'code-server or Chromium is not installed (scripts/e2e-setup.sh, run by `npm test`)';

function makeWorkspace(): string {
  const fx = makeFixtures();
  const ws = tempDir('sqlite-doctor-ws-');
  const copy = (from: string, to: string) => {
    mkdirSync(path.dirname(path.join(ws, to)), { recursive: true });
    copyFileSync(path.join(fx, from), path.join(ws, to));
  };
  copy('rollback.db', 'app.db');
  for (const s of ['', '-wal', '-shm']) copy(`wal-pending.db${s}`, `data/events.db${s}`);
  for (const s of ['', '-journal']) copy(`hot-journal.db${s}`, `crashed.sqlite3${s}`);
  copy('state.bin', 'state.bin');
  copy('notes.db', 'notes.db');
  copy('rollback.db', 'node_modules/pkg/cache.db');
  mkdirSync(path.join(ws, '.vscode'));
  writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'sqliteDoctor.checkAllFiles': true, 'files.exclude': { '**/.vscode': true } }));
  return ws;
}

async function toast(page: Page, text: RegExp, timeout = 20_000): Promise<string> {
  const t = page.locator('.notification-toast', { hasText: text }).first();
  await t.waitFor({ state: 'visible', timeout });
  return t.innerText();
}

async function explorerMenu(page: Page, name: string): Promise<string[]> {
  // The Explorer's rows are labelled by file name and come before the SQLite Databases view's.
  await page.locator(`.monaco-list-row[aria-label="${name}"]`).first().click({ button: 'right' });
  const menu = page.locator('.monaco-menu .action-label');
  await menu.first().waitFor({ state: 'visible' });
  return (await menu.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
}

describe('SQLite Doctor in a real VS Code', { skip, timeout: 300_000 }, () => {
  let ws: string;
  let wb: Workbench;
  let page: Page;

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    ws = makeWorkspace();
    wb = await openWorkbench(tempDir('sqlite-doctor-profile-'), ws);
    page = wb.page;
  });

  after(async () => {
    await wb?.close();
  });

  it('Scan Workspace from the palette reports what is on disk', async () => {
    await palette(page, 'SQLite: Scan Workspace for Databases');
    const text = await toast(page, /SQLite: \d+ databases/);
    // app.db, data/events.db, crashed.sqlite3, state.bin (by magic); notes.db is text; node_modules is skipped.
    assert.match(text, /SQLite: 4 databases · 3 not in WAL · 1 hot journal/);
    await page.screenshot({ path: path.join(OUT, 'e2e-scan.png') });
  });

  it('the tree lists exactly the databases', async () => {
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'SQLite Databases' }) });
    const header = view.locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    const labels = view.locator('.monaco-list-row .label-name');
    await labels.first().waitFor();
    assert.deepEqual((await labels.allInnerTexts()).sort(), ['app.db', 'crashed.sqlite3', 'events.db', 'state.bin']);
    assert.match(await view.innerText(), /WAL · 4 KiB · 8 KiB \(\+36\.2 KiB wal\)/);
  });

  it('offers Enable WAL only on SQLite files that are not WAL yet', async () => {
    assert.ok((await explorerMenu(page, 'state.bin')).includes('Enable WAL'));
    await page.keyboard.press('Escape');
    const notes = await explorerMenu(page, 'notes.db');
    assert.ok(!notes.includes('Enable WAL') && !notes.includes('Disable WAL'), notes.join(','));
    await page.keyboard.press('Escape');
  });

  it('right-click → Enable WAL → confirm switches the file to WAL without losing a row', async () => {
    const file = path.join(ws, 'app.db');
    const before = truth(file);
    assert.equal(before.journal_mode, 'delete');
    const items = await explorerMenu(page, 'app.db');
    assert.ok(items.includes('Enable WAL'), items.join(','));
    assert.ok(!items.includes('Disable WAL'));
    // VS Code's context menu acts on the focused item; hover focuses it, Enter runs it.
    await page.locator('.monaco-menu .action-label', { hasText: 'Enable WAL' }).hover();
    await page.keyboard.press('Enter');
    const dialog = page.locator('[role=dialog]', { hasText: 'Enable WAL on app.db?' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /What WAL means/);
    await page.screenshot({ path: path.join(OUT, 'e2e-confirm.png') });
    await dialog.getByRole('button', { name: 'Enable WAL' }).click();
    await toast(page, /(?<!\/)app\.db is now in WAL mode \(verified/);
    const after = truth(file);
    assert.equal(after.journal_mode, 'wal');
    assert.equal(after.integrity, 'ok');
    assert.deepEqual(after.tables, before.tables);
  });

  it('the status panel shows the grid and a database in detail', async () => {
    await palette(page, 'SQLite: Show Status Panel');
    const frame = await panelFrame(page, 'grid');
    const grid = await frame.getByTestId('grid').innerText();
    for (const name of ['app.db', 'data/events.db', 'crashed.sqlite3', 'state.bin']) assert.ok(grid.includes(name), `${name} in the grid`);
    assert.ok(!grid.includes('notes.db'));
    await frame.locator('tr', { hasText: 'data/events.db' }).click();
    const checklist = await (await panelFrame(page, 'checklist')).getByTestId('checklist').innerText();
    assert.match(checklist, /Journal mode is WAL\s+WAL is on/);
    assert.match(checklist, /busy_timeout is set\s+Set by each connection: unknown from the file/);
    await page.screenshot({ path: path.join(OUT, 'e2e-checklist-dark.png') });
    await frame.locator('vscode-panel-tab#tab-tables').click();
    const tables = await (await panelFrame(page, 'tables')).getByTestId('tables').innerText();
    assert.match(tables, /only_in_wal\s+550/);
    await page.screenshot({ path: path.join(OUT, 'e2e-panel-dark.png') });
  });

  it('updates the panel when a real SQLite process writes', async () => {
    const file = path.join(ws, 'data', 'events.db');
    const frame = await panelFrame(page, 'grid');
    const row = frame.locator('tr', { hasText: 'data/events.db' });
    const before = await row.innerText();
    const { child } = await startPython(`
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA wal_autocheckpoint=0")
con.executemany("INSERT INTO only_in_wal(v) VALUES (?)", [("live%d" % i,) for i in range(2000)])
print("ready")
sys.stdin.readline()
`, [file]);
    try {
      const deadline = Date.now() + 10_000;
      while ((await row.innerText()) === before && Date.now() < deadline) await page.waitForTimeout(200);
      assert.notEqual(await row.innerText(), before, 'the -wal size shown changed');
      // The detail is re-inspected (in a child process) after the change: wait for it.
      const tables = (await panelFrame(page, 'tables')).getByTestId('tables');
      const until = Date.now() + 10_000;
      while (!/only_in_wal\s+2,550/.test(await tables.innerText()) && Date.now() < until) await page.waitForTimeout(200);
      assert.match(await tables.innerText(), /only_in_wal\s+2,550/);
    } finally {
      child.stdin!.end('\n');
      await new Promise((r) => child.on('exit', r));
    }
  });

  it('looks right in the light theme too', async () => {
    await palette(page, 'Preferences: Color Theme');
    await page.locator('.quick-input-widget input').fill('Light Modern');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(1500);
    await panelFrame(page, 'grid');
    await page.screenshot({ path: path.join(OUT, 'e2e-panel-light.png') });
  });
});
