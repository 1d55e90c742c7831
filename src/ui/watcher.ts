import * as vscode from 'vscode';
import type { DatabaseModel } from './model';
import { DATABASE_EXTENSIONS } from '../workspace/scan';

/**
 * Keeps the model live: any change to a database-named file or a sidecar
 * re-reads that database (debounced, so a busy -wal costs one read per
 * interval). Files found only by magic bytes are watched by their full path.
 */
const DEBOUNCE_MS = 250;
const SIDECAR = /-(wal|shm|journal)$/;

export function watchDatabases(model: DatabaseModel): vscode.Disposable {
  const pending = new Map<string, NodeJS.Timeout>();
  const schedule = (uri: vscode.Uri) => {
    const db = uri.fsPath.replace(SIDECAR, '');
    clearTimeout(pending.get(db));
    pending.set(db, setTimeout(() => {
      pending.delete(db);
      void model.refresh(db);
    }, DEBOUNCE_MS));
  };
  const exts = DATABASE_EXTENSIONS.map((e) => e.slice(1)).join(',');
  const byName = vscode.workspace.createFileSystemWatcher(`**/*.{${exts}}{,-wal,-shm,-journal}`);
  const subs: vscode.Disposable[] = [byName, byName.onDidChange(schedule), byName.onDidCreate(schedule), byName.onDidDelete(schedule)];

  // Databases found by magic bytes with other names get a watcher of their own.
  const extra = new Map<string, vscode.Disposable>();
  const syncExtra = () => {
    const wanted = new Set(model.paths().filter((p) => !DATABASE_EXTENSIONS.some((e) => p.toLowerCase().endsWith(e))));
    for (const [p, d] of extra) if (!wanted.has(p)) { d.dispose(); extra.delete(p); }
    for (const p of wanted) {
      if (extra.has(p)) continue;
      const uri = vscode.Uri.file(p);
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), `${uri.path.split('/').pop()}{,-wal,-shm,-journal}`));
      extra.set(p, vscode.Disposable.from(w, w.onDidChange(schedule), w.onDidCreate(schedule), w.onDidDelete(schedule)));
    }
  };
  subs.push(model.onDidChange(syncExtra));
  return new vscode.Disposable(() => {
    for (const t of pending.values()) clearTimeout(t);
    for (const d of [...subs, ...extra.values()]) d.dispose();
  });
}
