import * as vscode from 'vscode';
import type { DatabaseModel } from './services/model';
import { statusBarText, summarize } from './services/viewModel';

/** "SQLite: 3 DBs · 1 not WAL", click opens the panel; hidden when there is nothing to say. */
export function createStatusBar(model: DatabaseModel): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('sqliteDoctor.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'SQLite Doctor';
  item.command = 'sqliteDoctor.showPanel';
  // Every property set is a message to the window: set only what changed (a busy app changes sizes, not this).
  let shown = '';
  const update = () => {
    const rows = model.rows();
    const text = rows.length ? `$(database) ${statusBarText(rows)}` : '';
    const tooltip = rows.length ? summarize(rows) : '';
    if (JSON.stringify([text, tooltip]) === shown) return;
    shown = JSON.stringify([text, tooltip]);
    if (!rows.length) {
      item.hide();
      return;
    }
    item.text = text;
    item.tooltip = tooltip;
    item.show();
  };
  update();
  const sub = model.onDidChange(update);
  return vscode.Disposable.from(item, sub);
}
