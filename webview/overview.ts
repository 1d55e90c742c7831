import type { DatabaseRow, PanelState } from '../src/shared/protocol';
import { formatBytes } from '../src/sqlite/format';
import { h } from './dom';

/**
 * The grid of every database, with empty, scanning and untrusted states.
 * Built once and updated in place, keyed by database id: a row whose data
 * did not change is not touched, a changed row keeps its <tr> (so keyboard
 * focus and the scroll position survive an app writing 20 times a second),
 * and a screen reader hears the summary through an aria-live region, not a
 * re-read page.
 */
export class OverviewView {
  readonly element: HTMLElement;
  private readonly summary = h('span', { class: 'summary', 'data-testid': 'summary' });
  private readonly live = h('div', { class: 'sr-only', 'aria-live': 'polite', 'data-testid': 'live' });
  private readonly ring = h('vscode-progress-ring', { class: 'ring', 'aria-label': 'Scanning' });
  private readonly scanButton: HTMLElement;
  private readonly notice = h('div', { class: 'notice', role: 'note' });
  private readonly empty = h('div', { class: 'empty', 'data-testid': 'empty' });
  private readonly tbody = h('tbody', {});
  private readonly table = h('table', { class: 'grid', 'data-testid': 'grid' },
    h('thead', {}, h('tr', {}, ...['Database', 'Mode', 'Page', 'Size', '-wal', 'Sidecars', 'Warnings'].map((c) => h('th', { scope: 'col' }, c)))),
    this.tbody,
  );
  private readonly rows = new Map<string, { tr: HTMLElement; signature: string }>();

  constructor(private readonly onSelect: (id: string) => void, onScan: () => void) {
    this.scanButton = h('vscode-button', { appearance: 'secondary', onclick: onScan });
    this.element = h('section', { class: 'overview' },
      h('header', { class: 'top' },
        h('div', { class: 'title' }, h('h1', {}, 'SQLite Doctor'), this.summary),
        h('div', { class: 'top-actions' }, this.ring, this.scanButton),
      ),
      this.live, this.notice, this.empty, this.table,
    );
  }

  update(state: PanelState, selected: string | undefined): void {
    setText(this.summary, state.scannedOnce ? state.summary : 'Not scanned yet');
    setText(this.live, state.scanning ? 'Scanning for databases' : state.scannedOnce ? state.summary : '');
    this.ring.hidden = !state.scanning;
    setText(this.scanButton, state.scanning ? 'Scanning…' : 'Scan Workspace');
    this.scanButton.toggleAttribute('disabled', state.scanning);
    setText(this.notice, state.writesDisabledReason ?? '');
    this.notice.hidden = !state.writesDisabledReason;
    this.empty.hidden = state.databases.length > 0;
    this.table.hidden = state.databases.length === 0;
    setText(this.empty, state.scanning ? 'Looking for SQLite databases…' : state.scannedOnce ? 'No SQLite databases in this workspace.' : 'Scan the workspace to find its SQLite databases.');
    this.updateRows(state.databases, selected, new Set(state.databases.map((d) => d.folder)).size > 1);
  }

  private updateRows(databases: DatabaseRow[], selected: string | undefined, multiRoot: boolean): void {
    const wanted = new Set(databases.map((d) => d.id));
    for (const [id, { tr }] of this.rows) {
      if (!wanted.has(id)) { tr.remove(); this.rows.delete(id); }
    }
    let cursor: Element | null = this.tbody.firstElementChild;
    for (const row of databases) {
      const signature = JSON.stringify([row, row.id === selected, multiRoot]);
      let entry = this.rows.get(row.id);
      if (!entry) {
        entry = { tr: this.newRow(row.id), signature: '' };
        this.rows.set(row.id, entry);
      }
      if (entry.signature !== signature) {
        fillRow(entry.tr, row, row.id === selected, multiRoot);
        entry.signature = signature;
      }
      // Move only what is out of place: moving a focused row would blur it.
      if (entry.tr === cursor) cursor = cursor.nextElementSibling;
      else this.tbody.insertBefore(entry.tr, cursor);
    }
  }

  private newRow(id: string): HTMLElement {
    const select = () => this.onSelect(id);
    return h('tr', { tabindex: '0', 'data-id': id, onclick: select, onkeydown: (e: Event) => { if ((e as KeyboardEvent).key === 'Enter') select(); } });
  }
}

function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

function fillRow(tr: HTMLElement, row: DatabaseRow, selected: boolean, showFolder: boolean): void {
  tr.className = `row status-${row.status}${selected ? ' selected' : ''}`;
  tr.setAttribute('aria-selected', selected ? 'true' : 'false');
  tr.replaceChildren(
    h('td', { class: 'path' }, h('span', { class: 'file' }, row.relPath), showFolder ? h('span', { class: 'folder' }, row.folder) : null),
    h('td', {}, modeBadge(row)),
    h('td', { class: 'num' }, row.pageSize ? formatBytes(row.pageSize) : '–'),
    h('td', { class: 'num', 'data-col': 'size' }, row.journalMode === 'unknown' ? '–' : formatBytes(row.sizeBytes)),
    h('td', { class: 'num', 'data-col': 'wal' }, row.walBytes ? formatBytes(row.walBytes) : '–'),
    h('td', {}, row.sidecars.join(' ') || '–'),
    h('td', { class: 'warn' }, row.warnings.length ? `⚠ ${row.warnings[0]}${row.warnings.length > 1 ? ` (+${row.warnings.length - 1})` : ''}` : ''),
  );
}

export function modeBadge(row: Pick<DatabaseRow, 'journalMode' | 'status'>): HTMLElement {
  if (row.status === 'hot-journal') return h('span', { class: 'badge badge-hot' }, 'HOT JOURNAL');
  if (row.journalMode === 'unknown') return h('span', { class: 'badge badge-bad' }, row.status === 'corrupt' ? 'CORRUPT' : 'UNREADABLE');
  return h('span', { class: `badge ${row.journalMode === 'wal' ? 'badge-ok' : 'badge-warn'}` }, row.journalMode.toUpperCase());
}
