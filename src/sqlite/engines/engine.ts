import { spawn } from 'node:child_process';

/**
 * A real SQLite, with its file locking, used for every write. sql.js has no
 * locks and only ever reads copies; anything that changes a live file goes
 * through one of these engines so concurrent writers are serialised by SQLite
 * itself and a hot journal is recovered exactly as SQLite would.
 *
 * Every engine runs in a child process: a busy wait (busy_timeout) never
 * freezes the caller (e.g. VS Code's extension host), and a stuck engine can
 * be killed without harm — SQLite is crash-safe by design.
 */
export type EngineId = 'node:sqlite' | 'sqlite3-shell' | 'python3';
export const ENGINE_IDS: readonly EngineId[] = ['node:sqlite', 'sqlite3-shell', 'python3'];

/** Rows of each statement, each row as an array of column values. */
export type StatementRows = unknown[][];

export interface SqlEngine {
  readonly id: EngineId;
  /** e.g. "sqlite3 shell 3.40.1" */
  readonly label: string;
  /** The SQLite library version it runs, e.g. "3.40.1" (known bugs are looked up by it). */
  readonly sqliteVersion: string;
  /** Aborting `signal` kills the engine's process: SQLite rolls back whatever was not committed. */
  run(file: string, statements: readonly string[], busyTimeoutMs: number, access?: EngineAccess, signal?: AbortSignal): Promise<StatementRows[]>;
}

/**
 * 'rw' (the default) never creates a database that is not there; 'ro' opens
 * read-only, for a consistent read under SQLite's own locks (it cannot roll
 * back a hot journal or checkpoint on close).
 */
export type EngineAccess = 'rw' | 'ro';

export class EngineError extends Error {
  constructor(message: string, readonly busy: boolean) {
    super(message);
    this.name = 'EngineError';
  }
}

export function isBusyMessage(message: string): boolean {
  return /database (table )?is locked|SQLITE_BUSY|database is busy/i.test(message);
}

/** Extra time beyond busy_timeout before a silent engine is killed. */
const GRACE_MS = 15_000;

export interface ChildRun {
  command: string;
  args: string[];
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Aborting kills the child (SIGKILL) and rejects with an AbortError: a newer request superseded it. */
  signal?: AbortSignal;
}

export interface ChildResult { code: number | null; stdout: string; stderr: string }

/**
 * Runs a child to completion; kills it (SIGKILL) past the timeout or when
 * aborted. Output is collected as bytes and decoded once at the end: a
 * multi-byte UTF-8 character split across two chunks must not become U+FFFD.
 */
export function runChild(run: ChildRun): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    if (run.signal?.aborted) return reject(abortError());
    const child = spawn(run.command, run.args, { env: run.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stop: 'timeout' | 'abort' | undefined;
    const kill = (why: 'timeout' | 'abort') => { stop ??= why; child.kill('SIGKILL'); };
    const timer = setTimeout(() => kill('timeout'), run.timeoutMs + GRACE_MS);
    const onAbort = () => kill('abort');
    run.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => { clearTimeout(timer); run.signal?.removeEventListener('abort', onAbort); };
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.on('error', (err) => { done(); reject(err); });
    child.on('close', (code) => {
      done();
      if (stop === 'abort') reject(abortError());
      else if (stop === 'timeout') reject(new EngineError(`SQLite did not answer within ${Math.round((run.timeoutMs + GRACE_MS) / 1000)} s and was stopped`, true));
      else resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
    child.stdin.on('error', () => { /* the child may exit before reading stdin; its exit code tells */ });
    child.stdin.end(run.stdin ?? '');
  });
}

function abortError(): Error {
  const err = new Error('superseded by a newer request');
  err.name = 'AbortError';
  return err;
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/**
 * The envelope our own engine scripts (node:sqlite, python3) print on stdout:
 * {"ok":true,"results":[...]} or {"ok":false,"error":"...","busy":bool}.
 */
export function parseEnvelope(stdout: string, stderr: string, engine: string): StatementRows[] {
  const line = stdout.trim().split('\n').pop() ?? '';
  let parsed: { ok: boolean; results?: StatementRows[]; error?: string; busy?: boolean };
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new EngineError(`${engine} failed: ${(stderr.trim() || stdout.trim() || 'no output').split('\n').pop()}`, false);
  }
  if (!parsed.ok) throw new EngineError(parsed.error ?? 'unknown error', parsed.busy ?? isBusyMessage(parsed.error ?? ''));
  return parsed.results ?? [];
}

/**
 * An engine that is one of our own scripts run by an interpreter (node -e,
 * python3 -c): the job goes in as a JSON argument, the envelope comes back.
 * `probe` runs the script with "--probe", which answers [[version, sqliteVersion]].
 */
export interface ScriptRoute {
  id: EngineId;
  command: string;
  /** Arguments before the job (or "--probe"). */
  prefix: string[];
  env?: NodeJS.ProcessEnv;
  label(runtimeVersion: string, sqliteVersion: string): string;
}

/** The engine, or why it is not available (for the log). */
export async function probeScriptEngine(route: ScriptRoute): Promise<SqlEngine | string> {
  try {
    const r = await runChild({ command: route.command, args: [...route.prefix, '--probe'], env: route.env, timeoutMs: 5000 });
    const [[row]] = parseEnvelope(r.stdout, r.stderr, route.id) as [[[string, string]]];
    return new ScriptEngine(route, route.label(row[0], row[1]), row[1]);
  } catch (err) {
    return `${route.command}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

class ScriptEngine implements SqlEngine {
  readonly id: EngineId;
  constructor(private readonly route: ScriptRoute, readonly label: string, readonly sqliteVersion: string) {
    this.id = route.id;
  }

  async run(file: string, statements: readonly string[], busyTimeoutMs: number, access: EngineAccess = 'rw', signal?: AbortSignal): Promise<StatementRows[]> {
    const job = JSON.stringify({ file, statements, busyTimeoutMs, access });
    const r = await runChild({ command: this.route.command, args: [...this.route.prefix, job], env: this.route.env, timeoutMs: busyTimeoutMs, signal });
    return parseEnvelope(r.stdout, r.stderr, this.label);
  }
}
