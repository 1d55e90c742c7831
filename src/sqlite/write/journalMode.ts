import { EngineChoice, findEngine } from '../engines/select';
import { DEFAULT_BUSY_TIMEOUT_MS, EngineError, SqlEngine } from '../engines/engine';
import { WAL_RESET_BUG } from '../../advice/knowledge/knownBugs';
import { HOLDS_CHECKPOINT_BACK, diagnose, readLockHolders } from '../live/lockHolders';
import { Intent, Preflight, PreflightOptions, preflight } from './preflight';
import { shellCommand } from '../os/shellQuote';
import { DatabaseState, JournalMode, readDatabaseState } from '../disk/state';

/**
 * Enable WAL, disable WAL, checkpoint: always through a real SQLite engine
 * (its locks serialise us with live writers), never by patching bytes or
 * rewriting the file, and never reported as done until re-read and verified.
 */
/**
 * AUTO (the default): PASSIVE, which never blocks the app, then — only when
 * that copied every frame and no other process has the database open — a
 * TRUNCATE that empties the -wal file. The blocking modes take the write lock
 * and wait for readers while holding it, so the app's writers wait too: we
 * hold it at most WRITE_LOCK_CAP_MS.
 */
export type CheckpointMode = 'AUTO' | 'PASSIVE' | 'FULL' | 'RESTART' | 'TRUNCATE';
export const CHECKPOINT_MODES: readonly CheckpointMode[] = ['AUTO', 'PASSIVE', 'FULL', 'RESTART', 'TRUNCATE'];
export const WRITE_LOCK_CAP_MS = 1000;

export interface OperationOptions extends PreflightOptions {
  dryRun?: boolean;
  busyTimeoutMs?: number;
  engine?: EngineChoice;
}

export interface ModeFacts {
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
  before: ModeFacts;
  after?: ModeFacts;
  /** What was checked after the write. */
  verified?: { headerMode: JournalMode; freshConnectionMode: string };
  checkpoint?: { mode: CheckpointMode; busy: boolean; logFrames: number; checkpointedFrames: number; framesLeft: number };
  preflight: Preflight;
}

function snapshot(s: DatabaseState): ModeFacts {
  return { journalMode: s.journalMode, walBytes: s.sidecars.wal?.bytes ?? 0, uncheckpointedFrames: s.wal?.uncheckpointedFrames ?? 0, hotJournal: s.hotJournal };
}

const STATEMENT: Record<Intent, (mode: CheckpointMode) => string> = {
  'enable-wal': () => 'PRAGMA journal_mode=WAL',
  'disable-wal': () => 'PRAGMA journal_mode=DELETE',
  checkpoint: (mode) => `PRAGMA wal_checkpoint(${mode === 'AUTO' ? 'PASSIVE' : mode})`,
};

/**
 * SQLite opens the WAL lazily, at the first read: a checkpoint on a
 * connection that has read nothing reports 0 frames, so read first. A
 * PASSIVE pass always comes first: it gives the figures to report (a
 * TRUNCATE reports the log as it is afterwards, empty) and does the copying
 * without blocking anyone. A blocking mode then runs with a capped busy
 * timeout, the time the app's writers may have to wait for us.
 */
function checkpointStatements(mode: CheckpointMode, busyTimeoutMs: number): string[] {
  const base = ['SELECT count(*) FROM sqlite_schema', 'PRAGMA wal_checkpoint(PASSIVE)'];
  if (mode === 'PASSIVE' || mode === 'AUTO') return base;
  return [...base, `PRAGMA busy_timeout=${Math.min(busyTimeoutMs, WRITE_LOCK_CAP_MS)}`, `PRAGMA wal_checkpoint(${mode})`];
}

/** [busy, log frames, checkpointed frames] rows → what a person wants to know. */
function checkpointFigures(mode: CheckpointMode, results: unknown[][][]): NonNullable<OperationResult['checkpoint']> {
  const row = (i: number) => (results[i]?.[0] ?? []).map(Number) as [number, number, number];
  const [passiveBusy, log, copied] = row(1);
  const passive = { mode, busy: passiveBusy !== 0, logFrames: log, checkpointedFrames: copied, framesLeft: Math.max(0, log - copied) };
  if (results.length <= 2) return passive;
  const [busy, finalLog, finalCopied] = row(results.length - 1);
  if (busy) return { ...passive, busy: true };
  // TRUNCATE/RESTART report the log as it is afterwards (empty): everything was copied.
  return mode === 'FULL'
    ? { mode, busy: false, logFrames: finalLog, checkpointedFrames: finalCopied, framesLeft: Math.max(0, finalLog - finalCopied) }
    : { mode, busy: false, logFrames: log, checkpointedFrames: log, framesLeft: 0 };
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

export function checkpoint(file: string, mode: CheckpointMode = 'AUTO', options: OperationOptions = {}): Promise<OperationResult> {
  return run(file, options, {
    intent: 'checkpoint',
    checkpointMode: mode,
    // pager.c deletes an empty -wal beside a rollback-mode database and only opens a non-empty one.
    alreadyDone: (s) => (s.journalMode !== 'wal' && !s.sidecars.wal?.bytes ? 'not in WAL mode: there is no -wal to checkpoint' : undefined),
    wouldDo: mode === 'AUTO'
      ? 'copy the committed -wal frames into the database without blocking the app (PRAGMA wal_checkpoint(PASSIVE)), then empty the -wal (TRUNCATE) if no other process has the database open'
      : `copy the committed -wal frames into the database (PRAGMA wal_checkpoint(${mode}); the app's writers may wait up to ${WRITE_LOCK_CAP_MS / 1000} s)`,
  });
}

async function run(file: string, options: OperationOptions, plan: Plan): Promise<OperationResult> {
  const pre = await preflight(file, plan.intent, options);
  const statement = STATEMENT[plan.intent](plan.checkpointMode);
  const base = {
    operation: plan.intent,
    file,
    manualCommand: shellCommand('sqlite3', pre.realPath, `PRAGMA busy_timeout=${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}; ${statement};`),
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
  // The WAL-reset bug needs WAL mode and concurrent writers or checkpoints: say so when only an affected SQLite is here.
  if (plan.intent !== 'disable-wal' && WAL_RESET_BUG.affects(engine.sqliteVersion)) {
    pre.notes.push(`${engine.label} has the ${WAL_RESET_BUG.name} (fixed in ${WAL_RESET_BUG.firstFixed}) and no unaffected SQLite engine was found here; the risk is a checkpoint racing another writer — install a newer sqlite3 or Node for an unaffected engine (${WAL_RESET_BUG.url})`);
  }
  if (options.dryRun) return { ...base, outcome: 'dry-run', engine: engine.label, message: `Dry run: would ${plan.wouldDo} using ${engine.label}.` };
  return execute(engine, file, statement, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS, plan, base);
}

async function execute(engine: SqlEngine, file: string, statement: string, busyTimeoutMs: number, plan: Plan,
  base: Omit<OperationResult, 'outcome' | 'message'>): Promise<OperationResult> {
  const statements = plan.intent === 'checkpoint' ? checkpointStatements(plan.checkpointMode, busyTimeoutMs) : [statement];
  let results: unknown[][][];
  const started = Date.now();
  try {
    results = await runWaiting(engine, file, statements, busyTimeoutMs);
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    return { ...base, engine: engine.label, outcome: 'refused', ...refusalFor(err, plan.intent, Date.now() - started, base.preflight) };
  }
  if (plan.intent === 'checkpoint') return checkpointResult(engine, file, plan.checkpointMode, results, busyTimeoutMs, base);
  const after = await readDatabaseState(file);
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

/**
 * SQLite answers "busy" at once, without calling its busy handler, where
 * waiting could deadlock (we hold SHARED and another connection holds
 * RESERVED, waiting for us to go). The caller asked us to wait up to
 * busyTimeoutMs, so we retry from scratch — a new connection holds nothing —
 * until that budget is spent.
 */
async function runWaiting(engine: SqlEngine, file: string, statements: readonly string[], busyTimeoutMs: number): Promise<unknown[][][]> {
  const deadline = Date.now() + busyTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await engine.run(file, statements, Math.max(0, deadline - Date.now()));
    } catch (err) {
      if (!(err instanceof EngineError) || !err.busy || Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, Math.min(250, 10 * 2 ** attempt, Math.max(0, deadline - Date.now()))));
    }
  }
}

async function checkpointResult(engine: SqlEngine, file: string, mode: CheckpointMode, results: unknown[][][], busyTimeoutMs: number,
  base: Omit<OperationResult, 'outcome' | 'message'>): Promise<OperationResult> {
  let cp = checkpointFigures(mode, results);
  const others = base.preflight.openBy ?? [];
  let truncated = false;
  if (mode === 'AUTO' && !cp.busy && cp.framesLeft === 0 && base.preflight.openBy && others.length === 0) {
    // Nobody else has it open: emptying the -wal cannot make anyone wait.
    const more = await runWaiting(engine, file, checkpointStatements('TRUNCATE', busyTimeoutMs), busyTimeoutMs).catch(() => undefined);
    truncated = !!more && checkpointFigures('TRUNCATE', more).busy === false;
  }
  const after = await readDatabaseState(file);
  if (cp.logFrames < 0) cp = { ...cp, logFrames: 0, checkpointedFrames: 0, framesLeft: 0 };
  const { busy, logFrames, checkpointedFrames, framesLeft } = cp;
  const holders = others.length ? ` (open in pid ${others.join(', ')})` : '';
  const label = mode === 'AUTO' ? `PASSIVE${truncated ? ' + TRUNCATE' : ''}` : mode;
  // Who holds the frames back, from the lock bytes and reader marks (Linux), when it can be told.
  const holdersReport = framesLeft > 0 || busy ? await readLockHolders(file, { openFiles: false, state: after }).catch(() => undefined) : undefined;
  const why = holdersReport && diagnose(holdersReport, after).find((d) => HOLDS_CHECKPOINT_BACK.has(d.code))?.text;
  const message = framesLeft > 0 || busy
    ? `Checkpoint (${label}) could not finish: ${checkpointedFrames} of ${logFrames} frame(s) copied, ${framesLeft} left, because another connection${holders} is reading an older snapshot or writing${why ? ` (${why})` : ''}. Nothing is lost; the rest is copied once it finishes.`
    : `Checkpoint (${label}) done: ${checkpointedFrames} of ${logFrames} frame(s) copied into the database${truncated ? ', -wal emptied' : ''}.`;
  return { ...base, engine: engine.label, outcome: 'done', message, checkpoint: cp, after: snapshot(after) };
}

function refusalFor(err: EngineError, intent: Intent, waitedMs: number, pre: Preflight): { message: string; next: string } {
  if (err.busy && intent === 'disable-wal') {
    return {
      message: 'Refused: other connections have the database open. Leaving WAL needs every other connection closed (WAL connections keep the database open in shared mode).',
      next: 'Stop the app or close its connections, then try again.',
    };
  }
  if (err.busy) {
    const holders = pre.state.locks?.pids.length ? ` (pid ${pre.state.locks.pids.join(', ')} held a ${pre.state.locks.level} lock before we started)` : pre.openBy?.length ? ` (open in pid ${pre.openBy.join(', ')})` : '';
    return {
      message: `Refused: another process${holders} kept the database locked for the ${(waitedMs / 1000).toFixed(1)} s we waited; nothing was changed.`,
      next: 'Try again when the app is idle, or raise the busy timeout.',
    };
  }
  if (err.cannotWrite) {
    return { message: `Refused: SQLite cannot write here (${err.message}).`, next: 'Check the permissions of the file and its folder.' };
  }
  return { message: `Refused: SQLite reported "${err.message}"; nothing was changed.`, next: 'Inspect the database for corruption (sqlite-doctor inspect --integrity full) before trying again.' };
}
