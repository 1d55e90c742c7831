// Renders the status panel from a real demo workspace into PNGs (light,
// dark, and the Space tab in all three themes incl. high contrast) so a
// person can look at it: npx tsx scripts/panel-preview.ts OUT_DIR [DB]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { adviseDatabase } from '../src/advice/checks';
import { connectionSnippets } from '../src/advice/snippets';
import { inspectDatabase } from '../src/sqlite/content/inspect';
import { WAL_EXPLAINED } from '../src/advice/knowledge/walExplained';
import { DatabaseModel } from '../src/ui/services/model';
import { summarize } from '../src/ui/services/viewModel';
import { openPanel } from '../test/helpers/panelHarness';

async function main(): Promise<void> {
  const out = process.argv[2] ?? 'test-output';
  const select = process.argv[3] ?? 'wal-pending.db';
  mkdirSync(out, { recursive: true });
  const ws = mkdtempSync(path.join(tmpdir(), 'demo-'));
  execFileSync('python3', ['test/fixtures/make_fixtures.py', ws], { stdio: 'ignore' });
  const model = new DatabaseModel();
  await model.scan([{ folder: 'demo', path: ws }], {});
  const rows = model.rows();
  const id = path.join(ws, select);
  const report = await inspectDatabase(id);
  const checks = adviseDatabase({ state: report, integrity: report.integrity, filesystem: { kind: 'local' }, findings: { connections: [], backups: [] } });
  for (const theme of ['dark', 'light', 'high-contrast'] as const) {
    const h = await openPanel(theme, { width: 1280, height: 1500 });
    await h.post({ type: 'state', state: { databases: rows, scanning: false, scannedOnce: true, summary: summarize(rows) } });
    await h.post({ type: 'select', id });
    await h.post({ type: 'detail', detail: { id, loading: false, report, walExplained: [...WAL_EXPLAINED], snippets: connectionSnippets(select), checks, appSettings: [] } });
    await h.page.waitForTimeout(300);
    if (theme !== 'high-contrast') await h.page.screenshot({ path: path.join(out, `panel-${theme}.png`), fullPage: true });
    await h.page.locator('vscode-panel-tab#tab-space').click();
    await h.page.waitForTimeout(200);
    await h.page.setViewportSize({ width: 1000, height: 1500 });
    await h.page.getByTestId('detail').screenshot({ path: path.join(out, `panel-space-${theme}.png`) });
    await h.close();
  }
  console.log(`wrote ${out}/panel-{dark,light}.png and ${out}/panel-space-{dark,light,high-contrast}.png`);
}
void main();
