import { statSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import * as path from 'node:path';
import type { DatabaseRow } from '../src/shared/protocol';
import { openPanel } from '../test/helpers/panelHarness';

// The function given to page.evaluate runs in the page; these are the DOM bits it touches.
declare const window: { postMessage(m: unknown, o: string): void };
declare const document: { querySelectorAll(s: string): { length: number } };
declare function requestAnimationFrame(cb: () => void): void;

/**
 * Time from the host's `state` message to the panel's rendered grid, in
 * headless Chromium on the built webview bundle, and the cost of loading the
 * extension bundle (what activation pays before any command runs).
 */
export async function benchPanel(say: (s: string) => void, rows: number): Promise<void> {
  const databases: DatabaseRow[] = Array.from({ length: rows }, (_, i) => ({
    id: `/w/db${i}.db`, folder: 'w', relPath: `apps/app${i}/db${i}.sqlite3`, fileName: `db${i}.sqlite3`, status: i % 3 ? 'ok' : 'not-wal',
    journalMode: i % 3 ? 'wal' : 'delete', pageSize: 4096, sizeBytes: 1e6 + i, walBytes: i % 3 ? 4e5 : 0, uncheckpointedWalBytes: 0,
    sidecars: i % 3 ? ['-wal', '-shm'] : [], warnings: [], description: '',
  }));
  const h = await openPanel('dark');
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    times.push(await h.page.evaluate(async (state) => {
      const t0 = performance.now();
      window.postMessage({ type: 'state', state }, '*');
      while (document.querySelectorAll('[data-testid=grid] tbody tr').length !== state.databases.length) await new Promise((r) => setTimeout(r, 1));
      await new Promise<void>((r) => requestAnimationFrame(() => r()));
      return performance.now() - t0;
    }, { databases: databases.map((d) => ({ ...d, id: `${d.id}#${i}` })), scanning: false, scannedOnce: true, summary: `${rows} databases` }));
  }
  await h.close();
  times.sort((a, b) => a - b);
  const bundle = path.resolve('dist/extension.js');
  const t0 = process.hrtime.bigint();
  // The bundle's only external is `vscode`; stub it to time the module load alone.
  const loader = Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown };
  const load = loader._load;
  loader._load = (req: string, ...rest: unknown[]) => (req === 'vscode' ? {} : load(req, ...rest));
  createRequire(__filename)(bundle);
  loader._load = load;
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  say(`| status panel, ${rows} databases | state message → grid painted (Chromium, median of 5) | ${times[2]!.toFixed(1)} ms | — |`);
  say(`| extension activation | load dist/extension.js (${(statSync(bundle).size / 1024).toFixed(0)} KiB; sql.js is not in it: deep inspection runs in a child process) | ${loadMs.toFixed(1)} ms | — |`);
}
