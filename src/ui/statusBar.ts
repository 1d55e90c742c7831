import * as vscode from 'vscode';
import type { DatabaseModel } from './model';
import { statusBarText, summarize } from './viewModel';

/** "SQLite: 3 DBs · 1 not WAL", click opens the panel; hidden when there is nothing to say. */
export function createStatusBar(model: DatabaseModel): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('sqliteDoctor.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'SQLite Doctor';
  item.command = 'sqliteDoctor.showPanel';
  const update = () => {
    const rows = model.rows();
    if (!rows.length) {
      item.hide();
      return;
    }
    item.text = `$(database) ${statusBarText(rows)}`;
    item.tooltip = summarize(rows);
    item.show();
  };
  update();
  const sub = model.onDidChange(update);
  return vscode.Disposable.from(item, sub);
}
