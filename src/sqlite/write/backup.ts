import { promises as fsp } from 'node:fs';
import { DEFAULT_BUSY_TIMEOUT_MS, SqlEngine } from '../engines/engine';
import { Stopped, describeOutcome } from '../engines/outcome';
import { ProgressListener } from '../engines/progress';
import { EngineChoice, findEngine } from '../engines/select';
import { dotCommandArg } from '../engines/sqliteShell';
import { formatBytes } from '../../shared/format';
import { TABLE_NAMES_SQL, TableCount, countStatements, countsFrom, tableNames } from '../content/rowCounts';
import { shellCommand } from '../os/shellQuote';
import { readDatabaseState } from '../disk/state';
import { settleAfterStop } from './afterStop';
import { removeWithSidecars, syncFile, syncFolder, tempBeside } from './atomicFile';
import { Target, removeStaleSidecars, resolveTarget, targetUnchanged } from './backupTarget';
import { FreeSpace, spaceBlocker } from './diskSpace';

/**
 * An online backup through the chosen real SQLite (the backup API of
 * node:sqlite or python3, the shell's `.backup`), safe while the app
 * writes: the copy is one consistent snapshot, taken inside the read
 * transaction in which the source's rows are counted. It is written to a
 * temporary file beside DEST and proved there — integrity_check, the journal
 * mode asked for (rollback by default: one self-contained file), row counts
 * equal to the source snapshot's — then synced and renamed over DEST. Any
 * failure leaves DEST exactly as it was.
 */
export interface BackupOptions {
  force?: boolean;
  journalMode?: 'delete' | 'wal';
  busyTimeoutMs?: number;
  engine?: EngineChoice;
  freeSpace?: FreeSpace;
  /** Cancels the copy (SQLite's read transaction ends; the temporary file is removed). */
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export type { TableCount };

export interface BackupResult {
  file: string;
  dest: string;
  outcome: 'done' | 'refused';
  /** When SQLite's run did not complete: what stopped it. */
  stopped?: Stopped['code'];
  message: string;
  engine?: string;
  pages?: number;
  source?: TableCount[];
  verified?: { integrity: 'ok' | string[]; journalMode: string; tables: TableCount[]; matchesSource: boolean };
  /** Only when no engine is here to do it: the command to run by hand (never offered for a refusal that protects data). */
  manualCommand?: string;
}

export async function backupDatabase(file: string, dest: string, options: BackupOptions = {}): Promise<BackupResult> {
  const journalMode = options.journalMode ?? 'delete';
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const state = await readDatabaseState(file);
  const target = await resolveTarget(file, dest, !!options.force);
  const destShown = typeof target === 'string' ? dest : target.dest;
  const base = { file, dest: destShown };
  const refuse = (message: string, extra: Partial<BackupResult> = {}): BackupResult => ({ ...base, ...extra, outcome: 'refused', message: `Refused: ${message}; ${target && typeof target !== 'string' && target.existing ? `${target.dest} was left as it was` : 'nothing was written'}.` });
  if (typeof target === 'string') return refuse(target);
  const space = await spaceBlocker(target.folder, state.pageCount * state.pageSize, 'the backup', options.freeSpace);
  if (space.blocker) return refuse(space.blocker);
  const engine = await findEngine(options.engine);
  if (!engine) {
    return refuse('no real SQLite engine (node:sqlite, the sqlite3 shell or python3) is available here',
      { manualCommand: shellCommand('sqlite3', state.realPath ?? file, `.backup ${dotCommandArg(target.dest)}`) });
  }

  const tmp = tempBeside(target.dest);
  try {
    const copied = await copySnapshot(engine, file, tmp, busyTimeoutMs, options);
    if (typeof copied === 'string') return refuse(copied, { engine: engine.label });
    if (!('tables' in copied)) {
      await settleAfterStop(engine, file, state, busyTimeoutMs);
      return refuse(describeOutcome(copied, busyTimeoutMs), { engine: engine.label, stopped: copied.code });
    }
    const proof = await prove(engine, tmp, journalMode, copied.tables, busyTimeoutMs);
    const detail = { engine: engine.label, source: copied.tables, verified: proof.verified, pages: proof.pages };
    if (proof.problem) return refuse(`the copy did not pass its proof (${proof.problem}); it was deleted`, detail);
    await syncFile(tmp);
    if (!(await targetUnchanged(target))) return refuse(`${target.dest} changed while the copy was made`, detail);
    await fsp.rename(tmp, target.dest);
    await syncFolder(target.folder);
    await removeStaleSidecars(target);
    return { ...base, ...detail, outcome: 'done', message: doneMessage(file, target, proof.pages, state.pageSize, copied.tables, journalMode) };
  } finally {
    await removeWithSidecars(tmp);
  }
}

/** The source's table counts and its copy, in one snapshot; a sentence when it could not be one. */
async function copySnapshot(engine: SqlEngine, file: string, tmp: string, busyTimeoutMs: number, options: BackupOptions): Promise<{ tables: TableCount[] } | Stopped | string> {
  // The names first, to count each table; the snapshot job reads them again to see they still hold.
  const listed = await engine.exec({ file, statements: [TABLE_NAMES_SQL], busyTimeoutMs, signal: options.signal });
  if (listed.code !== 'ok') return listed;
  const names = tableNames(listed.rows[0]);
  const counting = countStatements(names);
  const copied = await engine.exec({ file, statements: [TABLE_NAMES_SQL, ...counting], busyTimeoutMs, backupTo: tmp, signal: options.signal, onProgress: options.onProgress });
  if (copied.code !== 'ok') return copied;
  if (tableNames(copied.rows[0]).join('\n') !== names.join('\n')) return 'the schema changed while the copy was made; try again';
  return { tables: countsFrom(names, copied.rows.slice(1)) };
}

interface Proof { verified: NonNullable<BackupResult['verified']>; pages?: number; problem?: string }

/** Sets the journal mode asked for, then reads the copy back with SQLite. */
async function prove(engine: SqlEngine, tmp: string, journalMode: string, source: TableCount[], busyTimeoutMs: number): Promise<Proof> {
  const names = source.map((t) => t.name);
  const counting = countStatements(names);
  const set = await engine.exec({ file: tmp, statements: [`PRAGMA journal_mode=${journalMode}`], busyTimeoutMs });
  // integrity_check checks every cell itself: cell_size_check would check each twice (a third slower).
  const read = set.code === 'ok' ? await engine.exec({ file: tmp, statements: ['PRAGMA cell_size_check=OFF', 'PRAGMA integrity_check', 'PRAGMA journal_mode', 'PRAGMA page_count', TABLE_NAMES_SQL, ...counting], busyTimeoutMs }) : set;
  if (read.code !== 'ok') {
    const why = describeOutcome(read, busyTimeoutMs);
    return { verified: { integrity: [why], journalMode: '?', tables: [], matchesSource: false }, problem: `it could not be read back: ${why}` };
  }
  const [, check, mode, pages, schema] = read.rows;
  const messages = (check ?? []).map((r) => String(r[0]));
  const integrity: 'ok' | string[] = messages.length === 1 && messages[0] === 'ok' ? 'ok' : messages;
  const tables = tableNames(schema).join('\n') === names.join('\n') ? countsFrom(names, read.rows.slice(5)) : tableNames(schema).map((name) => ({ name, rows: NaN }));
  const matchesSource = JSON.stringify(tables) === JSON.stringify(source);
  const modeNow = String(mode?.[0]?.[0] ?? '?').toLowerCase();
  const verified = { integrity, journalMode: modeNow, tables, matchesSource };
  const problems = [
    integrity !== 'ok' && `integrity ${integrity.slice(0, 2).join('; ')}`,
    modeNow !== journalMode && `journal mode ${modeNow}, not ${journalMode}`,
    !matchesSource && 'its rows differ from the source snapshot',
  ].filter(Boolean);
  return { verified, pages: Number(pages?.[0]?.[0]), problem: problems.length ? problems.join(', ') : undefined };
}

function doneMessage(file: string, target: Target, pages: number | undefined, pageSize: number, tables: TableCount[], journalMode: string): string {
  const rows = tables.reduce((n, t) => n + t.rows, 0);
  return `Backed up ${file} to ${target.dest}${target.existing ? ' (replacing the old file only once the copy was proved)' : ''}: ${pages} pages (${formatBytes((pages ?? 0) * pageSize)}), ${tables.length} table(s) with ${rows.toLocaleString('en-US')} rows, the same as the source at the moment of the copy; integrity_check ok; ${journalMode === 'delete' ? 'a single self-contained file (rollback journal mode)' : 'WAL mode'}.`;
}
