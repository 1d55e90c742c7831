import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { palette } from './workbench';

/** A Django 5.1 project whose settings.py opens db.sqlite3 with none of the recommended settings. */
export function makeDjangoProject(ws: string, makeDb = true): void {
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
  if (makeDb) execFileSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()', path.join(ws, 'db.sqlite3')]);
}

/**
 * What a person does: Problems panel → open settings.py at our warning →
 * Ctrl+. → "Add OPTIONS…". `seen` hears the problem's text and the open
 * quick-fix menu (for assertions and screenshots). Resolves once the file
 * on disk has the fix; returns it.
 */
export async function applyDjangoQuickFix(page: Page, ws: string, seen: { problem?(text: string): Promise<void>; menu?(): Promise<void> } = {}): Promise<string> {
  await palette(page, 'View: Focus Problems');
  const entry = page.locator('.markers-panel .monaco-list-row', { hasText: 'does not set' }).first();
  await entry.waitFor({ timeout: 60_000 });
  await seen.problem?.(await entry.innerText());
  await entry.dblclick();
  await page.locator('.monaco-editor .view-lines').first().waitFor();
  await page.waitForTimeout(500);
  await page.keyboard.press('Control+.');
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Add OPTIONS' }).first();
  await fix.waitFor({ timeout: 15_000 });
  await seen.menu?.();
  await fix.click();
  const settings = path.join(ws, 'mysite', 'settings.py');
  const deadline = Date.now() + 20_000;
  while (!readFileSync(settings, 'utf8').includes('init_command') && Date.now() < deadline) await page.waitForTimeout(250);
  return readFileSync(settings, 'utf8');
}
