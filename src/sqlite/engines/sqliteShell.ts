import { EngineAccess, EngineError, EngineId, SqlEngine, StatementRows, isBusyMessage, runChild } from './engine';

/**
 * The `sqlite3` command-line shell when it is on PATH (3.33+ for -json).
 * Statements go in on stdin after `.timeout`; `-bail` stops at the first
 * error, which the shell prints on stderr. The file is passed as a `mode=rw`
 * (or `mode=ro`) URI so a missing database is never created.
 */
/** The engine, or why it is not available (for the log). */
export async function probeSqliteShell(command = 'sqlite3'): Promise<SqlEngine | string> {
  try {
    const r = await runChild({ command, args: ['-version'], timeoutMs: 5000 });
    const m = /^(\d+)\.(\d+)\.(\d+)/.exec(r.stdout.trim());
    if (r.code !== 0 || !m) return `${command} -version failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`;
    if (Number(m[1]) * 1000 + Number(m[2]) < 3033) return `${command} is ${m[0]}; 3.33 or newer is needed (for -json)`;
    return new SqliteShellEngine(command, `sqlite3 shell ${m[0]}`, m[0]);
  } catch (err) {
    return `${command}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH' : err instanceof Error ? err.message : String(err)}`;
  }
}

function fileUri(file: string, access: EngineAccess): string {
  return `file:${encodeURI(file).replace(/[?#]/g, encodeURIComponent)}?mode=${access}`;
}

class SqliteShellEngine implements SqlEngine {
  readonly id: EngineId = 'sqlite3-shell';
  constructor(private readonly command: string, readonly label: string, readonly sqliteVersion: string) {}

  async run(file: string, statements: readonly string[], busyTimeoutMs: number, access: EngineAccess = 'rw', signal?: AbortSignal): Promise<StatementRows[]> {
    // The shell prints a JSON array only for statements that return rows (VACUUM returns none),
    // so each statement is followed by a marker row: the arrays between markers are its rows.
    const script = [`.timeout ${Math.round(busyTimeoutMs)}`, ...statements.map((s) => `${s};\nSELECT 1 AS ${MARKER};`)].join('\n') + '\n';
    const r = await runChild({ command: this.command, args: ['-batch', '-bail', '-json', fileUri(file, access)], stdin: script, timeoutMs: busyTimeoutMs, signal });
    if (r.code !== 0 || r.stderr.trim()) {
      const msg = r.stderr.trim().replace(/^(Parse |Runtime )?error( near line \d+)?:\s*/i, '') || `exit code ${r.code}`;
      throw new EngineError(msg, isBusyMessage(msg));
    }
    const results: StatementRows[] = [];
    let current: StatementRows = [];
    for (const rows of splitJsonArrays(r.stdout)) {
      if (rows.length === 1 && Object.keys(rows[0]!).join() === MARKER) {
        results.push(current);
        current = [];
      } else {
        current.push(...rows.map((row) => Object.values(row)));
      }
    }
    if (results.length !== statements.length) {
      throw new EngineError(`the sqlite3 shell finished ${results.length} of ${statements.length} statement(s)`, false);
    }
    return results;
  }
}

const MARKER = '__sqlite_doctor_end__';

/** The shell prints one JSON array per statement that returned rows. */
function splitJsonArrays(stdout: string): Record<string, unknown>[][] {
  const text = stdout.trim();
  if (!text) return [];
  return JSON.parse(`[${text.replace(/\]\s*\n\s*\[/g, '],[')}]`) as Record<string, unknown>[][];
}
