import type { DatabaseDetail, HostMessage, LiveView, PanelState } from '../src/shared/protocol';
import { progressRing } from './components';
import { detailParts } from './detail';
import { DetailView, keepFocus } from './detailView';
import { h } from './dom';
import { LiveChartView } from './liveView';
import { OverviewView } from './overview';
import { loadUiState, saveUiState, send } from './vscodeApi';

/**
 * The status panel. State arrives from the host (`state`, `detail`); the
 * selection and tab live in getState/setState so they survive hiding and
 * reloads without retainContextWhenHidden. The grid and the detail are
 * updated in place (overview.ts, detailView.ts), keeping focus and scroll
 * where the person left them.
 */
const root = document.getElementById('app')!;
let state: PanelState | undefined;
const details = new Map<string, DatabaseDetail>();
const results = new Map<string, { ok: boolean; message: string }>();
/** Databases whose files changed since their detail was made. */
const writing = new Set<string>();
let ui = loadUiState();

const overview = new OverviewView(select, () => send({ type: 'scan' }));
const detailSlot = h('div', { class: 'detail-slot' });
const liveView = new LiveChartView();
let detailView: DetailView | undefined;
let live: LiveView | undefined;

function select(id: string): void {
  if (ui.selected === id) return;
  ui = { ...ui, selected: id };
  saveUiState(ui);
  send({ type: 'select', id });
  render();
}

function chooseTab(tab: string): void {
  ui = { ...ui, tab };
  saveUiState(ui);
}

function render(): void {
  if (!state) {
    root.replaceChildren(h('div', { class: 'loading' }, progressRing(), 'Loading…'));
    return;
  }
  if (!root.contains(overview.element)) root.replaceChildren(overview.element, detailSlot);
  overview.update(state, ui.selected);
  renderDetail(state);
  liveView.update(live && live.id === ui.selected ? live : undefined);
}

function renderDetail(s: PanelState): void {
  const row = s.databases.find((d) => d.id === ui.selected);
  if (!row) {
    detailView = undefined;
    keepFocus(detailSlot, () => detailSlot.replaceChildren(...(s.databases.length ? [h('p', { class: 'muted hint' }, 'Select a database to see its details.')] : [])));
    return;
  }
  const fresh = detailView?.id === row.id ? undefined : new DetailView(row.id, () => ui.tab, chooseTab);
  const view = fresh ?? detailView!;
  const detail = details.get(row.id);
  const parts = detailParts(row, detail, !!s.writesDisabledReason, results.get(row.id), {
    action: (action) => send({ type: 'action', action, id: row.id }),
    copy: (text) => send({ type: 'copy', text }),
  });
  // Deep details are remade when the writes pause: say how old they are meanwhile.
  if (detail?.asOf && writing.has(row.id)) {
    parts.head.append(h('p', { class: 'muted as-of', 'data-testid': 'as-of' }, `tables as of ${new Date(detail.asOf).toTimeString().slice(0, 8)} — the app is writing`));
  }
  view.update(parts);
  if (fresh) {
    fresh.liveAnchor.append(liveView.element);
    keepFocus(detailSlot, () => detailSlot.replaceChildren(fresh.element));
    detailView = fresh;
  }
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
    case 'writing':
      if (msg.writing) writing.add(msg.id);
      else writing.delete(msg.id);
      break;
    case 'detail':
      details.set(msg.detail.id, msg.detail);
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
      overview.announce(msg.message);
      break;
  }
  render();
});

render();
// The one handshake: the host answers with the state and the restored selection's detail.
send({ type: 'ready', ...(ui.selected && { selected: ui.selected }) });
