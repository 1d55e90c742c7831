import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { seriousViolations } from '../helpers/axe';
import { CHROMIUM_PATH } from '../helpers/browser';
import { makeBlobDb, startPython, tempDir } from '../helpers/fixtures';
import { codeServerInstalled } from './codeServer';
import { applyDjangoQuickFix, makeDjangoProject } from './django';
import { Workbench, openWorkbench, palette, panelFrame } from './workbench';

/**
 * The panel for everyone and the first run, in a real VS Code: the
 * walkthrough opens on first activation and ticks its steps as they are
 * done; axe-core inside the panel's frame; the grid's keyboard model; a tab
 * chosen with ArrowRight survives an app writing to the selected database;
 * High Contrast outlines; the chart in four themes (screenshots in
 * test-output/, copied to docs/ once looked at); the README's pictures in
 * the Extensions view.
 */
const ROOT = path.join(__dirname, '..', '..');
const OUT = path.join(ROOT, 'test-output');
/** A stand-in for where docs/ is published (`.invalid` never resolves: the test serves it). */
const IMAGES = 'https://sqlite-doctor.invalid/';
const skip = codeServerInstalled() && CHROMIUM_PATH ? false : 'code-server or Chromium is not installed (scripts/e2e-setup.sh, run by `npm test`)';

/** An app committing 20 times a second; a small autocheckpoint so the chart shows checkpoints within seconds. */
const APP = String.raw`
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
c.execute("PRAGMA wal_autocheckpoint=60") if sys.argv[3] == "wal" else None
print("ready", flush=True)
end = time.time() + float(sys.argv[2])
while time.time() < end:
    c.execute("INSERT INTO t(v) VALUES (randomblob(6000))")
    time.sleep(0.05)
`;

type Globals = { document: { activeElement: { tagName: string; id: string; getAttribute(n: string): string | null } | null; body: { className: string } } };
const focusIn = (f: Frame | Page) => f.evaluate(() => {
  const el = (globalThis as unknown as Globals).document.activeElement;
  return el ? { tag: el.tagName, id: el.id, dataId: el.getAttribute('data-id'), action: el.getAttribute('data-action') } : null;
});

describe('the panel for everyone, and a first run that teaches itself, in a real VS Code', { skip, timeout: 600_000 }, () => {
  let ws: string;
  let profile: string;
  let unpacked: string;
  let wb: Workbench;
  let page: Page;

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    ws = tempDir('sqlite-doctor-a11y-ws-');
    makeDjangoProject(ws, false);
    makeBlobDb(path.join(ws, 'db.sqlite3'), 50, 1000);
    makeBlobDb(path.join(ws, 'busy.db'), 400, 4000);
    makeBlobDb(path.join(ws, 'live.db'), 200, 4000, { wal: true });
    profile = tempDir('sqlite-doctor-a11y-profile-');
    // The VSIX as `npm run package` builds it, with the README's pictures published at IMAGES
    // (served below from the package's own files, as a repository would serve them).
    const build = tempDir('sqlite-doctor-a11y-vsix-');
    execFileSync(process.execPath, ['scripts/package.mjs', '--images-url', IMAGES, '--out', path.join(build, 'x.vsix')], { cwd: ROOT, stdio: 'ignore' });
    execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', path.join(build, 'x.vsix'), build]);
    unpacked = path.join(build, 'extension');
    wb = await openWorkbench(profile, ws, unpacked);
    page = wb.page;
    await page.context().route(`${IMAGES}**`, (route) => route.fulfill({ path: path.join(unpacked, new URL(route.request().url()).pathname) }));
  });

  after(async () => {
    await wb?.close();
  });

  const walkthrough = () => page.locator('.gettingStartedContainer');

  it('opens the walkthrough on first activation', async () => {
    await walkthrough().getByText('Get Started with SQLite Doctor').first().waitFor({ timeout: 60_000 });
    const text = await walkthrough().innerText();
    for (const step of ['Scan the workspace for databases', 'Open the status panel', 'Enable WAL on a database', 'Apply the app-config quick fix']) assert.ok(text.includes(step), step);
    await page.screenshot({ path: path.join(OUT, 'e2e-walkthrough-first.png') });
  });

  let frame: Frame;
  const row = (name: string) => frame.locator(`tr[data-id="${path.join(ws, name)}"]`);

  it('passes axe-core on the overview; Tab enters the grid, arrows select, Enter opens, one more Tab leaves it', async () => {
    await palette(page, 'SQLite: Scan Workspace for Databases');
    await page.locator('.notification-toast', { hasText: /SQLite: 3 databases/ }).first().waitFor({ timeout: 30_000 });
    await palette(page, 'SQLite: Show Status Panel');
    frame = await panelFrame(page, 'grid');
    await row('live.db').waitFor();
    assert.deepEqual(await seriousViolations(frame), [], 'overview');
    await frame.locator('h1').click(); // focus inside the webview, before its first control
    await page.keyboard.press('Tab'); // Scan Workspace
    await page.keyboard.press('Tab');
    const first = await focusIn(frame);
    assert.equal(first?.tag, 'TR', JSON.stringify(first));
    assert.equal(await frame.locator('tr[tabindex="0"]').count(), 1, 'one tab stop');
    const ids = await frame.locator('tbody tr').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    await page.keyboard.press('ArrowDown');
    assert.equal((await focusIn(frame))?.dataId, ids[1]);
    assert.equal(await frame.locator('tr[aria-selected="true"]').getAttribute('data-id'), ids[1]);
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    // Select busy.db with the arrows and open it with Enter.
    for (let i = 0; i < ids.indexOf(path.join(ws, 'busy.db')); i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await frame.getByTestId('checklist').waitFor({ timeout: 30_000 });
    assert.match(await frame.locator('.detail h2').innerText(), /busy\.db/);
    await page.keyboard.press('Tab');
    const next = await focusIn(frame);
    assert.ok(next?.action, `one Tab from the grid is the detail's first action: ${JSON.stringify(next)}`);
  });

  it('passes axe-core on every detail tab', async () => {
    const tabs = await frame.locator('vscode-panel-tab').evaluateAll((els) => els.map((e) => e.id));
    assert.ok(tabs.length >= 6, tabs.join());
    for (const tab of tabs) {
      await frame.locator(`vscode-panel-tab#${tab}`).click();
      await page.waitForTimeout(150);
      assert.deepEqual(await seriousViolations(frame), [], tab);
    }
  });

  it('keeps a tab chosen with ArrowRight through 2 s of an app writing to the selected database, focus inside the panel', async () => {
    await frame.locator('vscode-panel-tab#tab-checklist').click();
    await page.keyboard.press('ArrowRight');
    assert.equal((await focusIn(frame))?.id, 'tab-file');
    const description = () => frame.locator('.detail .detail-title .muted:not(.as-of)').innerText();
    const before = await description();
    const app = await startPython(APP, [path.join(ws, 'busy.db'), '4', 'delete']);
    const seen: { active: string | null; focus: string; top: string }[] = [];
    const end = Date.now() + 2500;
    while (Date.now() < end) {
      seen.push({
        active: await frame.locator('vscode-panels').getAttribute('activeid'),
        focus: JSON.stringify(await focusIn(frame)),
        top: (await focusIn(page))?.tag ?? 'none',
      });
      await page.waitForTimeout(100);
    }
    await new Promise((r) => app.child.on('exit', r));
    assert.notEqual(await description(), before, 'the detail followed the writes');
    assert.deepEqual([...new Set(seen.map((s) => s.active))], ['tab-file']);
    assert.deepEqual([...new Set(seen.map((s) => JSON.parse(s.focus)?.id))], ['tab-file'], 'focus stayed on the chosen tab');
    assert.deepEqual([...new Set(seen.map((s) => s.top))], ['IFRAME'], 'and inside the panel');
  });

  const setTheme = async (theme: string, bodyClass: string) => {
    await palette(page, 'Preferences: Color Theme');
    await page.locator('.quick-input-widget input').fill(theme);
    // Theme labels ("Dark High Contrast") are also the start of others' ("Dark High Contrast Dimmed"…): pick the exact one.
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor();
    const labels = await rows.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? '').split(',')[0]!.trim()));
    const index = labels.findIndex((l) => l === theme);
    assert.ok(index >= 0, `${theme} in ${labels.join(' | ')}`);
    await rows.nth(index).click();
    const deadline = Date.now() + 15_000;
    while (!(await frame.evaluate(() => (globalThis as unknown as Globals).document.body.className)).split(' ').includes(bodyClass)) {
      if (Date.now() > deadline) throw new Error(`the panel did not switch to ${theme}`);
      await page.waitForTimeout(200);
    }
    await page.waitForTimeout(500);
  };

  it('draws the live chart readably in dark, light and High Contrast, and outlines the selected row in High Contrast', async () => {
    const app = await startPython(APP, [path.join(ws, 'live.db'), '60', 'wal']);
    try {
      await row('live.db').click();
      await frame.getByTestId('live-view').waitFor({ state: 'visible', timeout: 20_000 });
      await frame.locator('.ckpt-label').first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(4000);
      const shots: [string, string, string][] = [
        ['Dark Modern', 'vscode-dark', 'dark'], ['Light Modern', 'vscode-light', 'light'],
        ['Dark High Contrast', 'vscode-high-contrast', 'high-contrast'], ['Light High Contrast', 'vscode-high-contrast-light', 'high-contrast-light'],
      ];
      for (const [theme, cls, name] of shots) {
        await setTheme(theme, cls);
        assert.ok((await frame.locator('.x-axis span').allInnerTexts()).every((t) => /^\d\d:\d\d:\d\d$/.test(t)));
        await frame.getByTestId('live-view').screenshot({ path: path.join(OUT, `e2e-chart-${name}.png`) });
        if (name.startsWith('high-contrast')) {
          await row('db.sqlite3').focus(); // focus elsewhere: the outline seen is the selection's
          const outline = await row('live.db').evaluate((el) => { const s = (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string; outlineColor: string } }).getComputedStyle(el); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; });
          assert.equal(outline[0], 'solid', `${name}: ${outline.join(' ')}`);
          assert.equal(outline[1], '2px');
          assert.notEqual(outline[2], 'rgba(0, 0, 0, 0)');
          await frame.getByTestId('grid').screenshot({ path: path.join(OUT, `e2e-grid-selection-${name}.png`) });
          assert.deepEqual(await seriousViolations(frame), [], `${name}: axe`);
        }
      }
      await setTheme('Dark Modern', 'vscode-dark');
    } finally {
      app.child.kill('SIGKILL');
    }
  });

  it('ticks the walkthrough\'s steps as they are done: scan, panel, Enable WAL, the quick fix', async () => {
    await row('db.sqlite3').click();
    await frame.locator('vscode-button[data-action="enableWal"]').first().click();
    const dialog = page.locator('[role=dialog]', { hasText: 'Enable WAL on db.sqlite3?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Enable WAL' }).click();
    await frame.getByTestId('result').waitFor({ timeout: 30_000 });
    assert.match(await frame.getByTestId('announcement').innerText(), /db\.sqlite3 is now in WAL mode/, 'the result, said once through the summary');
    assert.match(await applyDjangoQuickFix(page, ws), /init_command/);
    await palette(page, 'Welcome: Open Walkthrough...');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get Started with SQLite Doctor' }).first().click();
    await walkthrough().getByText('Get Started with SQLite Doctor').first().waitFor();
    await page.waitForTimeout(1000);
    const steps = await walkthrough().locator('.getting-started-step').evaluateAll((els) => els.map((e) => ({ text: (e as unknown as { innerText: string }).innerText.split('\n')[0], done: e.classList.contains('complete') || !!e.querySelector('.codicon-pass-filled, .complete') })));
    await page.screenshot({ path: path.join(OUT, 'e2e-walkthrough-done.png') });
    assert.deepEqual(steps.map((s) => s.done), [true, true, true, true], JSON.stringify(steps));
  });

  it('shows the README\'s pictures in the Extensions view (no broken image)', async () => {
    await palette(page, 'Extensions: Show Installed Extensions');
    const item = page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'SQLite Doctor' }).first();
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    let readme: Frame | undefined;
    for (let i = 0; i < 80 && !readme; i++) {
      for (const f of page.frames()) if (await f.getByText('What it does').count().catch(() => 0)) readme = f;
      if (!readme) await page.waitForTimeout(250);
    }
    assert.ok(readme, 'the details page shows the README');
    await readme.waitForFunction(() => [...(globalThis as unknown as { document: { images: Iterable<{ complete: boolean }> } }).document.images].every((i) => i.complete), undefined, { timeout: 20_000 });
    const images = await readme.evaluate(() => [...(globalThis as unknown as { document: { images: Iterable<{ src: string; naturalWidth: number }> } }).document.images].map((i) => ({ src: i.src, width: i.naturalWidth })));
    assert.ok(images.length >= 1 && images.every((i) => i.src.startsWith(IMAGES)), `the README's picture, rewritten to where docs/ is published: ${JSON.stringify(images)}`);
    assert.deepEqual(images.filter((i) => i.width === 0), [], 'no broken image');
    await readme.locator('img').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUT, 'e2e-extension-details.png') });
  });
});
