/**
 * The one place that holds what is known about the workspace's databases.
 * Views (tree, panel, status bar, context keys) subscribe to it; commands and
 * the file watcher update it. No vscode import, so it is tested alone.
 */
import * as path from 'node:path';
import type { DatabaseRow } from '../shared/protocol';
import { SqliteFileError, describeError } from '../sqlite/errors';
import { readDatabaseState } from '../sqlite/state';
import { ScanOptions, scanWorkspace, toPosix } from '../workspace/scan';
import { Entry, toRow } from './viewModel';

export interface ScanRoot {
  folder: string;
  path: string;
}

/** Problems worth showing as a database entry: the file is SQLite (or claims to be) but cannot be read. */
const SHOWN_PROBLEMS = new Set(['truncated', 'bad-header', 'unreadable']);

export class DatabaseModel {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();
  private roots: ScanRoot[] = [];
  scanning = false;
  scannedOnce = false;

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  rows(): DatabaseRow[] {
    return [...this.entries.values()].map(toRow).sort((a, b) => a.folder.localeCompare(b.folder) || a.relPath.localeCompare(b.relPath));
  }

  get(p: string): Entry | undefined {
    return this.entries.get(p);
  }

  /** Re-scans the given workspace folders, replacing what was known about them. */
  async scan(roots: ScanRoot[], options: ScanOptions, onProgress?: (found: number, files: number) => void): Promise<{ cancelled: boolean }> {
    this.roots = roots;
    this.scanning = true;
    this.changed();
    const fresh = new Map<string, Entry>();
    try {
      for (const root of roots) {
        for await (const ev of scanWorkspace(root.path, options)) {
          if (options.signal?.aborted) break;
          if (ev.kind === 'database') {
            fresh.set(ev.state.path, { path: ev.state.path, folder: root.folder, relPath: ev.relPath, state: ev.state });
          } else if (ev.kind === 'problem' && SHOWN_PROBLEMS.has(ev.code)) {
            fresh.set(ev.path, { path: ev.path, folder: root.folder, relPath: ev.relPath, error: ev.error, errorCode: ev.code });
          } else if (ev.kind === 'progress') {
            onProgress?.(fresh.size, ev.files);
          }
        }
      }
    } finally {
      this.scanning = false;
    }
    const cancelled = !!options.signal?.aborted;
    if (!cancelled) {
      this.entries.clear();
      for (const [k, v] of fresh) this.entries.set(k, v);
      this.scannedOnce = true;
    }
    this.changed();
    return { cancelled };
  }

  /**
   * Re-reads one file (after a write or a file-system event). A path that is
   * new, inside a scanned folder and SQLite is added; one that stopped being
   * a database is dropped.
   */
  async refresh(p: string): Promise<void> {
    const known = this.entries.get(p);
    const root = known ? { folder: known.folder, path: '' } : this.rootOf(p);
    if (!root) return;
    const relPath = known?.relPath ?? toPosix(path.relative(root.path, p));
    try {
      const state = await readDatabaseState(p);
      this.entries.set(p, { path: p, folder: root.folder, relPath, state });
    } catch (err) {
      const code = err instanceof SqliteFileError ? err.code : 'unreadable';
      // Rewritten on every read attempt (a busy app): keep what we knew; the next file event reads it again.
      if (code === 'changing') return;
      if (SHOWN_PROBLEMS.has(code)) this.entries.set(p, { path: p, folder: root.folder, relPath, error: describeError(err, relPath), errorCode: code });
      else if (!this.entries.delete(p)) return;
    }
    this.changed();
  }

  /** The scanned workspace folder a path lies in. */
  rootOf(p: string): ScanRoot | undefined {
    return this.roots.find((r) => p === r.path || p.startsWith(r.path + path.sep));
  }

  /** Paths of databases by mode, for context keys and quick picks. */
  paths(filter: (e: Entry) => boolean = () => true): string[] {
    return [...this.entries.values()].filter(filter).map((e) => e.path);
  }
}
