/**
 * What the advisor found in the app's own code and configuration: where it
 * opens a SQLite database and which per-connection settings it applies.
 * Parsers read text only (no code is ever executed) and say nothing rather
 * than guess.
 */
export type Stack = 'django' | 'rails' | 'node' | 'go';

export interface ConnectionFinding {
  stack: Stack;
  /** POSIX path of the file, relative to the searched root. */
  file: string;
  line: number;
  /** The database as written in the source. */
  databaseExpr: string;
  /** Absolute path of the database when the expression could be resolved. */
  database?: string;
  /** PRAGMA name → value as the app sets it (lower-case names). */
  pragmas: Record<string, string>;
  /** Settings the stack applies by default when the app says nothing (with where that comes from). */
  defaults: Record<string, string>;
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

/** "PRAGMA a = b; PRAGMA c=d" → { a: 'b', c: 'd' } (names lower-cased, quotes stripped). */
export function parsePragmas(sql: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of sql.matchAll(/PRAGMA\s+(?:\w+\.)?(\w+)\s*(?:=\s*([^;'"\s)]+|'[^']*'|"[^"]*")|\(\s*([^)]*)\))/gi)) {
    const value = (m[2] ?? m[3] ?? '').replace(/^['"]|['"]$/g, '').trim();
    if (value) out[m[1]!.toLowerCase()] = value;
  }
  return out;
}
