/**
 * What the advisor found in the app's own code and configuration: where it
 * opens a SQLite database and which per-connection settings it applies.
 * Parsers read text only (no code is ever executed) and say nothing rather
 * than guess.
 */
export type Stack = 'django' | 'rails' | 'node' | 'go' | 'python';

/** Where a connection runs: test code and in-memory databases are listed apart, never fixed nor counted. */
export type Scope = 'production' | 'development' | 'test';

/** The per-connection settings the advisor judges. */
export const SETTING_NAMES = ['journal_mode', 'synchronous', 'busy_timeout', 'foreign_keys', 'cache_size'] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

/**
 * One effective setting, three-valued: the app sets it (value, file:line),
 * the driver's or framework's default applies (value, its source), or it is
 * computed at run time and cannot be known from the code (the expression).
 * Values are normalised: journal_mode and synchronous lower-case names,
 * busy_timeout milliseconds, foreign_keys on/off, cache_size as SQLite takes it.
 */
export type Setting =
  | { state: 'set'; value: string; at: string }
  | { state: 'default'; value: string; source: string }
  | { state: 'unknown'; expression: string; at?: string };

export interface ConnectionFinding {
  stack: Stack;
  /** The driver or framework from the driver table (src/advice/drivers.ts), e.g. "mattn/go-sqlite3". */
  driver: string;
  /** The wrapper or ORM the app opens it through, when there is one (sqlx, gorm, ent, knex…). */
  via?: string;
  scope: Scope;
  /** POSIX path of the file, relative to the searched root. */
  file: string;
  line: number;
  /** The database as written in the source. */
  databaseExpr: string;
  /** Absolute path of the database when the expression could be resolved. */
  database?: string;
  /** PRAGMA name → value as the app sets it (lower-case names), including pragmas the advisor does not judge. */
  pragmas: Record<string, string>;
  /** The effective value of each judged setting. */
  settings: Record<SettingName, Setting>;
  notes: string[];
}

export interface BackupFinding {
  file: string;
  /** Database paths the config replicates, as written. */
  databases: string[];
}

export interface AppFindings {
  connections: ConnectionFinding[];
  backups: BackupFinding[];
  /** Files passed over (too large to be a hand-written config), so nothing is claimed about them. */
  skipped?: string[];
  /** Files that could not be read, decoded or parsed, each with why: the rest of the run went on. */
  problems?: { file: string; error: string }[];
  /** SQLite libraries the app ships in its dependencies (read from their headers, never run). */
  runtimes?: SqliteRuntime[];
}

export interface SqliteRuntime {
  /** e.g. "better-sqlite3 12.11.1" */
  name: string;
  /** POSIX path of the header it was read from, relative to the searched root. */
  file: string;
  sqliteVersion: string;
}

/** 1-based line number of a character offset. */
export function lineOf(text: string, offset: number): number {
  // Parsers ask for many offsets of one text: index its newlines once, then search.
  if (lineCache.text !== text) {
    const starts: number[] = [];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i);
    lineCache = { text, newlines: starts };
  }
  const nl = lineCache.newlines;
  let lo = 0, hi = nl.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (nl[mid]! < offset) lo = mid + 1; else hi = mid;
  }
  return lo + 1;
}

let lineCache: { text?: string; newlines: number[] } = { newlines: [] };
