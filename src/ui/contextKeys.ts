import * as vscode from 'vscode';
import type { DatabaseModel } from './model';

/**
 * Explorer menus use these: a file gets "Enable WAL" only if a scan found it
 * to be SQLite by its magic bytes (so `state.bin` gets it and a text
 * `notes.db` does not) and it is not in WAL mode yet.
 */
export function bindContextKeys(model: DatabaseModel): vscode.Disposable {
  const update = () => {
    void vscode.commands.executeCommand('setContext', 'sqliteDoctor.databasePaths', model.paths((e) => !!e.state));
    void vscode.commands.executeCommand('setContext', 'sqliteDoctor.walPaths', model.paths((e) => e.state?.journalMode === 'wal'));
    void vscode.commands.executeCommand('setContext', 'sqliteDoctor.rollbackPaths', model.paths((e) => e.state?.journalMode === 'delete'));
  };
  update();
  return model.onDidChange(update);
}
