import { findEngine, EngineChoice } from '../engines/select';
import type { DatabaseState } from '../disk/state';
import type { IntegrityMode, TableInfo } from '../../shared/reportTypes';
import { TABLE_NAMES_SQL, countStatements, countsFrom, tableNames } from './rowCounts';

/**
 * A second opinion from a real SQLite, for when our lock-free copy of a
 * database cannot be trusted: the files changed on every read (a busy app),
 * or the copy looked damaged. Each statement SQLite runs is a read
 * transaction under its own locks, so what it sees is consistent by
 * construction. The connection is read-only: it never rolls back a journal,
 * never checkpoints, never deletes the -wal on close.
 */
export interface Confirmation {
  engine: string;
  integrity: 'ok' | string[] | null;
  /** Row counts from one statement (one snapshot), when they could be counted. */
  tables?: TableInfo[];
  /** Wall time of the engine run: an upper bound on how long a shared lock was held. */
  lockMs: number;
}

/**
 * Why a real SQLite must not open this database for reading, if so. A hot
 * journal would need a rollback (a write); a WAL database without its -wal
 * and -shm would get them created. A live app keeps both, which is exactly
 * when a confirmation is needed.
 */
export function confirmationUnsafe(state: DatabaseState): string | undefined {
  if (state.hotJournal) return 'a hot journal is present: reading it with SQLite would roll it back';
  if (state.journalMode === 'wal' && !(state.sidecars.wal && state.sidecars.shm)) return 'opening it with SQLite would create -wal/-shm files';
  return undefined;
}

const CONFIRM_BUSY_MS = 2000;

export async function confirmWithSqlite(path: string, integrityMode: IntegrityMode, engineChoice?: EngineChoice): Promise<Confirmation | undefined> {
  const engine = await findEngine(engineChoice);
  if (!engine) return undefined;
  const started = Date.now();
  const [schema] = await engine.run(path, [TABLE_NAMES_SQL], CONFIRM_BUSY_MS, 'ro');
  const names = tableNames(schema);
  const counting = countStatements(names);
  const checkStatement = integrityMode === 'none' ? [] : [`PRAGMA ${integrityMode === 'full' ? 'integrity_check' : 'quick_check'}`];
  let tables: TableInfo[] | undefined;
  let checkRows: unknown[][] | undefined;
  try {
    const results = await engine.run(path, [...counting, ...checkStatement], CONFIRM_BUSY_MS, 'ro');
    tables = countsFrom(names, results.slice(0, counting.length));
    checkRows = results[counting.length];
  } catch {
    // A table SQLite cannot count here (a virtual table's module missing): the check alone still answers.
    if (checkStatement.length) [checkRows] = await engine.run(path, checkStatement, CONFIRM_BUSY_MS, 'ro');
  }
  const messages = (checkRows ?? []).map((r) => String(r[0]));
  const integrity = !checkStatement.length ? null : messages.length === 1 && messages[0] === 'ok' ? 'ok' : messages;
  return { engine: engine.label, integrity, tables, lockMs: Date.now() - started };
}
