import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectionSnippets } from '../src/advice/snippets';
import type { DatabaseDetail, DatabaseRow, LiveView } from '../src/shared/protocol';
import { inspectDatabase } from '../src/sqlite/content/inspect';
import { WAL_EXPLAINED } from '../src/advice/knowledge/walExplained';
import { seriousViolations } from './helpers/axe';
import { NO_CHROMIUM } from './helpers/browser';
import { makeFixtures } from './helpers/fixtures';
import { Harness, Theme, openPanel } from './helpers/panelHarness';

/**
 * The panel for keyboard, screen reader and High Contrast users, in
 * headless Chromium over the built webview: one live region, the grid's
 * keyboard model, tabs that keep a keyboard choice while the database
 * changes, focus that never falls to BODY, axe-core on every view.
 */
const skip = NO_CHROMIUM;
const OUT = path.join(__dirname, '..', 'test-output');

const row = (over: Partial<DatabaseRow>): DatabaseRow => ({
  id: '/w/app.db', folder: 'w', relPath: 'app.db', fileName: 'app.db', status: 'not-wal', journalMode: 'delete', pageSize: 4096,
  sizeBytes: 8192, walBytes: 0, uncheckpointedWalBytes: 0, sidecars: [], warnings: [], description: 'DELETE · 4 KiB · 8 KiB', ...over,
});
const rows = ['a', 'b', 'c', 'd'].map((n) => row({ id: `/w/${n}.db`, relPath: `${n}.db`, fileName: `${n}.db` }));
const state = (databases: DatabaseRow[], summary = `${databases.length} databases`) => ({ type: 'state' as const, state: { databases, scanning: false, scannedOnce: true, summary } });

async function detailOf(id: string): Promise<DatabaseDetail> {
  const report = { ...(await inspectDatabase(path.join(makeFixtures(), 'freelist.db'))), path: id };
  return { id, loading: false, report, walExplained: [...WAL_EXPLAINED], snippets: connectionSnippets(), checks: [
    { id: 'wal', title: 'WAL mode', status: 'fail', reason: 'The database uses a rollback journal.' },
    { id: 'freelist', title: 'Little wasted space', status: 'warn', reason: '60% of the pages are free.' },
  ] };
}

const active = (h: Harness) => h.page.evaluate(() => {
  const el = (globalThis as unknown as { document: { activeElement: { tagName: string; id: string; getAttribute(n: string): string | null } | null } }).document.activeElement;
  return el ? { tag: el.tagName, id: el.id, dataId: el.getAttribute('data-id'), action: el.getAttribute('data-action') } : null;
});

function live(id: string, seconds: number, start = Date.now() - seconds * 1000): LiveView {
  return { id, frameBytes: 4120, holders: [], diagnosis: [], points: Array.from({ length: seconds }, (_, i) => [start + i * 1000, 40_000 * (i % 20), (i % 20) * 9, i % 20 === 0 && i > 0 ? 1 : 0]) };
}

describe('the panel with a keyboard, a screen reader and High Contrast', { skip }, () => {
  let h: Harness;
  before(async () => { h = await openPanel('dark'); });
  after(async () => { await h?.close(); });

  it('Tab enters the grid at one row and one more Tab leaves it; arrows select, Enter opens the detail', async () => {
    await h.post(state(rows));
    await h.page.keyboard.press('Tab'); // Scan Workspace
    await h.page.keyboard.press('Tab');
    assert.equal((await active(h))?.dataId, '/w/a.db', 'Tab lands on the first row');
    assert.equal(await h.page.locator('tr[tabindex="0"]').count(), 1, 'one tab stop');
    await h.page.keyboard.press('ArrowDown');
    await h.page.keyboard.press('ArrowDown');
    assert.equal((await active(h))?.dataId, '/w/c.db');
    assert.deepEqual(await h.page.locator('tr[aria-selected="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))), ['/w/c.db']);
    assert.equal(await h.page.getByRole('grid').count(), 1, 'a grid role');
    await h.page.keyboard.press('End');
    assert.equal((await active(h))?.dataId, '/w/d.db');
    await h.page.keyboard.press('Home');
    await h.page.keyboard.press('ArrowDown');
    assert.ok(!(await h.sent()).some((m) => (m as { type: string }).type === 'select'), 'moving the selection opens nothing (no inspection per row passed)');
    await h.page.keyboard.press('Enter');
    assert.deepEqual((await h.sent()).at(-1), { type: 'select', id: '/w/b.db' });
    await h.post({ type: 'detail', detail: await detailOf('/w/b.db') });
    assert.match(await h.page.getByTestId('detail').innerText(), /b\.db/);
    await h.page.keyboard.press('Tab');
    assert.equal((await active(h))?.action, 'enableWal', 'the detail is one Tab away');
    await h.page.keyboard.press('Shift+Tab');
    assert.equal((await active(h))?.dataId, '/w/b.db', 'Shift+Tab comes back to the selected row');
    await h.page.keyboard.press(' ');
    assert.equal((await h.sent()).filter((m) => (m as { type: string }).type === 'select').length, 1, 'Space on the open row sends nothing new');
  });

  it('has one live region, the summary; an operation result is announced there once', async () => {
    await h.post(state(rows, '4 databases · 4 not in WAL'));
    await h.post({ type: 'operationResult', id: '/w/b.db', ok: true, message: 'b.db is now in WAL mode (verified).' });
    // The panel shows spinners while scanning and reading: they must not speak either.
    await h.post({ ...state(rows, '4 databases · 4 not in WAL'), state: { ...state(rows).state, scanning: true } });
    const regions = await h.page.locator('[aria-live], [role=status], [role=alert], [role=log], [role=marquee], [role=timer]')
      .evaluateAll((els) => els.filter((e) => !e.closest('[aria-hidden="true"]')).map((e) => e.getAttribute('data-testid') ?? e.outerHTML.slice(0, 120)));
    assert.deepEqual(regions, ['summary']);
    assert.equal(await h.page.getByTestId('announcement').innerText(), 'b.db is now in WAL mode (verified).');
    assert.match(await h.page.getByTestId('result').innerText(), /verified/, 'and shown in the detail');
    await h.post(state(rows, '4 databases · 3 not in WAL'));
    assert.equal(await h.page.getByTestId('announcement').innerText(), 'b.db is now in WAL mode (verified).', 'said once: a state update does not repeat it');
  });

  it('keeps a tab chosen with the arrow keys while the database changes, updating it in place, and keeps focus on it', async () => {
    await h.page.locator('vscode-panel-tab#tab-checklist').click();
    await h.page.keyboard.press('ArrowRight');
    await h.page.keyboard.press('ArrowRight');
    assert.equal((await active(h))?.id, 'tab-connection');
    const view = await h.page.locator('#view-connection').elementHandle();
    let detail = await detailOf('/w/b.db');
    for (let i = 1; i <= 10; i++) {
      // Every commit of a busy app: new sizes in the row, and a new detail now and then.
      await h.post(state(rows.map((r) => (r.id === '/w/b.db' ? { ...r, sizeBytes: 8192 + i * 4096, description: `DELETE · 4 KiB · ${8 + i * 4} KiB` } : r))));
      if (i % 3 === 0) {
        detail = { ...detail, report: { ...detail.report!, tables: detail.report!.tables.map((t) => ({ ...t, rows: (t.rows ?? 0) + i })) } };
        await h.post({ type: 'detail', detail });
      }
      assert.equal((await active(h))?.id, 'tab-connection', `focus after update ${i}`);
    }
    assert.equal(await h.page.locator('vscode-panels').getAttribute('activeid'), 'tab-connection');
    assert.ok(await view!.evaluate((el) => el.isConnected), 'the chosen tab\'s view was updated in place, not rebuilt');
    assert.match(await h.page.getByTestId('detail').innerText(), /48 KiB/, 'the header follows the sizes');
  });

  it('never drops focus to BODY when the control that had it goes away', async () => {
    await h.page.locator('vscode-button[data-action="enableWal"]').focus();
    // The database is now in WAL: Enable WAL is gone, the tabs change (no "What WAL means").
    const wal = rows.map((r) => (r.id === '/w/b.db' ? { ...r, journalMode: 'wal', status: 'ok' as const } : r));
    await h.post(state(wal));
    await h.post({ type: 'detail', detail: { ...(await detailOf('/w/b.db')), report: { ...(await detailOf('/w/b.db')).report!, journalMode: 'wal' } } });
    const now = await active(h);
    assert.notEqual(now?.tag, 'BODY');
    assert.equal(now?.tag, 'H2', 'the detail\'s title takes it');
    await h.post(state(rows));
  });

  it('passes axe-core (no serious or critical violation) on the overview and every detail tab, in dark and High Contrast', async () => {
    for (const theme of ['dark', 'high-contrast', 'light', 'high-contrast-light'] as Theme[]) {
      const p = theme === 'dark' ? h : await openPanel(theme);
      try {
        await p.post(state(rows));
        assert.deepEqual(await seriousViolations(p.page), [], `${theme}: overview`);
        await p.page.locator('tr[data-id="/w/b.db"]').click();
        await p.post({ type: 'detail', detail: await detailOf('/w/b.db') });
        await p.post({ type: 'live', live: live('/w/b.db', 90) });
        const tabs = await p.page.locator('vscode-panel-tab').evaluateAll((els) => els.map((e) => e.id));
        assert.ok(tabs.length >= 6, tabs.join());
        for (const tab of tabs) {
          await p.page.locator(`vscode-panel-tab#${tab}`).click();
          await p.page.waitForTimeout(50);
          assert.deepEqual(await seriousViolations(p.page), [], `${theme}: ${tab}`);
        }
      } finally {
        if (p !== h) await p.close();
      }
    }
  });

  it('outlines the selected row in High Contrast (selection is not a colour only)', async () => {
    const hc = await openPanel('high-contrast', { width: 900, height: 360 });
    try {
      await hc.post(state(rows));
      await hc.page.locator('tr[data-id="/w/b.db"]').click();
      await hc.page.locator('tr[data-id="/w/c.db"]').focus();
      const style = await hc.page.locator('tr[data-id="/w/b.db"]').evaluate((el) => { const s = (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string; outlineColor: string } }).getComputedStyle(el); return { style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor }; });
      assert.deepEqual(style, { style: 'solid', width: '2px', color: 'rgb(243, 133, 24)' });
      await hc.page.screenshot({ path: path.join(OUT, 'panel-high-contrast-selection.png') });
    } finally {
      await hc.close();
    }
  });
});

describe('the live chart you can read', { skip }, () => {
  let h: Harness;
  before(async () => { h = await openPanel('dark'); });
  after(async () => { await h?.close(); });

  it('has a time axis with clock labels, a byte axis with units, checkpoint labels, and fills its width from the first samples', async () => {
    const a = row({ id: '/w/live.db', relPath: 'live.db', journalMode: 'wal', status: 'ok' });
    await h.post(state([a]));
    await h.page.locator('tr[data-id="/w/live.db"]').click();
    await h.post({ type: 'live', live: live(a.id, 30) });
    const x = await h.page.locator('.x-axis span').allInnerTexts();
    assert.ok(x.length >= 3 && x.every((t) => /^\d\d:\d\d:\d\d$/.test(t)), x.join());
    const y = await h.page.locator('.y-axis span').allInnerTexts();
    assert.equal(y[0], '0 B');
    assert.ok(y.slice(1).every((t) => /KiB|MiB/.test(t)), y.join());
    assert.equal(await h.page.locator('.ckpt-label').count(), 1);
    // 30 s of samples span the whole plot, not a sliver at its right edge.
    const first = await h.page.locator('.live-chart polyline.wal').evaluate((el) => Number(el.getAttribute('points')!.split(' ')[0]!.split(',')[0]));
    assert.ok(first < 50, `the first sample is drawn at x=${first} of 1000`);
  });

  it('reads the values at a point on hover and from the keyboard, and gives the same numbers as a table', async () => {
    const now = Date.now();
    const l = live('/w/live.db', 30, now - 30_000);
    await h.post({ type: 'live', live: l });
    assert.match(await h.page.getByTestId('readout').innerText(), /^Latest \d\d:\d\d:\d\d: -wal /);
    const chart = h.page.getByTestId('live-chart');
    const box = (await chart.boundingBox())!;
    await h.page.mouse.move(box.x + 2, box.y + box.height / 2);
    const first = l.points[0]!;
    assert.match(await h.page.getByTestId('readout').innerText(), new RegExp(`^At \\d\\d:\\d\\d:\\d\\d: -wal ${first[1]} B, 0 frame\\(s\\)`));
    await h.page.mouse.move(0, 0);
    await chart.focus();
    await h.page.keyboard.press('Home');
    await h.page.keyboard.press('ArrowRight');
    const second = l.points[1]!;
    assert.equal(await chart.getAttribute('aria-valuenow'), '1');
    assert.match((await chart.getAttribute('aria-valuetext'))!, /-wal 39\.1 KiB, 9 frame\(s\) \(36\.2 KiB\) not checkpointed$/);
    assert.equal(second[1], 40_000);
    // A new sample arrives: the read-out stays on the chosen sample and the chart keeps focus.
    await h.post({ type: 'live', live: { ...l, points: [...l.points, [now + 1000, 1, 0, 0]] } });
    assert.equal(await chart.getAttribute('aria-valuenow'), '1');
    assert.equal(await h.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }).document.activeElement.getAttribute('data-testid')), 'live-chart');
    const table = await h.page.getByTestId('live-table').innerText();
    assert.match(table, /Time\s+-wal\s+Frames not checkpointed/);
    assert.ok((table.match(/\d\d:\d\d:\d\d/g) ?? []).length >= 5, table);
    assert.match(table, /yes/, 'the checkpoint is in the table');
  });

  it('is drawn in dark, light and High Contrast (screenshots for docs/)', async () => {
    for (const theme of ['dark', 'light', 'high-contrast'] as Theme[]) {
      const p = await openPanel(theme, { width: 1000, height: 420 });
      try {
        const a = row({ id: '/w/live.db', relPath: 'live.db', journalMode: 'wal', status: 'ok' });
        await p.post(state([a]));
        await p.page.locator('tr[data-id="/w/live.db"]').click();
        await p.post({ type: 'live', live: live(a.id, 75) });
        await p.page.getByTestId('live-view').screenshot({ path: path.join(OUT, `panel-chart-${theme}.png`) });
      } finally {
        await p.close();
      }
    }
  });
});
