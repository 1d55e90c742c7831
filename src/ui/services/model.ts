/**
 * The one place that holds what is known about the workspace's databases.
 * Views (tree, panel, status bar, context keys) subscribe to it; commands and
 * the file watcher update it. Each change event says what changed, so a view
 * redoes only that. No vscode import, so it is tested alone.
 */
import * as path from 'node:path';
import type { DatabaseRow } from '../../shared/protocol';
import { SqliteFileError, describeError } from '../../sqlite/os/errors';
import { Log, SILENT } from '../../shared/log';
import { readDatabaseState } from '../../sqlite/disk/state';
import { WalFollower } from '../../sqlite/disk/walFollower';
import { ScanOptions, scanWorkspace, toPosix, wouldScan } from '../../workspace/scan';
import { activity } from './activity';
import { Entry, toRow } from './viewModel';

export interface ScanRoot {
  folder: string;
  path: string;
}

/**
 * `paths`: databases re-read (added, changed or dropped); `all`: a scan
 * replaced everything; `scanning`: only the scanning flag moved.
 */
export type ModelChange = { kind: 'paths'; paths: string[] } | { kind: 'all' } | { kind: 'scanning' };

/** The row views show and the files a detail is made from (the -shm is left out: readers write it too). */
function shownKey(e: Entry): string {
  const s = e.state;
  return JSON.stringify([toRow(e), s?.fileBytes, s?.mtimeMs, s?.sidecars.wal, s?.sidecars.journal]);
}

function sameAsShown(a: Entry, b: Entry): boolean {
  return shownKey(a) === shownKey(b);
}

/** Problems worth showing as a database entry: the file is SQLite (or claims to be) but cannot be read. */
const SHOWN_PROBLEMS = new Set(['truncated', 'bad-header', 'unreadable']);

export class DatabaseModel {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(change: ModelChange) => void>();
  /** Per database: re-reads check only the WAL frames appended since the last one. */
  private readonly followers = new Map<string, WalFollower>();
  private roots: ScanRoot[] = [];
  private options: Pick<ScanOptions, 'allFiles' | 'exclude' | 'include'> = {};
  private running: AbortController | undefined;
  scanning = false;
  scannedOnce = false;

  constructor(private readonly log: Log = SILENT) {}

  onDidChange(listener: (change: ModelChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private changed(change: ModelChange): void {
    activity.count('model changes');
    for (const l of this.listeners) l(change);
  }

  rows(): DatabaseRow[] {
    return [...this.entries.values()].map(toRow).sort((a, b) => a.folder.localeCompare(b.folder) || a.relPath.localeCompare(b.relPath));
  }

  get(p: string): Entry | undefined {
    return this.entries.get(p);
  }

  /**
   * Re-scans the given workspace folders, replacing what was known about
   * them. A newer scan cancels a running one (its walk stops; its results
   * are dropped), so the last one asked for is the one that lands and
   * `scanning` stays true until it does. `signal` lets the caller cancel too.
   */
  async scan(roots: ScanRoot[], options: ScanOptions, onProgress?: (found: number, files: number) => void): Promise<{ cancelled: boolean }> {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
    const signal = controller.signal;
    this.roots = roots;
    this.options = { allFiles: options.allFiles, exclude: options.exclude, include: options.include };
    this.scanning = true;
    this.changed({ kind: 'scanning' });
    const started = Date.now();
    const fresh = new Map<string, Entry>();
    let files = 0, threads = 0;
    try {
      for (const root of roots) {
        for await (const ev of scanWorkspace(root.path, { ...options, signal, log: this.log })) {
          if (signal.aborted) break;
          if (ev.kind === 'database') {
            fresh.set(ev.state.path, { path: ev.state.path, folder: root.folder, relPath: ev.relPath, state: ev.state });
          } else if (ev.kind === 'problem') {
            if (SHOWN_PROBLEMS.has(ev.code)) fresh.set(ev.path, { path: ev.path, folder: root.folder, relPath: ev.relPath, error: ev.error, errorCode: ev.code });
            else this.log.info(`scan: skipped ${ev.error}`);
          } else if (ev.kind === 'progress') {
            files = ev.files;
            threads = ev.threads;
            onProgress?.(fresh.size, ev.files);
          }
        }
      }
    } catch (err) {
      if (this.running === controller) this.running = undefined;
      this.scanning = false;
      this.changed({ kind: 'scanning' });
      throw err;
    }
    if (signal.aborted) {
      // A newer scan owns the flag and the results; a scan cancelled by the user leaves the old results.
      if (this.running === controller) {
        this.running = undefined;
        this.scanning = false;
        this.changed({ kind: 'scanning' });
      }
      this.log.info(`scan cancelled after ${Date.now() - started} ms`);
      return { cancelled: true };
    }
    this.running = undefined;
    this.scanning = false;
    this.entries.clear();
    for (const [k, v] of fresh) this.entries.set(k, v);
    for (const p of this.followers.keys()) if (!fresh.has(p)) this.followers.delete(p);
    this.scannedOnce = true;
    this.log.info(`scan: ${fresh.size} database(s) in ${files} file(s), ${Date.now() - started} ms, walked by ${threads} thread(s)`);
    this.changed({ kind: 'all' });
    return { cancelled: false };
  }

  /** The WAL follower of one database, shared with the live view that samples it (frames are checked once). */
  followerOf(p: string): WalFollower {
    let follower = this.followers.get(p);
    if (!follower) this.followers.set(p, (follower = new WalFollower('index-if-large')));
    return follower;
  }

  /**
   * Re-reads one file (after a write or a file-system event). A path that is
   * new, inside a scanned folder and one the scan would look at is added;
   * one that stopped being a database is dropped.
   */
  async refresh(p: string): Promise<void> {
    const known = this.entries.get(p);
    const root = known ? { folder: known.folder, path: '' } : this.rootOf(p);
    if (!root) return;
    const relPath = known?.relPath ?? toPosix(path.relative(root.path, p));
    if (!known && !wouldScan(relPath, this.options)) return;
    try {
      activity.count('state reads');
      const follower = this.followerOf(p);
      const read = follower.bytesRead;
      const state = await readDatabaseState(p, { walFollower: follower });
      activity.count('wal bytes read', follower.bytesRead - read);
      const entry: Entry = { path: p, folder: root.folder, relPath, state };
      this.entries.set(p, entry);
      // Views hear only of what they show or what a detail depends on.
      if (known && sameAsShown(known, entry)) return;
    } catch (err) {
      const code = err instanceof SqliteFileError ? err.code : 'unreadable';
      // Rewritten on every read attempt (a busy app): keep what we knew; the next file event reads it again.
      if (code === 'changing') return;
      if (SHOWN_PROBLEMS.has(code)) this.entries.set(p, { path: p, folder: root.folder, relPath, error: describeError(err, relPath), errorCode: code });
      else if (!this.entries.delete(p)) return;
      this.followers.delete(p);
    }
    this.changed({ kind: 'paths', paths: [p] });
  }

  /** The scanned workspace folder a path lies in. */
  rootOf(p: string): ScanRoot | undefined {
    return this.roots.find((r) => p === r.path || p.startsWith(r.path + path.sep));
  }

  /** The entries a file event at `p` concerns: `p` itself, and symbolic links whose target it is. */
  pathsFor(p: string): string[] {
    const links = [...this.entries.values()].filter((e) => e.state?.realPath === p).map((e) => e.path);
    return links.length ? [p, ...links] : [p];
  }

  /** Paths of databases by mode, for context keys and quick picks. */
  paths(filter: (e: Entry) => boolean = () => true): string[] {
    return [...this.entries.values()].filter(filter).map((e) => e.path);
  }
}
