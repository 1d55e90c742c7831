import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { tempDir } from '../helpers/fixtures';
import { CHROMIUM_PATH } from '../helpers/browser';
import { codeServerInstalled } from './codeServer';
import { applyDjangoQuickFix, makeDjangoProject } from './django';
import { Workbench, openWorkbench } from './workbench';

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
    makeDjangoProject(ws);
    wb = await openWorkbench(tempDir('sqlite-doctor-django-profile-'), ws);
    page = wb.page;
  });

  after(async () => {
    await wb?.close();
  });

  const problems = () => page.locator('.markers-panel');

  it('shows the missing settings on settings.py, and the quick fix makes the problem go away', async () => {
    const fixed = await applyDjangoQuickFix(page, ws, {
      problem: async (text) => {
        assert.match(text, /journal_mode=WAL.*synchronous=NORMAL/s);
        await page.screenshot({ path: path.join(OUT, 'e2e-app-config-problem.png') });
      },
      menu: () => page.screenshot({ path: path.join(OUT, 'e2e-app-config-quickfix.png') }).then(() => undefined),
    });
    // Only what is missing: Python's sqlite3 already waits 5 s and Django turns foreign keys on itself.
    assert.match(fixed, /"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"/);
    const gone = Date.now() + 30_000;
    while ((await problems().locator('.monaco-list-row', { hasText: 'does not set' }).count()) > 0 && Date.now() < gone) await page.waitForTimeout(500);
    assert.equal(await problems().locator('.monaco-list-row', { hasText: 'does not set' }).count(), 0, 'the problem is gone');
    await page.screenshot({ path: path.join(OUT, 'e2e-app-config-fixed.png') });
  });
});
