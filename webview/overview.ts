import type { DatabaseRow, PanelState } from '../src/shared/protocol';
import { formatBytes } from '../src/sqlite/format';
import { h } from './dom';

/** The grid of every database, with empty, scanning and untrusted states. */
export function renderOverview(state: PanelState, selected: string | undefined, onSelect: (id: string) => void, onScan: () => void): HTMLElement {
  const header = h('header', { class: 'top' },
    h('div', { class: 'title' },
      h('h1', {}, 'SQLite Doctor'),
      h('span', { class: 'summary', 'data-testid': 'summary' }, state.scannedOnce ? state.summary : 'Not scanned yet'),
    ),
    h('div', { class: 'top-actions' },
      state.scanning ? h('vscode-progress-ring', { class: 'ring', 'aria-label': 'Scanning' }) : null,
      h('vscode-button', { appearance: 'secondary', onclick: onScan, disabled: state.scanning }, state.scanning ? 'Scanning…' : 'Scan Workspace'),
    ),
  );
  const notice = state.writesDisabledReason ? h('div', { class: 'notice', role: 'note' }, state.writesDisabledReason) : null;
  if (!state.databases.length) {
    const text = state.scanning ? 'Looking for SQLite databases…' : state.scannedOnce ? 'No SQLite databases in this workspace.' : 'Scan the workspace to find its SQLite databases.';
    return h('section', { class: 'overview' }, header, notice, h('div', { class: 'empty', 'data-testid': 'empty' }, text));
  }
  const multiRoot = new Set(state.databases.map((d) => d.folder)).size > 1;
  const table = h('table', { class: 'grid', 'data-testid': 'grid' },
    h('thead', {}, h('tr', {}, ...['Database', 'Mode', 'Page', 'Size', '-wal', 'Sidecars', 'Warnings'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...state.databases.map((row) => renderRow(row, row.id === selected, multiRoot, onSelect))),
  );
  return h('section', { class: 'overview' }, header, notice, table);
}

function renderRow(row: DatabaseRow, selected: boolean, showFolder: boolean, onSelect: (id: string) => void): HTMLElement {
  const select = () => onSelect(row.id);
  return h('tr', {
    class: `row status-${row.status}${selected ? ' selected' : ''}`,
    tabindex: '0',
    'aria-selected': selected ? 'true' : 'false',
    'data-id': row.id,
    onclick: select,
    onkeydown: (e: Event) => { if ((e as KeyboardEvent).key === 'Enter') select(); },
  },
    h('td', { class: 'path' }, h('span', { class: 'file' }, row.relPath), showFolder ? h('span', { class: 'folder' }, row.folder) : null),
    h('td', {}, modeBadge(row)),
    h('td', { class: 'num' }, row.pageSize ? formatBytes(row.pageSize) : '–'),
    h('td', { class: 'num' }, row.journalMode === 'unknown' ? '–' : formatBytes(row.sizeBytes)),
    h('td', { class: 'num' }, row.walBytes ? formatBytes(row.walBytes) : '–'),
    h('td', {}, row.sidecars.join(' ') || '–'),
    h('td', { class: 'warn' }, row.warnings.length ? `⚠ ${row.warnings[0]}${row.warnings.length > 1 ? ` (+${row.warnings.length - 1})` : ''}` : ''),
  );
}

export function modeBadge(row: Pick<DatabaseRow, 'journalMode' | 'status'>): HTMLElement {
  if (row.status === 'hot-journal') return h('span', { class: 'badge badge-hot' }, 'HOT JOURNAL');
  if (row.journalMode === 'unknown') return h('span', { class: 'badge badge-bad' }, row.status === 'corrupt' ? 'CORRUPT' : 'UNREADABLE');
  return h('span', { class: `badge ${row.journalMode === 'wal' ? 'badge-ok' : 'badge-warn'}` }, row.journalMode.toUpperCase());
}
