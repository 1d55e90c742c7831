import type { Database } from 'sql.js';
import { SqliteFileError, describeError } from '../os/errors';
import { CONNECTION_PRAGMAS, CONNECTION_PRAGMA_NOTE } from '../../advice/knowledge/connectionPragmas';
import { Confirmation, confirmWithSqlite, confirmationUnsafe } from './confirm';
import type { EngineChoice } from '../engines/select';
import { readDatabaseImage } from '../disk/image';
import { CHANGING_WHILE_READ } from '../disk/consistentRead';
import { readSpace, spaceOfImage } from './space';
import { loadSqlJs } from './sqljs';
import { DatabaseState, readDatabaseState } from '../disk/state';
import { CHANGING_ON_EVERY_READ, InspectReport, IntegrityMode, TableInfo, TextEncoding } from '../../shared/reportTypes';
import { sqlIdentifier } from '../os/sqlQuote';
export type { InspectReport, IntegrityMode, SchemaObject, TableInfo } from '../../shared/reportTypes';

export interface InspectOptions {
  integrity?: IntegrityMode;
  /** Above this many bytes only header facts are reported. */
  maxBytes?: number;
  /** Skip the sql.js part entirely. */
  headerOnly?: boolean;
  /**
   * Which real SQLite may give a second opinion when our copy is in doubt
   * (see confirm.ts); false never asks one (then a doubtful result is reported as unknown).
   */
  confirmWith?: EngineChoice | false;
}

const DEFAULT_MAX_DEEP_BYTES = 512 * 1024 * 1024;
/** Fresh copies taken when the first looked damaged, before asking a real SQLite. */
const DOUBT_RETRIES = 2;

export async function inspectDatabase(path: string, options: InspectOptions = {}): Promise<InspectReport> {
  const integrityMode = options.integrity ?? 'quick';
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DEEP_BYTES;
  if (options.headerOnly) {
    return reportFrom(await readDatabaseState(path, { withLocks: true }), integrityMode, { ran: false, layers: [], skipped: 'header only (as requested)' });
  }
  let read = await readDeepOrState(path, maxBytes, integrityMode);
  for (let i = 0; i < DOUBT_RETRIES && read.damage && read.stable; i++) read = await readDeepOrState(path, maxBytes, integrityMode);
  if (read.damage) await settleDoubt(read, integrityMode, options.confirmWith);
  await addSpace(read.report);
  return read.report;
}

/**
 * The b-tree walk: space per object for every database, and — above the
 * sql.js bound, where no image is loaded — the tables with their row counts,
 * the indexes, views and triggers, so a database of any size gets them.
 */
async function addSpace(report: InspectReport): Promise<void> {
  if (report.space) return;
  try {
    report.space = await readSpace(report.path);
  } catch (err) {
    report.problems.push(`space per table could not be read: ${describeError(err)}`);
    return;
  }
  if (report.deep.ran) return;
  const s = report.space;
  // As sql.js lists them: every table in sqlite_schema (sqlite_sequence too), not the schema's own b-tree.
  report.tables = s.objects.filter((o) => o.type === 'table' && o.name !== 'sqlite_schema').map((o) => ({ name: o.name, rows: o.entries })).sort((a, b) => a.name.localeCompare(b.name));
  report.indexes = s.objects.filter((o) => o.type === 'index').map((o) => ({ name: o.name, table: o.table })).sort((a, b) => a.name.localeCompare(b.name));
  report.views = [...s.views].sort();
  report.triggers = [...s.triggers].sort((a, b) => a.name.localeCompare(b.name));
  report.deep = { ...report.deep, layers: ['b-tree walk (row counts; no integrity check above the sql.js bound)'] };
}

/**
 * Under an app that checkpoints faster than a copy can be read, no lock-free
 * copy is ever consistent: then the header-level state (a few small reads)
 * stands in, marked as unstable, and settleDoubt asks a real SQLite.
 */
async function readDeepOrState(path: string, maxBytes: number, integrityMode: IntegrityMode): Promise<DeepRead> {
  try {
    return await readDeep(path, maxBytes, integrityMode);
  } catch (err) {
    if (!(err instanceof SqliteFileError && err.code === 'changing')) throw err;
    const state = await readDatabaseState(path, { withLocks: true });
    const report = reportFrom(state, integrityMode, { ran: false, layers: [], skipped: 'the database changed on every read' });
    return { report, state, stable: false, damage: { integrity: [err.detail], problem: err.message } };
  }
}

interface DeepRead {
  report: InspectReport;
  state: DatabaseState;
  stable: boolean;
  /** What made our copy look damaged (sql.js could not open it, or the check failed), if anything. */
  damage?: { integrity: string[]; problem: string };
}

async function readDeep(path: string, maxBytes: number, integrityMode: IntegrityMode): Promise<DeepRead> {
  const image = await readDatabaseImage(path, maxBytes);
  if (!image.bytes) return { report: reportFrom(image.state, integrityMode, { ran: false, layers: [], skipped: image.skipped }), state: image.state, stable: image.stable };
  const report = reportFrom(image.state, integrityMode, { ran: true, layers: image.layers });
  // The image is in memory already: its space is walked from it, not by reading the files again.
  report.space = await spaceOfImage(image.bytes, image.state);
  if (!image.stable) report.space.problems.push(CHANGING_WHILE_READ);
  const SQL = await loadSqlJs();
  let db: Database | undefined;
  let damage: DeepRead['damage'];
  try {
    db = new SQL.Database(image.bytes);
    damage = fillFromEngine(db, report, integrityMode);
  } catch (err) {
    damage = { integrity: [describeError(err)], problem: `SQLite cannot read this database: ${describeError(err)}` };
  } finally {
    db?.close();
  }
  return { report, state: image.state, stable: image.stable, damage };
}

/**
 * Our copy looked damaged on every attempt. Corruption is only reported once
 * it is confirmed: by a real SQLite's read transaction where that is safe,
 * else by copies that stayed consistent while they were read. A copy taken
 * while the app kept writing proves nothing, so then integrity is unknown.
 */
async function settleDoubt(read: DeepRead, integrityMode: IntegrityMode, engine: EngineChoice | false | undefined): Promise<void> {
  const { report, damage } = read;
  if (!damage) return;
  const unsafe = engine === false ? 'not asked' : confirmationUnsafe(read.state);
  let confirmation: Confirmation | undefined;
  let why = unsafe;
  if (!unsafe) {
    try {
      confirmation = await confirmWithSqlite(report.path, integrityMode, engine || undefined);
      if (!confirmation) why = 'no real SQLite engine is available';
    } catch (err) {
      why = `SQLite could not read it either: ${describeError(err)}`;
    }
  }
  if (confirmation) {
    report.integrity = confirmation.integrity;
    if (confirmation.tables) report.tables = confirmation.tables;
    if (!report.deep.ran && confirmation.tables) report.deep = { ran: true, layers: [`${confirmation.engine}, read-only`] };
    report.problems.push(`our lock-free copy ${read.stable ? 'looked damaged' : 'kept changing while it was read'}, so ${confirmation.engine} checked the file in read transactions (a shared lock, held at most ${confirmation.lockMs} ms)`);
    if (Array.isArray(confirmation.integrity)) report.problems.push(integrityProblem(confirmation.integrity));
  } else if (!read.stable) {
    report.integrity = null;
    report.problems.push(`${CHANGING_ON_EVERY_READ}; integrity unknown (${why})`);
  } else {
    report.integrity = integrityMode === 'none' ? null : damage.integrity;
    report.problems.push(damage.problem);
  }
}

function reportFrom(state: DatabaseState, integrityMode: IntegrityMode, deep: InspectReport['deep']): InspectReport {
  return {
    path: state.path,
    fileBytes: state.fileBytes,
    journalMode: state.journalMode,
    pageSize: state.pageSize,
    pageCount: state.pageCount,
    freelistCount: state.freelistCount,
    encoding: state.encoding,
    userVersion: state.userVersion,
    applicationId: state.applicationId,
    autoVacuum: state.autoVacuum,
    schemaVersion: state.schemaVersion,
    lastWriterVersion: state.header.sqliteVersion,
    tables: [],
    views: [],
    indexes: [],
    triggers: [],
    integrity: null,
    integrityMode,
    wal: state.wal ?? null,
    hotJournal: state.hotJournal,
    journal: state.journal ?? null,
    sidecars: state.sidecars,
    locks: state.locks ?? null,
    deep,
    space: null,
    connectionPragmas: { note: CONNECTION_PRAGMA_NOTE, pragmas: CONNECTION_PRAGMAS },
    problems: [...state.problems],
  };
}

function scalar(db: Database, sql: string): unknown {
  return db.exec(sql)[0]?.values[0]?.[0];
}

function fillFromEngine(db: Database, report: InspectReport, integrityMode: IntegrityMode): DeepRead['damage'] {
  report.pageSize = Number(scalar(db, 'PRAGMA page_size'));
  report.pageCount = Number(scalar(db, 'PRAGMA page_count'));
  report.freelistCount = Number(scalar(db, 'PRAGMA freelist_count'));
  report.encoding = scalar(db, 'PRAGMA encoding') as TextEncoding;
  report.userVersion = Number(scalar(db, 'PRAGMA user_version'));
  report.applicationId = Number(scalar(db, 'PRAGMA application_id'));
  report.autoVacuum = Number(scalar(db, 'PRAGMA auto_vacuum')) as 0 | 1 | 2;
  report.schemaVersion = Number(scalar(db, 'PRAGMA schema_version'));

  const schema = db.exec("SELECT type, name, tbl_name FROM sqlite_schema ORDER BY type, name")[0]?.values ?? [];
  for (const [type, name, table] of schema as [string, string, string][]) {
    if (type === 'table') report.tables.push(countRows(db, name));
    else if (type === 'view') report.views.push(name);
    else if (type === 'index') report.indexes.push({ name, table });
    else if (type === 'trigger') report.triggers.push({ name, table });
  }
  if (integrityMode !== 'none') {
    const rows = db.exec(`PRAGMA ${integrityMode === 'full' ? 'integrity_check' : 'quick_check'}`)[0]?.values ?? [];
    const messages = rows.map((r) => String(r[0]));
    if (messages.length === 1 && messages[0] === 'ok') report.integrity = 'ok';
    else return { integrity: messages, problem: integrityProblem(messages) };
  }
  return undefined;
}

function integrityProblem(messages: string[]): string {
  return `integrity check failed: ${messages.slice(0, 3).join('; ')}${messages.length > 3 ? ` (+${messages.length - 3} more)` : ''}`;
}

function countRows(db: Database, name: string): TableInfo {
  try {
    return { name, rows: Number(scalar(db, `SELECT count(*) FROM ${sqlIdentifier(name)}`)) };
  } catch (err) {
    return { name, rows: null, error: describeError(err) };
  }
}
