import type { DatabaseDetail, DatabaseRow, PanelAction } from '../src/shared/protocol';
import { formatBytes, vacuumSavingSources } from '../src/shared/format';
import { HEADER_PRAGMAS } from '../src/shared/headerPragmas';
import type { InspectReport, SpaceReport } from '../src/shared/reportTypes';
import type { Check } from '../src/shared/checkTypes';
import { ButtonAppearance, Tab, button, progressRing } from './components';
import { h } from './dom';
import { modeBadge } from './overview';

export interface DetailHandlers {
  action(action: PanelAction): void;
  copy(text: string): void;
}

/** One database's detail in parts, so the panel can update each in place (detailView.ts). */
export interface DetailParts {
  head: HTMLElement;
  actions: HTMLElement;
  /** The last operation's result, shown (announced once through the summary, not here). */
  result: HTMLElement | null;
  problems: HTMLElement | null;
  /** Tabs once the report is in, else a loading or error message. */
  body: Tab[] | HTMLElement;
}

/** One database: actions, file-level pragmas, per-connection settings, tables, files. */
export function detailParts(row: DatabaseRow, detail: DatabaseDetail | undefined, writesDisabled: boolean, lastResult: { ok: boolean; message: string } | undefined, on: DetailHandlers): DetailParts {
  const wal = row.journalMode === 'wal';
  const act = (label: string, action: PanelAction, appearance: ButtonAppearance, disabled = false) =>
    button(label, appearance, { disabled, onclick: () => on.action(action), 'data-action': action });
  const actions = h('div', { class: 'actions' },
    row.journalMode === 'delete' ? act('Enable WAL', 'enableWal', 'primary', writesDisabled) : null,
    wal ? act('Checkpoint', 'checkpoint', 'primary', writesDisabled) : null,
    wal ? act('Disable WAL', 'disableWal', 'secondary', writesDisabled) : null,
    act('Refresh', 'refresh', 'secondary'),
    act('Reveal in Explorer', 'reveal', 'secondary'),
  );
  const head = h('div', { class: 'detail-title' },
    h('h2', { tabindex: '-1' }, row.relPath, ' ', modeBadge(row)),
    h('div', { class: 'muted' }, row.description),
  );
  const result = lastResult ? h('div', { class: `result ${lastResult.ok ? 'ok' : 'bad'}`, 'data-testid': 'result' }, lastResult.message) : null;
  const problems = row.warnings.length || detail?.report?.problems.length
    ? h('ul', { class: 'problems' }, ...[...new Set([...(detail?.report?.problems ?? []), ...row.warnings])].map((p) => h('li', {}, p)))
    : null;
  let body: DetailParts['body'];
  if (!detail || detail.loading) body = h('div', { class: 'loading' }, progressRing(), 'Reading the database…');
  else if (detail.error || !detail.report) body = h('div', { class: 'error' }, detail.error ?? 'No details available.');
  else body = tabList(detail, detail.report, writesDisabled, on);
  return { head, actions, result, problems, body };
}

function tabList(detail: DatabaseDetail, r: InspectReport, writesDisabled: boolean, on: DetailHandlers): Tab[] {
  const views: [string, string, HTMLElement][] = [
    ...(detail.checks ? [['checklist', 'Production checklist', checklist(detail, writesDisabled, on)] as [string, string, HTMLElement]] : []),
    ['file', 'File settings', fileSettings(r)],
    ['connection', 'Connection settings', connectionSettings(detail, on)],
    ['tables', `Tables (${r.tables.length})`, tables(r)],
    ...(r.space ? [['space', 'Space', space(r.space)] as [string, string, HTMLElement]] : []),
    ['sidecars', 'WAL & journal', sidecars(r)],
  ];
  if (r.journalMode !== 'wal') views.push(['wal', 'What WAL means', walExplained(detail)]);
  return views.map(([id, label, view]) => ({ id, label, view }));
}

const MARK: Record<Check['status'], string> = { ok: '✓', info: 'i', warn: '!', fail: '✗', unknown: '?' };

/** The action that fixes a checklist line, beside it (disabled, with the reason, when writes are off). */
const FIXES: Partial<Record<Check['id'], (c: Check) => [string, PanelAction][]>> = {
  freelist: (c) => (c.status === 'warn' ? [['VACUUM', 'vacuum']] : []),
  backup: () => [['Back Up…', 'backup'], ['Set Up Litestream…', 'litestream']],
  wal: (c) => (c.status === 'ok' ? [] : [['Enable WAL', 'enableWal']]),
};

function checklist(detail: DatabaseDetail, writesDisabled: boolean, on: DetailHandlers): HTMLElement {
  const apps = detail.appSettings ?? [];
  const fixes = (c: Check) => (FIXES[c.id]?.(c) ?? []).map(([label, action]) =>
    button(label, 'secondary', { disabled: writesDisabled, title: writesDisabled ? 'Writes are off here (see the notice above)' : undefined, onclick: () => on.action(action), 'data-action': `${action}-${c.id}` }));
  return h('div', {},
    h('table', { class: 'kv checklist', 'data-testid': 'checklist' }, h('tbody', {}, ...detail.checks!.map((c) => h('tr', { class: `check check-${c.status}` },
      h('td', { class: 'mark', title: c.status }, MARK[c.status]),
      h('th', { scope: 'row' }, c.title),
      h('td', {}, c.reason, c.fix && c.status !== 'ok' && c.status !== 'info' ? h('div', { class: 'muted fix' }, c.fix) : null,
        ...(fixes(c).length ? [h('div', { class: 'fix-actions' }, ...fixes(c))] : [])),
    )))),
    h('h3', {}, 'App settings for this database'),
    apps.length
      ? h('ul', {}, ...apps.map((a) => h('li', {}, h('strong', {}, a.via ? `${a.via} over ${a.driver}` : a.driver), ` ${a.file}:${a.line} — `,
          // Each setting as the code decides it: set by the app, the driver's default, or computed at run time.
          Object.entries(a.settings).map(([k, s]) => (s.state === 'set' ? `${k}=${s.value} (set, ${s.at})` : s.state === 'default' ? `${k}=${s.value} (default)` : `${k} unknown (${s.expression})`)).join('; '),
          ...a.notes.map((n) => h('div', { class: 'muted' }, n)))))
      : h('p', { class: 'muted' }, 'None found in this workspace folder (Django settings, Rails database.yml, Node better-sqlite3/node:sqlite, Go sql.Open). Per-connection settings are unknown from the file: see Connection settings.'),
  );
}

function kv(rows: [string, string | Node, string?][], cls = 'kv'): HTMLElement {
  return h('table', { class: cls }, h('tbody', {}, ...rows.map(([k, v, note]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v), note !== undefined ? h('td', { class: 'muted' }, note) : null))));
}

function fileSettings(r: InspectReport): HTMLElement {
  const value = (key: (typeof HEADER_PRAGMAS)[number]['key']): string => {
    const v = r[key];
    if (key === 'pageSize') return `${v} bytes`;
    if (key === 'autoVacuum') return `${v} (${['none', 'full', 'incremental'][Number(v)]})`;
    return String(v);
  };
  const integrity = r.integrity === null ? 'not checked' : r.integrity === 'ok' ? 'ok' : r.integrity.join('; ');
  return kv([
    ...HEADER_PRAGMAS.map((p): [string, string, string] => [p.pragma, value(p.key), p.meaning]),
    ['integrity', integrity, r.integrityMode === 'full' ? 'PRAGMA integrity_check' : 'PRAGMA quick_check'],
    ['contents read from', r.deep.ran ? r.deep.layers.join(' + ') : `not read: ${r.deep.skipped ?? ''}`, 'What a fresh SQLite connection sees now.'],
  ]);
}

function connectionSettings(detail: DatabaseDetail, on: DetailHandlers): HTMLElement {
  const r = detail.report!;
  return h('div', {},
    h('p', { class: 'muted' }, `These are ${r.connectionPragmas.note}`),
    h('table', { class: 'kv' },
      h('thead', {}, h('tr', {}, h('th', {}, 'PRAGMA'), h('th', {}, 'Recommended'), h('th', {}, 'SQLite default'), h('th', {}, 'Why'))),
      h('tbody', {}, ...r.connectionPragmas.pragmas.map((p) => h('tr', {}, h('th', { scope: 'row' }, p.name), h('td', {}, p.recommended), h('td', { class: 'muted' }, p.sqliteDefault), h('td', { class: 'muted' }, p.why)))),
    ),
    h('h3', {}, 'Set them in your app'),
    ...detail.snippets.map((s) => h('div', { class: 'snippet' },
      h('div', { class: 'snippet-head' }, h('strong', {}, s.stack), h('span', { class: 'muted' }, ` — ${s.where}`),
        button(h('span', { class: 'codicon-text' }, 'Copy'), 'icon', { 'aria-label': `Copy the ${s.stack} snippet`, title: 'Copy', onclick: () => on.copy(s.code) })),
      // Focusable so a keyboard can scroll a long line (a region named after its stack).
      h('pre', { tabindex: '0', role: 'region', 'aria-label': `${s.stack} snippet` }, h('code', {}, s.code)),
    )),
  );
}

function tables(r: InspectReport): HTMLElement {
  if (!r.deep.ran && !r.space) return h('p', { class: 'muted' }, `Tables were not read: ${r.deep.skipped ?? ''}`);
  if (!r.tables.length) return h('p', { class: 'muted' }, 'No tables.');
  return h('div', {},
    h('table', { class: 'kv', 'data-testid': 'tables' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Table'), h('th', { class: 'num' }, 'Rows'))),
      h('tbody', {}, ...r.tables.map((t) => h('tr', {}, h('td', {}, t.name), h('td', { class: 'num' }, t.rows === null ? `? ${t.error ?? ''}` : t.rows.toLocaleString('en-US'))))),
    ),
    h('p', { class: 'muted' }, [r.views.length && `${r.views.length} view(s)`, r.indexes.length && `${r.indexes.length} index(es)`, r.triggers.length && `${r.triggers.length} trigger(s)`].filter(Boolean).join(' · ')),
  );
}

const PALETTE = ['blue', 'green', 'purple', 'orange', 'yellow', 'red'];

/**
 * Where the bytes are: one bar, a segment per table with its indexes beside
 * it (lighter), free pages as their own hatched block; hover for details.
 */
function space(s: SpaceReport): HTMLElement {
  const total = Math.max(1, s.pageCount);
  const pct = (pages: number) => `${((100 * pages) / total).toFixed(pages / total < 0.01 ? 2 : 1)}%`;
  const byTable = new Map<string, SpaceReport['objects']>();
  for (const o of s.objects) byTable.set(o.table, [...(byTable.get(o.table) ?? []), o]);
  const groups = [...byTable.entries()].map(([table, objs]) => ({ table, objs: objs.sort((a, b) => (a.type === 'table' ? -1 : b.type === 'table' ? 1 : b.pages - a.pages)), pages: objs.reduce((n, o) => n + o.pages, 0) }))
    .sort((a, b) => b.pages - a.pages);
  const segment = (o: SpaceReport['objects'][number], color: string) => h('div', {
    class: `seg ${o.type === 'index' ? 'seg-index' : ''}`,
    style: `flex-grow: ${o.pages}; --seg-color: var(--vscode-charts-${color})`,
    title: `${o.name} (${o.type}${o.type === 'index' ? ` on ${o.table}` : ''}): ${formatBytes(o.pages * s.pageSize)}, ${pct(o.pages)} — ${o.pages} pages (${o.overflowPages} overflow), ${o.entries.toLocaleString('en-US')} ${o.type === 'table' ? 'rows' : 'entries'}, ${formatBytes(o.unusedBytes)} unused, depth ${o.depth}`,
    'data-name': o.name,
  });
  const bar = h('div', { class: 'space-bar', role: 'img', 'aria-label': `Space: ${groups.map((g) => `${g.table} ${pct(g.pages)}`).join(', ')}${s.freePages ? `, free pages ${pct(s.freePages)}` : ''}` },
    ...groups.flatMap((g, i) => g.objs.map((o) => segment(o, PALETTE[i % PALETTE.length]!))),
    s.freePages ? h('div', { class: 'seg seg-free', style: `flex-grow: ${s.freePages}`, title: `free pages: ${formatBytes(s.freePages * s.pageSize)}, ${pct(s.freePages)} — VACUUM would give them back`, 'data-name': 'free' }) : null,
  );
  return h('div', { 'data-testid': 'space' },
    h('p', {}, `${formatBytes(s.pageCount * s.pageSize)} in ${s.pageCount.toLocaleString('en-US')} pages. `, h('strong', {}, `VACUUM would free ≈ ${formatBytes(s.vacuumWouldFree)}`), ` (${vacuumSavingSources(s.freePages, s.repackPages)}).`),
    bar,
    h('table', { class: 'kv space-legend' },
      h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'Table / index'), h('th', { class: 'num' }, 'Size'), h('th', { class: 'num' }, 'Share'), h('th', { class: 'num' }, 'Rows / entries'), h('th', { class: 'num' }, 'Unused'))),
      h('tbody', {}, ...groups.flatMap((g, i) => g.objs.map((o) => h('tr', {},
        h('td', {}, h('span', { class: `swatch ${o.type === 'index' ? 'seg-index' : ''}`, style: `--seg-color: var(--vscode-charts-${PALETTE[i % PALETTE.length]!})` })),
        h('td', {}, o.type === 'index' ? `  ↳ ${o.name}` : o.name),
        h('td', { class: 'num' }, formatBytes(o.pages * s.pageSize)), h('td', { class: 'num' }, pct(o.pages)),
        h('td', { class: 'num' }, o.entries.toLocaleString('en-US')), h('td', { class: 'num' }, formatBytes(o.unusedBytes)),
      ))),
      s.freePages ? h('tr', {}, h('td', {}, h('span', { class: 'swatch seg-free' })), h('td', {}, 'free pages'), h('td', { class: 'num' }, formatBytes(s.freePages * s.pageSize)), h('td', { class: 'num' }, pct(s.freePages)), h('td', {}, ''), h('td', {}, '')) : null),
    ),
    s.problems.length ? h('ul', { class: 'problems' }, ...s.problems.map((p) => h('li', {}, p))) : null,
  );
}

function sidecars(r: InspectReport): HTMLElement {
  const files: [string, string, string?][] = (['wal', 'shm', 'journal'] as const).map((k) => [`-${k}`, r.sidecars[k] ? formatBytes(r.sidecars[k]!.bytes) : 'absent']);
  const rows: [string, string, string?][] = [...files];
  if (r.wal) {
    const w = r.wal;
    rows.push(['WAL frames', w.invalidReason ? `unusable: ${w.invalidReason}` : `${w.committedFrames} committed, ${w.uncommittedFrames} uncommitted`, `${w.pagesChanged} page(s) changed`]);
    rows.push(['not checkpointed', formatBytes(w.uncheckpointedBytes), 'copied into the database by the next checkpoint']);
  }
  if (r.journal) rows.push(['rollback journal', r.journal.status, r.journal.explanation]);
  if (r.locks && r.locks.pids.length) rows.push(['in use by', `pid ${r.locks.pids.join(', ')}`, `${r.locks.level} lock`]);
  return kv(rows);
}

function walExplained(detail: DatabaseDetail): HTMLElement {
  return h('ul', { class: 'explain' }, ...detail.walExplained.map((w) => h('li', {}, h('strong', {}, w.point), ' ', w.detail)));
}
