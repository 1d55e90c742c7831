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
}

/** 1-based line number of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** "PRAGMA a = b; PRAGMA c=d" → { a: 'b', c: 'd' } (names lower-cased, quotes stripped). */
export function parsePragmas(sql: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of sql.matchAll(/PRAGMA\s+(?:\w+\.)?(\w+)\s*(?:=\s*([^;'"\s)]+|'[^']*'|"[^"]*")|\(\s*([^)]*)\))/gi)) {
    const value = (m[2] ?? m[3] ?? '').replace(/^['"]|['"]$/g, '').trim();
    if (value) out[m[1]!.toLowerCase()] = value;
  }
  return out;
}
