import { ChildExit } from './child';
import { ChildEngine, EngineId, EngineJob, SESSION_PRAGMAS, SqlEngine, fileUri, runChild } from './engine';
import { Envelope, StatementRows } from './outcome';

/**
 * The `sqlite3` command-line shell when it is on PATH (3.33+ for -json).
 * Statements go in on stdin after `.timeout`; `-bail` stops at the first
 * error, which the shell prints on stderr. The file is passed as a `mode=rw`
 * (or `mode=ro`) URI so a missing database is never created. A backup job
 * reads its statements and runs `.backup` inside one transaction: one snapshot.
 */
/** The engine, or why it is not available (for the log). */
export async function probeSqliteShell(command = 'sqlite3'): Promise<SqlEngine | string> {
  try {
    const r = await runChild({ command, args: ['-version'], deadlineMs: 5000 });
    const m = /^(\d+)\.(\d+)\.(\d+)/.exec(r.stdout.trim());
    if (r.code !== 0 || !m) return `${command} -version failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`;
    if (Number(m[1]) * 1000 + Number(m[2]) < 3033) return `${command} is ${m[0]}; 3.33 or newer is needed (for -json)`;
    return new SqliteShellEngine(command, `sqlite3 shell ${m[0]}`, m[0]);
  } catch (err) {
    return `${command}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH' : err instanceof Error ? err.message : String(err)}`;
  }
}

/** A dot-command argument: double-quoted, with the escapes the shell resolves inside double quotes. */
export function dotCommandArg(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

class SqliteShellEngine extends ChildEngine {
  readonly id: EngineId = 'sqlite3-shell';
  constructor(private readonly command: string, label: string, sqliteVersion: string) {
    super(label, sqliteVersion);
  }

  protected childFor(job: EngineJob) {
    // The shell prints a JSON array only for statements that return rows (VACUUM returns none),
    // so each statement is followed by a marker row: the arrays between markers are its rows.
    const lines = [`.timeout ${Math.round(job.busyTimeoutMs)}`, ...SESSION_PRAGMAS.map((p) => `${p};`)];
    if (job.backupTo) lines.push('BEGIN;');
    lines.push(...job.statements.map((s) => `${s};\nSELECT 1 AS ${MARKER};`));
    if (job.backupTo) lines.push(`.backup ${dotCommandArg(job.backupTo)}`, 'COMMIT;');
    return { command: this.command, args: ['-batch', '-bail', '-json', fileUri(job.file, job.access ?? 'rw')], stdin: lines.join('\n') + '\n' };
  }

  protected envelope(exit: ChildExit, job: EngineJob): Envelope | string {
    if (exit.code !== 0 || exit.stderr.trim()) {
      return { ok: false, error: exit.stderr.trim().replace(/^(Parse |Runtime )?error( near line \d+)?:\s*/i, '') || `exit code ${exit.code}` };
    }
    const results: StatementRows[] = [];
    let current: StatementRows = [];
    let arrays: Record<string, unknown>[][];
    try {
      arrays = splitJsonArrays(exit.stdout);
    } catch {
      return `the sqlite3 shell printed what is not JSON: ${exit.stdout.trim().slice(0, 200)}`;
    }
    for (const rows of arrays) {
      if (rows.length === 1 && Object.keys(rows[0]!).join() === MARKER) {
        results.push(current);
        current = [];
      } else {
        current.push(...rows.map((row) => Object.values(row)));
      }
    }
    if (results.length !== job.statements.length) return `the sqlite3 shell finished ${results.length} of ${job.statements.length} statement(s)`;
    return { ok: true, results };
  }
}

const MARKER = '__sqlite_doctor_end__';

/** The shell prints one JSON array per statement that returned rows. */
function splitJsonArrays(stdout: string): Record<string, unknown>[][] {
  const text = stdout.trim();
  if (!text) return [];
  return JSON.parse(`[${text.replace(/\]\s*\n\s*\[/g, '],[')}]`) as Record<string, unknown>[][];
}
