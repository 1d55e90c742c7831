import {
  provideVSCodeDesignSystem, vsCodeBadge, vsCodeButton, vsCodePanels, vsCodePanelTab, vsCodePanelView, vsCodeProgressRing,
} from '@vscode/webview-ui-toolkit';
import type { DatabaseDetail, HostMessage, LiveView, PanelState } from '../src/shared/protocol';
import { renderDetail } from './detail';
import { h } from './dom';
import { renderLive } from './liveView';
import { OverviewView } from './overview';
import { loadUiState, saveUiState, send } from './vscodeApi';

/**
 * The status panel. State arrives from the host (`state`, `detail`); the
 * selection and tab live in getState/setState so they survive hiding and
 * reloads without retainContextWhenHidden. The grid is updated in place;
 * the detail is rebuilt only when what it shows changed, keeping focus and
 * scroll where the person left them.
 */
provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeBadge(), vsCodePanels(), vsCodePanelTab(), vsCodePanelView(), vsCodeProgressRing());

const root = document.getElementById('app')!;
let state: PanelState | undefined;
const details = new Map<string, DatabaseDetail>();
const results = new Map<string, { ok: boolean; message: string }>();
/** Databases whose files changed since their detail was made. */
const writing = new Set<string>();
let ui = loadUiState();

const overview = new OverviewView(select, () => send({ type: 'scan' }));
const detailSlot = h('div', { class: 'detail-slot' });
const liveSlot = h('div', { class: 'live-slot' });
let detailKey = '';
let live: LiveView | undefined;
let liveShown: LiveView | undefined;

function select(id: string): void {
  if (ui.selected === id) return;
  ui = { ...ui, selected: id };
  saveUiState(ui);
  send({ type: 'select', id });
  render();
}

function render(): void {
  if (!state) {
    root.replaceChildren(h('div', { class: 'loading' }, h('vscode-progress-ring', {}), 'Loading…'));
    return;
  }
  if (!root.contains(overview.element)) root.replaceChildren(overview.element, detailSlot);
  overview.update(state, ui.selected);
  renderDetailIfChanged(state);
  const current = live && live.id === ui.selected ? live : undefined;
  if (current !== liveShown) {
    liveShown = current;
    const shown = renderLive(current);
    liveSlot.replaceChildren(...(shown ? [shown] : []));
  }
}

function renderDetailIfChanged(s: PanelState): void {
  const row = s.databases.find((d) => d.id === ui.selected);
  const detail = row && details.get(row.id);
  const result = row && results.get(row.id);
  const key = JSON.stringify([row, detail, result, !!s.writesDisabledReason, s.databases.length > 0, row && writing.has(row.id)]);
  if (key === detailKey) return;
  detailKey = key;
  const content = row
    ? renderDetail(row, detail, !!s.writesDisabledReason, result, ui.tab, {
        action: (action) => send({ type: 'action', action, id: row.id }),
        copy: (text) => send({ type: 'copy', text }),
        tab: (tab) => { ui = { ...ui, tab }; saveUiState(ui); },
      })
    : s.databases.length ? h('p', { class: 'muted hint' }, 'Select a database to see its details.') : null;
  // Deep details are remade when the writes pause: say how old they are meanwhile.
  if (row && content && detail?.asOf && writing.has(row.id)) {
    content.querySelector('.live-anchor')?.before(h('p', { class: 'muted as-of', 'data-testid': 'as-of' }, `tables as of ${new Date(detail.asOf).toTimeString().slice(0, 8)} — the app is writing`));
  }
  keepFocusAndScroll(() => {
    detailSlot.replaceChildren(...(content ? [content] : []));
    content?.querySelector('.live-anchor')?.append(liveSlot);
  });
}

/** Rebuilding the detail must not move the page or drop the focus of a control inside it. */
function keepFocusAndScroll(rebuild: () => void): void {
  const { scrollX, scrollY } = window;
  const active = document.activeElement instanceof HTMLElement && detailSlot.contains(document.activeElement) ? focusKey(document.activeElement) : undefined;
  rebuild();
  if (active) detailSlot.querySelector<HTMLElement>(active)?.focus();
  window.scrollTo(scrollX, scrollY);
}

function focusKey(el: HTMLElement): string | undefined {
  for (const attr of ['data-action', 'id', 'aria-label']) {
    const v = el.getAttribute(attr);
    if (v) return `[${attr}="${CSS.escape(v)}"]`;
  }
  return undefined;
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'state':
      state = msg.state;
      break;
    case 'rows': {
      const changed = new Map(msg.rows.map((r) => [r.id, r]));
      if (state) state = { ...state, summary: msg.summary, databases: state.databases.map((d) => changed.get(d.id) ?? d) };
      break;
    }
    case 'detail':
      details.set(msg.detail.id, msg.detail);
      break;
    case 'writing':
      if (msg.writing) writing.add(msg.id);
      else writing.delete(msg.id);
      break;
    case 'select':
      ui = { ...ui, selected: msg.id };
      saveUiState(ui);
      break;
    case 'live':
      live = msg.live;
      break;
    case 'operationResult':
      results.set(msg.id, { ok: msg.ok, message: msg.message });
      break;
  }
  render();
});

render();
// The one handshake: the host answers with the state and the restored selection's detail.
send({ type: 'ready', ...(ui.selected && { selected: ui.selected }) });
