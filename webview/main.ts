import {
  provideVSCodeDesignSystem, vsCodeBadge, vsCodeButton, vsCodePanels, vsCodePanelTab, vsCodePanelView, vsCodeProgressRing,
} from '@vscode/webview-ui-toolkit';
import type { DatabaseDetail, HostMessage, PanelState } from '../src/shared/protocol';
import { renderDetail } from './detail';
import { h } from './dom';
import { renderOverview } from './overview';
import { loadUiState, saveUiState, send } from './vscodeApi';

/**
 * The status panel. State arrives from the host (`state`, `detail`); the
 * selection and tab live in getState/setState so they survive hiding and
 * reloads without retainContextWhenHidden.
 */
provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeBadge(), vsCodePanels(), vsCodePanelTab(), vsCodePanelView(), vsCodeProgressRing());

const root = document.getElementById('app')!;
let state: PanelState | undefined;
const details = new Map<string, DatabaseDetail>();
const results = new Map<string, { ok: boolean; message: string }>();
let ui = loadUiState();

function select(id: string): void {
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
  const row = state.databases.find((d) => d.id === ui.selected);
  const overview = renderOverview(state, ui.selected, select, () => send({ type: 'scan' }));
  const detail = row
    ? renderDetail(row, details.get(row.id), !!state.writesDisabledReason, results.get(row.id), ui.tab, {
        action: (action) => send({ type: 'action', action, id: row.id }),
        copy: (text) => send({ type: 'copy', text }),
        tab: (tab) => { ui = { ...ui, tab }; saveUiState(ui); },
      })
    : state.databases.length ? h('p', { class: 'muted hint' }, 'Select a database to see its details.') : null;
  root.replaceChildren(overview, ...(detail ? [detail] : []));
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'state':
      state = msg.state;
      break;
    case 'detail':
      details.set(msg.detail.id, msg.detail);
      break;
    case 'select':
      ui = { ...ui, selected: msg.id };
      saveUiState(ui);
      break;
    case 'operationResult':
      results.set(msg.id, { ok: msg.ok, message: msg.message });
      break;
  }
  render();
});

render();
if (ui.selected) send({ type: 'select', id: ui.selected });
send({ type: 'ready' });
