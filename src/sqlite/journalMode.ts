import { EngineChoice, findEngine } from './engines/select';
import { EngineError, SqlEngine } from './engines/engine';
import { Intent, Preflight, PreflightOptions, preflight } from './preflight';
import { DatabaseState, JournalMode, readDatabaseState } from './state';

/**
 * Enable WAL, disable WAL, checkpoint: always through a real SQLite engine
 * (its locks serialise us with live writers), never by patching bytes or
 * rewriting the file, and never reported as done until re-read and verified.
 */
export type CheckpointMode = 'PASSIVE' | 'FULL' | 'RESTART' | 'TRUNCATE';
export const CHECKPOINT_MODES: readonly CheckpointMode[] = ['PASSIVE', 'FULL', 'RESTART', 'TRUNCATE'];
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export interface OperationOptions extends PreflightOptions {
  dryRun?: boolean;
  busyTimeoutMs?: number;
  engine?: EngineChoice;
}

export interface ModeSnapshot {
  journalMode: JournalMode;
  walBytes: number;
  uncheckpointedFrames: number;
  hotJournal: boolean;
}

export interface OperationResult {
  operation: Intent;
  file: string;
  outcome: 'done' | 'unchanged' | 'refused' | 'dry-run';
  /** One sentence for a notification or a terminal. */
  message: string;
  /** Refusals: what to do next. */
  next?: string;
  /** The exact command a person can run themselves. */
  manualCommand: string;
  engine?: string;
  before: ModeSnapshot;
  after?: ModeSnapshot;
  /** What was checked after the write. */
  verified?: { headerMode: JournalMode; freshConnectionMode: string };
  checkpoint?: { mode: CheckpointMode; busy: boolean; logFrames: number; checkpointedFrames: number; framesLeft: number };
  preflight: Preflight;
}

function snapshot(s: DatabaseState): ModeSnapshot {
  return { journalMode: s.journalMode, walBytes: s.sidecars.wal?.bytes ?? 0, uncheckpointedFrames: s.wal?.uncheckpointedFrames ?? 0, hotJournal: s.hotJournal };
}

export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

const STATEMENT: Record<Intent, (mode: CheckpointMode) => string> = {
  'enable-wal': () => 'PRAGMA journal_mode=WAL',
  'disable-wal': () => 'PRAGMA journal_mode=DELETE',
  checkpoint: (mode) => `PRAGMA wal_checkpoint(${mode})`,
};

/**
 * SQLite opens the WAL lazily, at the first read: a checkpoint on a
 * connection that has read nothing reports 0 frames, so read first. A
 * TRUNCATE checkpoint reports the log as it is afterwards (empty), so a
 * PASSIVE pass first gives the figures to report.
 */
const CHECKPOINT_STATEMENTS = (mode: CheckpointMode) => [
  'SELECT count(*) FROM sqlite_schema',
  ...(mode === 'TRUNCATE' ? ['PRAGMA wal_checkpoint(PASSIVE)'] : []),
  `PRAGMA wal_checkpoint(${mode})`,
];

/** [busy, log frames, checkpointed frames] rows → what a person wants to know. */
function checkpointFigures(mode: CheckpointMode, results: unknown[][][]): NonNullable<OperationResult['checkpoint']> {
  const row = (i: number) => (results[i]?.[0] ?? []).map(Number) as [number, number, number];
  const [busy, log, done] = row(results.length - 1);
  if (mode !== 'TRUNCATE') return { mode, busy: busy !== 0, logFrames: log, checkpointedFrames: done, framesLeft: Math.max(0, log - done) };
  const [, passiveLog, passiveDone] = row(1);
  return busy
    ? { mode, busy: true, logFrames: passiveLog, checkpointedFrames: passiveDone, framesLeft: Math.max(0, passiveLog - passiveDone) }
    : { mode, busy: false, logFrames: passiveLog, checkpointedFrames: passiveLog, framesLeft: 0 };
}

interface Plan {
  intent: Intent;
  checkpointMode: CheckpointMode;
  /** Why there is nothing to do, if so. */
  alreadyDone(s: DatabaseState): string | undefined;
  wouldDo: string;
}

export function enableWal(file: string, options: OperationOptions = {}): Promise<OperationResult> {
  return run(file, options, {
    intent: 'enable-wal',
    checkpointMode: 'PASSIVE',
    alreadyDone: (s) => (s.journalMode === 'wal' && !s.hotJournal ? 'already in WAL mode' : undefined),
    wouldDo: 'switch the database to WAL (PRAGMA journal_mode=WAL) through real SQLite, then verify the header and a fresh connection',
  });
}

export function disableWal(file: string, options: OperationOptions = {}): Promise<OperationResult> {
  return run(file, options, {
    intent: 'disable-wal',
    checkpointMode: 'PASSIVE',
    alreadyDone: (s) => (s.journalMode !== 'wal' ? `not in WAL mode (journal mode is ${s.journalMode})` : undefined),
    wouldDo: 'checkpoint the -wal into the database and switch back to rollback journal (PRAGMA journal_mode=DELETE), then verify',
  });
}

export function checkpoint(file: string, mode: CheckpointMode = 'TRUNCATE', options: OperationOptions = {}): Promise<OperationResult> {
  return run(file, options, {
    intent: 'checkpoint',
    checkpointMode: mode,
    alreadyDone: (s) => (s.journalMode !== 'wal' && !s.sidecars.wal ? 'not in WAL mode: there is no -wal to checkpoint' : undefined),
    wouldDo: `copy the committed -wal frames into the database (PRAGMA wal_checkpoint(${mode}))`,
  });
}

async function run(file: string, options: OperationOptions, plan: Plan): Promise<OperationResult> {
  const pre = await preflight(file, plan.intent, options);
  const statement = STATEMENT[plan.intent](plan.checkpointMode);
  const base = {
    operation: plan.intent,
    file,
    manualCommand: `sqlite3 ${shellQuote(pre.realPath)} ${shellQuote(`PRAGMA busy_timeout=${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}; ${statement};`)}`,
    before: snapshot(pre.state),
    preflight: pre,
  };
  const already = plan.alreadyDone(pre.state);
  if (already) return { ...base, outcome: 'unchanged', message: `${file}: ${already}; nothing changed.` };
  if (pre.blockers.length) {
    return { ...base, outcome: 'refused', message: `Refused: ${pre.blockers.join('; ')}.`, next: 'Fix the cause above and try again; nothing was changed.' };
  }
  const engine = await findEngine(options.engine);
  if (!engine) {
    return {
      ...base,
      outcome: 'refused',
      message: `Refused: ${options.engine?.prefer && options.engine.prefer !== 'auto' ? `the ${options.engine.prefer} engine is not` : 'no real SQLite engine (node:sqlite, the sqlite3 shell or python3) is'} available here, and changing a live database without SQLite's own locking could lose data.`,
      next: `Run this yourself: ${base.manualCommand}`,
    };
  }
  if (options.dryRun) return { ...base, outcome: 'dry-run', engine: engine.label, message: `Dry run: would ${plan.wouldDo} using ${engine.label}.` };
  return execute(engine, file, statement, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS, plan, base);
}

async function execute(engine: SqlEngine, file: string, statement: string, busyTimeoutMs: number, plan: Plan,
  base: Omit<OperationResult, 'outcome' | 'message'>): Promise<OperationResult> {
  let results: unknown[][][];
  try {
    results = await engine.run(file, plan.intent === 'checkpoint' ? CHECKPOINT_STATEMENTS(plan.checkpointMode) : [statement], busyTimeoutMs);
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    return { ...base, engine: engine.label, outcome: 'refused', ...refusalFor(err, plan.intent, busyTimeoutMs) };
  }
  const after = await readDatabaseState(file);
  if (plan.intent === 'checkpoint') {
    const cp = checkpointFigures(plan.checkpointMode, results);
    const { busy, logFrames, checkpointedFrames, framesLeft } = cp;
    const message = busy
      ? `Checkpoint (${plan.checkpointMode}) could not finish because other connections are reading or writing: ${checkpointedFrames} of ${logFrames} frame(s) copied, ${framesLeft} left.`
      : `Checkpoint (${plan.checkpointMode}) done: ${checkpointedFrames} of ${logFrames} frame(s) copied into the database, ${framesLeft} left.`;
    return { ...base, engine: engine.label, outcome: 'done', message, checkpoint: cp, after: snapshot(after) };
  }
  const wanted: JournalMode = plan.intent === 'enable-wal' ? 'wal' : 'delete';
  const reported = String(results[0]?.[0]?.[0] ?? '').toLowerCase();
  if (reported !== wanted) {
    // SQLite keeps the old mode without an error where it cannot switch.
    return { ...base, engine: engine.label, outcome: 'refused', after: snapshot(after),
      message: `SQLite kept journal mode "${reported}" instead of switching to ${wanted.toUpperCase()}.`,
      next: 'The database may be opened with locking_mode=EXCLUSIVE or by a connection that forbids the change; close other connections and try again.' };
  }
  const fresh = String((await engine.run(file, ['PRAGMA journal_mode'], busyTimeoutMs))[0]?.[0]?.[0] ?? '').toLowerCase();
  if (after.journalMode !== wanted || fresh !== wanted) {
    throw new Error(`${file}: the change was not verified: the header says ${after.journalMode} and a fresh connection reports ${fresh}`);
  }
  return {
    ...base,
    engine: engine.label,
    outcome: 'done',
    after: snapshot(after),
    verified: { headerMode: after.journalMode, freshConnectionMode: fresh },
    message: `${file} is now in ${wanted === 'wal' ? 'WAL' : 'rollback journal (DELETE)'} mode (verified in the file header and by a fresh connection).`,
  };
}

function refusalFor(err: EngineError, intent: Intent, busyTimeoutMs: number): { message: string; next: string } {
  if (err.busy && intent === 'disable-wal') {
    return {
      message: 'Refused: other connections have the database open. Leaving WAL needs every other connection closed (WAL connections keep the database open in shared mode).',
      next: 'Stop the app or close its connections, then try again.',
    };
  }
  if (err.busy) {
    return {
      message: `Refused: another process kept the database locked for more than ${busyTimeoutMs / 1000} s; nothing was changed.`,
      next: 'Try again when the app is idle, or raise the busy timeout.',
    };
  }
  if (/readonly|read-only|unable to open/i.test(err.message)) {
    return { message: `Refused: SQLite cannot write here (${err.message}).`, next: 'Check the permissions of the file and its folder.' };
  }
  return { message: `Refused: SQLite reported "${err.message}"; nothing was changed.`, next: 'Inspect the database for corruption (sqlite-doctor inspect --integrity full) before trying again.' };
}
