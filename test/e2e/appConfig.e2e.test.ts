import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { tempDir } from '../helpers/fixtures';
import { CHROMIUM_PATH } from '../helpers/browser';
import { codeServerInstalled } from './codeServer';
import { Workbench, openWorkbench, palette } from './workbench';

/**
 * Configuring the app in the editor: a Django 5.1 project whose database is
 * not in WAL shows a problem on its settings.py; the quick fix writes
 * OPTIONS.init_command; the problem goes away.
 */
const OUT = path.join(__dirname, '..', '..', 'test-output');
const skip = codeServerInstalled() && CHROMIUM_PATH ? false : 'code-server or Chromium is not installed (scripts/e2e-setup.sh, run by `npm test`)';

describe('app configuration in the editor', { skip, timeout: 240_000 }, () => {
  let ws: string;
  let wb: Workbench;
  let page: Page;

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    ws = tempDir('sqlite-doctor-django-');
    writeFileSync(path.join(ws, 'requirements.txt'), 'Django==5.1.4\n');
    mkdirSync(path.join(ws, 'mysite'));
    writeFileSync(path.join(ws, 'mysite', 'settings.py'), `from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }
}
`);
    execFileSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()', path.join(ws, 'db.sqlite3')]);
    wb = await openWorkbench(tempDir('sqlite-doctor-django-profile-'), ws);
    page = wb.page;
  });

  after(async () => {
    await wb?.close();
  });

  const problems = () => page.locator('.markers-panel');

  it('shows the missing settings on settings.py, and the quick fix makes the problem go away', async () => {
    await palette(page, 'View: Focus Problems');
    const entry = problems().locator('.monaco-list-row', { hasText: 'does not set' }).first();
    await entry.waitFor({ timeout: 60_000 });
    assert.match(await entry.innerText(), /journal_mode=WAL.*synchronous=NORMAL/s);
    await page.screenshot({ path: path.join(OUT, 'e2e-app-config-problem.png') });
    // Open the file at the problem, then ask for quick fixes there.
    await entry.dblclick();
    await page.locator('.monaco-editor .view-lines').first().waitFor();
    await page.waitForTimeout(500);
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Add OPTIONS' }).first();
    await fix.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(OUT, 'e2e-app-config-quickfix.png') });
    await fix.click();
    const settings = path.join(ws, 'mysite', 'settings.py');
    const deadline = Date.now() + 20_000;
    while (!readFileSync(settings, 'utf8').includes('init_command') && Date.now() < deadline) await page.waitForTimeout(250);
    assert.match(readFileSync(settings, 'utf8'), /"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"/);
    const gone = Date.now() + 30_000;
    while ((await problems().locator('.monaco-list-row', { hasText: 'does not set' }).count()) > 0 && Date.now() < gone) await page.waitForTimeout(500);
    assert.equal(await problems().locator('.monaco-list-row', { hasText: 'does not set' }).count(), 0, 'the problem is gone');
    await page.screenshot({ path: path.join(OUT, 'e2e-app-config-fixed.png') });
  });
});
