import * as vscode from 'vscode';
import type { DatabaseModel } from './services/model';

/**
 * Explorer menus use these: a file gets "Enable WAL" only if a scan found it
 * to be SQLite by its magic bytes (so `state.bin` gets it and a text
 * `notes.db` does not) and it is not in WAL mode yet.
 */
export function bindContextKeys(model: DatabaseModel): vscode.Disposable {
  // Each key is a message to the window: sent only when its list changed (not on every write of a busy app).
  const sent = new Map<string, string>();
  const set = (key: string, paths: string[]) => {
    const value = JSON.stringify(paths);
    if (sent.get(key) === value) return;
    sent.set(key, value);
    void vscode.commands.executeCommand('setContext', key, paths);
  };
  const update = () => {
    set('sqliteDoctor.databasePaths', model.paths((e) => !!e.state));
    set('sqliteDoctor.walPaths', model.paths((e) => e.state?.journalMode === 'wal'));
    set('sqliteDoctor.rollbackPaths', model.paths((e) => e.state?.journalMode === 'delete'));
  };
  update();
  return model.onDidChange(update);
}
