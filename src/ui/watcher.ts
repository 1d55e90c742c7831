import * as vscode from 'vscode';
import type { Log } from '../shared/log';
import type { DatabaseModel } from './services/model';
import { activity } from './services/activity';
import { RefreshThrottle } from './services/refreshThrottle';
import { DATABASE_EXTENSIONS } from '../workspace/scan';

/**
 * Keeps the model live: any change to a database-named file or a sidecar
 * re-reads that database, throttled (at most one read per interval while an
 * app writes, and one after it stops). Files found only by magic bytes are
 * watched by their full path. Which new files count is the model's call:
 * the scan's include/exclude apply (see DatabaseModel.refresh).
 */
// Twice a second: the grid stays live (an update at least every second) at half the reads of 4×/s.
const INTERVAL_MS = 500;
const SIDECAR = /-(wal|shm|journal)$/;

export function watchDatabases(model: DatabaseModel, log: Log): vscode.Disposable {
  const throttle = new RefreshThrottle((db) => model.refresh(db).catch((err: unknown) => log.error(`refresh of ${db} failed: ${String(err)}`)), INTERVAL_MS);
  const schedule = (uri: vscode.Uri) => {
    activity.count('file events');
    const db = uri.fsPath.replace(SIDECAR, '');
    // A database reached through a symbolic link changes when its target's files do.
    for (const p of model.pathsFor(db)) throttle.poke(p);
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
  subs.push(model.onDidChange((change) => { if (change.kind === 'all') syncExtra(); }));
  return new vscode.Disposable(() => {
    throttle.dispose();
    for (const d of [...subs, ...extra.values()]) d.dispose();
  });
}
