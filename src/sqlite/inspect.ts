import type { Database } from 'sql.js';
import { describeError } from './errors';
import { CONNECTION_PRAGMAS, CONNECTION_PRAGMA_NOTE } from './connectionPragmas';
import { readDatabaseImage } from './image';
import { loadSqlJs } from './sqljs';
import { DatabaseState, readDatabaseState } from './state';
import type { InspectReport, IntegrityMode, TableInfo, TextEncoding } from './reportTypes';
export type { InspectReport, IntegrityMode, SchemaObject, TableInfo } from './reportTypes';

export interface InspectOptions {
  integrity?: IntegrityMode;
  /** Above this many bytes only header facts are reported. */
  maxBytes?: number;
  /** Skip the sql.js part entirely. */
  headerOnly?: boolean;
}

const DEFAULT_MAX_DEEP_BYTES = 512 * 1024 * 1024;

export async function inspectDatabase(path: string, options: InspectOptions = {}): Promise<InspectReport> {
  const integrityMode = options.integrity ?? 'quick';
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DEEP_BYTES;
  if (options.headerOnly) {
    return reportFrom(await readDatabaseState(path, { withLocks: true }), integrityMode, { ran: false, layers: [], skipped: 'header only (as requested)' });
  }
  const image = await readDatabaseImage(path, maxBytes);
  if (!image.bytes) return reportFrom(image.state, integrityMode, { ran: false, layers: [], skipped: image.skipped });
  const report = reportFrom(image.state, integrityMode, { ran: true, layers: image.layers });
  const SQL = await loadSqlJs();
  let db: Database | undefined;
  try {
    db = new SQL.Database(image.bytes);
    fillFromEngine(db, report, integrityMode);
  } catch (err) {
    report.problems.push(`SQLite cannot read this database: ${describeError(err)}`);
    if (report.integrity === null && integrityMode !== 'none') report.integrity = [describeError(err)];
  } finally {
    db?.close();
  }
  return report;
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
    connectionPragmas: { note: CONNECTION_PRAGMA_NOTE, pragmas: CONNECTION_PRAGMAS },
    problems: [...state.problems],
  };
}

function scalar(db: Database, sql: string): unknown {
  return db.exec(sql)[0]?.values[0]?.[0];
}

function fillFromEngine(db: Database, report: InspectReport, integrityMode: IntegrityMode): void {
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
    report.integrity = messages.length === 1 && messages[0] === 'ok' ? 'ok' : messages;
    if (report.integrity !== 'ok') report.problems.push(`integrity check failed: ${messages.slice(0, 3).join('; ')}${messages.length > 3 ? ` (+${messages.length - 3} more)` : ''}`);
  }
}

function countRows(db: Database, name: string): TableInfo {
  try {
    return { name, rows: Number(scalar(db, `SELECT count(*) FROM "${name.replace(/"/g, '""')}"`)) };
  } catch (err) {
    return { name, rows: null, error: describeError(err) };
  }
}
