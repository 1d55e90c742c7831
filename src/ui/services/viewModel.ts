/**
 * What the tree, the panel grid and the status bar say about each database,
 * derived from the core's DatabaseState. No vscode import: unit-tested alone.
 */
import * as path from 'node:path';
import type { DatabaseRow, DatabaseStatus } from '../../shared/protocol';
import { formatBytes } from '../../shared/format';
import type { DatabaseState } from '../../sqlite/disk/state';

export interface Located {
  /** Absolute path. */
  path: string;
  /** Workspace folder name. */
  folder: string;
  /** POSIX path relative to that folder. */
  relPath: string;
}

export type Entry = Located & ({ state: DatabaseState; error?: undefined; errorCode?: undefined } | { state?: undefined; error: string; errorCode: string });

export function statusOf(e: Entry): DatabaseStatus {
  if (!e.state) return e.errorCode === 'bad-header' || e.errorCode === 'truncated' ? 'corrupt' : 'unreadable';
  if (e.state.hotJournal) return 'hot-journal';
  if (e.state.issues.some((p) => p.severity === 'damage')) return 'corrupt';
  return e.state.journalMode === 'wal' ? 'ok' : 'not-wal';
}

/** The error without the "path: " prefix the core puts in front (the row already names the file). */
function errorText(e: Entry & { error: string }): string {
  return e.error.startsWith(`${e.relPath}: `) ? e.error.slice(e.relPath.length + 2) : e.error;
}

export function describe(e: Entry): string {
  if (!e.state) return errorText(e);
  const s = e.state;
  const wal = s.sidecars.wal?.bytes ? ` (+${formatBytes(s.sidecars.wal.bytes)} wal)` : '';
  const mode = s.journalMode === 'wal' ? 'WAL' : 'DELETE';
  return `${mode} · ${formatBytes(s.pageSize)} · ${formatBytes(s.fileBytes)}${wal}${s.hotJournal ? ' · hot journal' : ''}`;
}

export function toRow(e: Entry): DatabaseRow {
  const s = e.state;
  return {
    id: e.path,
    folder: e.folder,
    relPath: e.relPath,
    fileName: path.basename(e.path),
    status: statusOf(e),
    journalMode: s?.journalMode ?? 'unknown',
    pageSize: s?.pageSize ?? 0,
    sizeBytes: s?.fileBytes ?? 0,
    walBytes: s?.sidecars.wal?.bytes ?? 0,
    uncheckpointedWalBytes: s?.wal?.uncheckpointedBytes ?? 0,
    sidecars: s ? (['wal', 'shm', 'journal'] as const).filter((k) => s.sidecars[k]).map((k) => `-${k}`) : [],
    warnings: s ? s.problems : [errorText(e)],
    description: describe(e),
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "12 databases · 3 not in WAL · 1 hot journal" */
export function summarize(rows: readonly DatabaseRow[]): string {
  const dbs = rows.filter((r) => r.status !== 'unreadable' || r.journalMode !== 'unknown');
  const parts = [plural(dbs.length, 'database')];
  const notWal = rows.filter((r) => r.journalMode !== 'wal' && r.journalMode !== 'unknown').length;
  if (notWal) parts.push(`${notWal} not in WAL`);
  const hot = rows.filter((r) => r.status === 'hot-journal').length;
  if (hot) parts.push(plural(hot, 'hot journal'));
  const broken = rows.filter((r) => r.status === 'corrupt' || r.status === 'unreadable').length;
  if (broken) parts.push(`${broken} unreadable or corrupt`);
  return parts.join(' · ');
}

/** "SQLite: 3 DBs · 1 not WAL" */
export function statusBarText(rows: readonly DatabaseRow[]): string {
  const notWal = rows.filter((r) => r.journalMode === 'delete').length;
  return `SQLite: ${rows.length} DB${rows.length === 1 ? '' : 's'}${notWal ? ` · ${notWal} not WAL` : ''}`;
}

/** The tree item's tooltip lines, plain text (the caller escapes them into Markdown). */
export function tooltipLines(row: DatabaseRow): string[] {
  const lines: string[] = [];
  if (row.journalMode !== 'unknown') {
    lines.push(`Journal mode: ${row.journalMode === 'wal' ? 'WAL' : 'DELETE (rollback journal)'}`);
    lines.push(`Page size: ${formatBytes(row.pageSize)} · File: ${formatBytes(row.sizeBytes)}`);
    if (row.walBytes) lines.push(`-wal: ${formatBytes(row.walBytes)} (${formatBytes(row.uncheckpointedWalBytes)} not checkpointed)`);
    if (row.sidecars.length) lines.push(`Sidecars: ${row.sidecars.join(', ')}`);
  }
  for (const w of row.warnings) lines.push(`⚠ ${w}`);
  return lines;
}
