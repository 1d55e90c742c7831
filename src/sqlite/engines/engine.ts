import { ChildExit, ChildRun, runChild, spawnChild } from './child';
import { EngineError, Envelope, Outcome, StatementRows, parseEnvelope, outcomeOf } from './outcome';
import { ProgressListener, growthTicker, progressLine } from './progress';

/**
 * A real SQLite, with its file locking, used for every write. sql.js has no
 * locks and only ever reads copies; anything that changes a live file goes
 * through one of these engines so concurrent writers are serialised by SQLite
 * itself and a hot journal is recovered exactly as SQLite would.
 *
 * Every engine runs in a child process (see child.ts): a busy wait never
 * freezes the caller (e.g. VS Code's extension host), and a stopped engine
 * does no harm — SQLite is crash-safe by design.
 */
/** How long a write waits for another connection's lock unless told otherwise (the CLI's --busy-timeout default). */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export type EngineId = 'node:sqlite' | 'sqlite3-shell' | 'python3';
export const ENGINE_IDS: readonly EngineId[] = ['node:sqlite', 'sqlite3-shell', 'python3'];

export type { StatementRows } from './outcome';
export { EngineError, isBusy } from './outcome';
export { isAbortError, runChild } from './child';

/**
 * 'rw' (the default) never creates a database that is not there; 'ro' opens
 * read-only, for a consistent read under SQLite's own locks (it cannot roll
 * back a hot journal or checkpoint on close).
 */
export type EngineAccess = 'rw' | 'ro';

/**
 * Set on every connection we open to a workspace's database: its schema is
 * not ours, so its views and triggers may not call functions on our
 * connection, and a damaged cell is an error rather than a wild read.
 */
export const SESSION_PRAGMAS = ['PRAGMA trusted_schema=OFF', 'PRAGMA cell_size_check=ON'];

export interface EngineJob {
  file: string;
  statements: readonly string[];
  access?: EngineAccess;
  /** How long SQLite itself waits for another connection's lock. */
  busyTimeoutMs: number;
  /**
   * Wall-clock bound on the whole run. Undefined: as long as it needs (a
   * VACUUM, a backup or an integrity check of a big file); the lock wait is
   * still bounded by busyTimeoutMs, inside SQLite.
   */
  deadlineMs?: number;
  /** Aborting stops the engine's process group: SQLite rolls back whatever was not committed. */
  signal?: AbortSignal;
  /**
   * Run the statements inside one read transaction, then copy that very
   * snapshot to this (new) file: the backup API (node:sqlite, python3) or
   * the shell's `.backup`.
   */
  backupTo?: string;
  onProgress?: ProgressListener;
  /** Files whose growth is the progress (a -journal, a VACUUM INTO target). */
  growing?: readonly string[];
}

/** The job as our scripts read it (JSON): the same for every engine. */
export function scriptJob(job: EngineJob): string {
  return JSON.stringify({ file: job.file, statements: job.statements, access: job.access ?? 'rw', busyTimeoutMs: Math.round(job.busyTimeoutMs), setup: SESSION_PRAGMAS, backupTo: job.backupTo });
}

export interface SqlEngine {
  readonly id: EngineId;
  /** e.g. "sqlite3 shell 3.40.1" */
  readonly label: string;
  /** The SQLite library version it runs, e.g. "3.40.1" (known bugs are looked up by it). */
  readonly sqliteVersion: string;
  /** Runs a job and says what happened; never throws for what SQLite or a stop did. */
  exec(job: EngineJob): Promise<Outcome>;
  /** exec for a caller that wants the rows or an EngineError (no deadline; the lock wait is busyTimeoutMs). */
  run(file: string, statements: readonly string[], busyTimeoutMs: number, access?: EngineAccess, signal?: AbortSignal): Promise<StatementRows[]>;
}

/** An engine that is a child process: subclasses say how to start it and read its answer. */
export abstract class ChildEngine implements SqlEngine {
  abstract readonly id: EngineId;
  constructor(readonly label: string, readonly sqliteVersion: string) {}

  protected abstract childFor(job: EngineJob): Pick<ChildRun, 'command' | 'args' | 'stdin' | 'env'>;
  protected abstract envelope(exit: ChildExit, job: EngineJob): Envelope | string;

  async exec(job: EngineJob): Promise<Outcome> {
    const listen = job.onProgress;
    const exit = await spawnChild({
      ...this.childFor(job),
      deadlineMs: job.deadlineMs,
      signal: job.signal,
      onLine: listen && progressLine(listen),
      onTick: listen && growthTicker([...(job.growing ?? []), ...(job.backupTo ? [job.backupTo] : [])], listen),
    });
    return outcomeOf(exit, exit.stop ? '' : this.envelope(exit, job));
  }

  async run(file: string, statements: readonly string[], busyTimeoutMs: number, access: EngineAccess = 'rw', signal?: AbortSignal): Promise<StatementRows[]> {
    const o = await this.exec({ file, statements, busyTimeoutMs, access, signal });
    if (o.code !== 'ok') throw new EngineError(o, busyTimeoutMs);
    return o.rows;
  }
}

/** `file:` URI for a path: `mode=rw` never creates a database, `mode=ro` never writes. */
export function fileUri(file: string, access: EngineAccess): string {
  return `file:${encodeURI(file).replace(/[?#]/g, encodeURIComponent)}?mode=${access}`;
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

const PROBE_DEADLINE_MS = 5000;

/** The engine, or why it is not available (for the log). */
export async function probeScriptEngine(route: ScriptRoute): Promise<SqlEngine | string> {
  try {
    const r = await runChild({ command: route.command, args: [...route.prefix, '--probe'], env: route.env, deadlineMs: PROBE_DEADLINE_MS });
    const envelope = parseEnvelope(r.stdout, r.stderr, route.id);
    if (typeof envelope === 'string') return envelope;
    if (!envelope.ok) return envelope.error ?? 'unknown error';
    const [[row]] = envelope.results as [[[string, string]]];
    return new ScriptEngine(route, route.label(row[0], row[1]), row[1]);
  } catch (err) {
    return `${route.command}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

class ScriptEngine extends ChildEngine {
  readonly id: EngineId;
  constructor(private readonly route: ScriptRoute, label: string, sqliteVersion: string) {
    super(label, sqliteVersion);
    this.id = route.id;
  }

  protected childFor(job: EngineJob) {
    return { command: this.route.command, args: [...this.route.prefix, scriptJob(job)], env: this.route.env };
  }

  protected envelope(exit: ChildExit): Envelope | string {
    return parseEnvelope(exit.stdout, exit.stderr, this.label);
  }
}
