import type { DatabaseRow, PanelState } from '../src/shared/protocol';
import { formatBytes } from '../src/shared/format';
import { button, progressRing } from './components';
import { h } from './dom';
import { gridCommand, tabStop } from './gridKeys';

/**
 * The grid of every database, with empty, scanning and untrusted states.
 * Built once and updated in place, keyed by database id: a row whose data
 * did not change is not touched, a changed row keeps its <tr> (so keyboard
 * focus and the scroll position survive an app writing 20 times a second).
 * The summary is the panel's one live region: a screen reader hears it and
 * operation results, not every row that changed.
 *
 * Keyboard (WAI-ARIA grid, row by row): the grid is one tab stop; arrows,
 * Home and End move the selection (aria-selected); Enter or Space opens the
 * selected database's detail, which the next Tab reaches.
 */
export class OverviewView {
  readonly element: HTMLElement;
  private readonly summaryText = h('span', {});
  private readonly announcement = h('span', { class: 'sr-only', 'data-testid': 'announcement' });
  private readonly summary = h('span', { class: 'summary', role: 'status', 'data-testid': 'summary' }, this.summaryText, this.announcement);
  private readonly ring = progressRing({ class: 'ring' });
  private readonly scanButton: HTMLElement;
  private readonly notice = h('div', { class: 'notice', role: 'note' });
  private readonly empty = h('div', { class: 'empty', 'data-testid': 'empty' });
  private readonly tbody = h('tbody', {});
  private readonly table = h('table', { class: 'grid', role: 'grid', 'aria-label': 'Databases', 'aria-readonly': 'true', 'data-testid': 'grid' },
    h('thead', {}, h('tr', {}, ...['Database', 'Mode', 'Page', 'Size', '-wal', 'Sidecars', 'Warnings'].map((c) => h('th', { scope: 'col' }, c)))),
    this.tbody,
  );
  private readonly rows = new Map<string, { tr: HTMLElement; signature: string }>();
  /** The keyboard's selection; the opened database (whose detail shows) is the host's. */
  private cursor: string | undefined;
  private opened: string | undefined;

  constructor(private readonly onSelect: (id: string) => void, onScan: () => void) {
    this.scanButton = button('Scan Workspace', 'secondary', { onclick: onScan });
    this.table.addEventListener('keydown', (e) => this.key(e));
    // Tab into a grid with nothing selected yet: the focused row becomes the selection.
    this.table.addEventListener('focusin', (e) => {
      const id = (e.target as HTMLElement).dataset?.id;
      if (this.cursor === undefined && id) { this.cursor = id; this.markSelection(); }
    });
    this.element = h('section', { class: 'overview' },
      h('header', { class: 'top' },
        h('div', { class: 'title' }, h('h1', {}, 'SQLite Doctor'), this.summary),
        h('div', { class: 'top-actions' }, this.ring, this.scanButton),
      ),
      this.notice, this.empty, this.table,
    );
  }

  update(state: PanelState, opened: string | undefined): void {
    setText(this.summaryText, state.scanning ? 'Scanning for databases…' : state.scannedOnce ? state.summary : 'Not scanned yet');
    this.ring.hidden = !state.scanning;
    setText(this.scanButton, state.scanning ? 'Scanning…' : 'Scan Workspace');
    this.scanButton.toggleAttribute('disabled', state.scanning);
    setText(this.notice, state.writesDisabledReason ?? '');
    this.notice.hidden = !state.writesDisabledReason;
    this.empty.hidden = state.databases.length > 0;
    this.table.hidden = state.databases.length === 0;
    setText(this.empty, state.scanning ? 'Looking for SQLite databases…' : state.scannedOnce ? 'No SQLite databases in this workspace.' : 'Scan the workspace to find its SQLite databases.');
    if (opened !== this.opened) this.cursor = opened;
    this.opened = opened;
    if (this.cursor !== undefined && !state.databases.some((d) => d.id === this.cursor)) this.cursor = undefined;
    this.updateRows(state.databases, new Set(state.databases.map((d) => d.folder)).size > 1);
  }

  /** Says `text` once through the live region (an operation's result), beside the summary. */
  announce(text: string): void {
    this.announcement.textContent = '';
    // A new text node in the next frame: the same message twice is heard twice.
    requestAnimationFrame(() => { this.announcement.textContent = ` ${text}`; });
  }

  private ids(): string[] {
    return [...this.tbody.children].map((tr) => (tr as HTMLElement).dataset.id!);
  }

  private key(e: KeyboardEvent): void {
    const ids = this.ids();
    const command = gridCommand(e.key, this.cursor === undefined ? -1 : ids.indexOf(this.cursor), ids.length);
    if (!command) return;
    e.preventDefault();
    if ('open' in command) {
      if (this.cursor) this.onSelect(this.cursor);
      return;
    }
    this.cursor = ids[command.move];
    this.markSelection();
    const tr = this.cursor ? this.rows.get(this.cursor)?.tr : undefined;
    tr?.focus();
    tr?.scrollIntoView({ block: 'nearest' });
  }

  private updateRows(databases: DatabaseRow[], multiRoot: boolean): void {
    const wanted = new Set(databases.map((d) => d.id));
    const hadFocus = this.table.contains(document.activeElement);
    for (const [id, { tr }] of this.rows) {
      if (!wanted.has(id)) { tr.remove(); this.rows.delete(id); }
    }
    let cursor: Element | null = this.tbody.firstElementChild;
    for (const row of databases) {
      const signature = JSON.stringify([row, multiRoot]);
      let entry = this.rows.get(row.id);
      if (!entry) {
        entry = { tr: this.newRow(row.id), signature: '' };
        this.rows.set(row.id, entry);
      }
      if (entry.signature !== signature) {
        fillRow(entry.tr, row, multiRoot);
        entry.signature = signature;
      }
      // Move only what is out of place: moving a focused row would blur it.
      if (entry.tr === cursor) cursor = cursor.nextElementSibling;
      else this.tbody.insertBefore(entry.tr, cursor);
    }
    this.markSelection();
    // The focused row went away (its database was deleted): focus stays in the grid.
    if (hadFocus && !this.table.contains(document.activeElement)) this.tabStopRow()?.focus();
  }

  /** aria-selected, the open row and the one tab stop; set only where they changed. */
  private markSelection(): void {
    const stop = tabStop(this.ids(), this.cursor);
    for (const [id, { tr }] of this.rows) {
      setAttr(tr, 'aria-selected', id === this.cursor ? 'true' : 'false');
      setAttr(tr, 'tabindex', id === stop ? '0' : '-1');
      setAttr(tr, 'aria-current', id === this.opened ? 'true' : null);
      tr.classList.toggle('selected', id === this.cursor);
      tr.classList.toggle('open', id === this.opened);
    }
  }

  private tabStopRow(): HTMLElement | undefined {
    const stop = tabStop(this.ids(), this.cursor);
    return stop === undefined ? undefined : this.rows.get(stop)?.tr;
  }

  private newRow(id: string): HTMLElement {
    return h('tr', { tabindex: '-1', 'data-id': id, onclick: () => { this.cursor = id; this.markSelection(); this.onSelect(id); } });
  }
}

function setAttr(el: HTMLElement, name: string, value: string | null): void {
  if (value === null) el.removeAttribute(name);
  else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

function fillRow(tr: HTMLElement, row: DatabaseRow, showFolder: boolean): void {
  for (const c of [...tr.classList]) if (c.startsWith('status-')) tr.classList.remove(c);
  tr.classList.add('row', `status-${row.status}`);
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
