import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import { DEFAULT_BUSY_TIMEOUT_MS, SqlEngine } from '../engines/engine';
import { EngineChoice, findEngine } from '../engines/select';
import { Stopped, describeOutcome } from '../engines/outcome';
import { ProgressListener } from '../engines/progress';
import { formatBytes, vacuumSavingSources } from '../../shared/format';
import { readLockHolders } from '../live/lockHolders';
import { processesWithOpen } from '../os/openers';
import { estimateVacuumSavings } from '../content/space';
import { DatabaseState, readDatabaseState } from '../disk/state';
import { settleAfterStop } from './afterStop';
import { removeWithSidecars, syncFile, syncFolder, tempBeside } from './atomicFile';
import { Target, resolveTarget, targetUnchanged } from './backupTarget';
import { FreeSpace, spaceBlocker } from './diskSpace';
import { sqlString } from '../os/sqlQuote';

/**
 * Operations that rebuild a database file through a real SQLite: VACUUM
 * (in place or INTO a new file) and the persistent settings that need one
 * (auto_vacuum from or to none, page_size). Same pattern as journal mode
 * changes: a preflight that may refuse with the reason (free space for the
 * worst case, another process in a write transaction, other connections
 * open where the change needs them closed), `dryRun` for the plan, then the
 * change, then verification by re-reading the header and a fresh connection.
 * The rebuild has no deadline: it runs as long as the file needs (the lock
 * wait alone is bounded, by busy_timeout). Cancelling (the signal) kills
 * SQLite mid-VACUUM: it rolls back, nothing is lost.
 */
export interface RebuildOptions {
  dryRun?: boolean;
  busyTimeoutMs?: number;
  engine?: EngineChoice;
  freeSpace?: FreeSpace;
  signal?: AbortSignal;
  /** Bytes written so far (the -journal, the new copy), as SQLite goes. */
  onProgress?: ProgressListener;
}

export interface RebuildResult {
  operation: 'vacuum' | 'vacuum-into' | 'set';
  file: string;
  outcome: 'done' | 'unchanged' | 'refused' | 'dry-run';
  /** When SQLite's run did not complete: what stopped it. */
  stopped?: Stopped['code'];
  message: string;
  /** What will be (or was) done, step by step. */
  plan: string[];
  notes: string[];
  engine?: string;
  before: FileShape;
  after?: FileShape;
}

export interface FileShape { fileBytes: number; pageSize: number; pageCount: number; freelistCount: number; autoVacuum: number; journalMode: string }

const snap = (s: DatabaseState): FileShape => ({ fileBytes: s.fileBytes, pageSize: s.pageSize, pageCount: s.pageCount, freelistCount: s.freelistCount, autoVacuum: s.autoVacuum, journalMode: s.journalMode });
const AUTO_VACUUM = ['none', 'full', 'incremental'] as const;
export type AutoVacuum = (typeof AUTO_VACUUM)[number];

interface Step {
  operation: RebuildResult['operation'];
  statements: string[];
  plan: string[];
  /** Bytes of free space the worst case needs, and where. */
  space: { dir: string; bytes: number; what: string };
  /** Other connections must be closed (leaving WAL for page_size). */
  needsExclusive?: string;
  /** A new file the step writes (VACUUM INTO): written to `tmp` beside it, synced, checked, then renamed to it. */
  output?: { target: Target; tmp: string };
  verify(after: DatabaseState, fresh: unknown[][][]): string | undefined;
  done(before: DatabaseState, after: DatabaseState): string;
}

async function writersBlocker(file: string): Promise<string | undefined> {
  const r = await readLockHolders(file, { openFiles: false }).catch(() => undefined);
  const writers = r?.processes.filter((p) => p.role === 'writer') ?? [];
  return writers.length ? `${writers.map((p) => `pid ${p.pid} \`${p.command}\``).join(', ')} ${writers.length > 1 ? 'are' : 'is'} in a write transaction (${writers[0]!.locks.filter((l) => l !== 'SHARED').join(', ')}); VACUUM would wait for it and then hold the app's writers for its whole duration` : undefined;
}

async function run(file: string, options: RebuildOptions, build: (s: DatabaseState) => Step | string | { refused: string }): Promise<RebuildResult & { operation: RebuildResult['operation'] }> {
  const before = await readDatabaseState(file, { withLocks: true });
  const step = build(before);
  const base = { file, before: snap(before), notes: [] as string[] };
  if (typeof step === 'string') return { ...base, operation: 'set', outcome: 'unchanged', plan: [], message: `${file}: ${step}; nothing changed.` };
  if ('refused' in step) return { ...base, operation: 'vacuum-into', outcome: 'refused', plan: [], message: `Refused: ${step.refused}; nothing was written.` };
  const refuse = (why: string): RebuildResult => ({ ...base, operation: step.operation, plan: step.plan, outcome: 'refused', message: `Refused: ${why}; nothing was changed.` });
  if (before.hotJournal) base.notes.push('a hot journal is present: SQLite rolls it back first, as the app would on its next open');
  const space = await spaceBlocker(step.space.dir, step.space.bytes, step.space.what, options.freeSpace);
  if (space.blocker) return refuse(space.blocker);
  if (space.note) base.notes.push(space.note);
  const writer = await writersBlocker(file);
  if (writer) return refuse(writer);
  if (step.needsExclusive) {
    const real = before.realPath ?? path.resolve(file);
    const others = (await processesWithOpen([real, `${real}-wal`, `${real}-shm`, `${real}-journal`])) ?? [];
    if (others.length) return refuse(`${step.needsExclusive}, and pid ${others.join(', ')} ${others.length > 1 ? 'have' : 'has'} the database open; close ${others.length > 1 ? 'them' : 'it'} first`);
  }
  const engine = await findEngine(options.engine);
  if (!engine) return refuse('no real SQLite engine (node:sqlite, the sqlite3 shell or python3) is available here');
  if (options.dryRun) return { ...base, operation: step.operation, plan: step.plan, outcome: 'dry-run', engine: engine.label, message: `Dry run: would ${step.plan.join('; then ')} using ${engine.label}.` };
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const real = before.realPath ?? path.resolve(file);
  const ran = await engine.exec({
    file, statements: step.statements, busyTimeoutMs, signal: options.signal,
    onProgress: options.onProgress, growing: [`${real}-journal`, `${real}-wal`, ...(step.output ? [step.output.tmp] : [])],
  });
  if (ran.code !== 'ok') {
    const why = describeOutcome(ran, busyTimeoutMs);
    if (step.output) await removeWithSidecars(step.output.tmp);
    await settleAfterStop(engine, file, before, busyTimeoutMs);
    // Say what is true now: a step before the failing one may have taken effect (e.g. leaving WAL).
    const now = snap(await readDatabaseState(file));
    const changed = (Object.keys(now) as (keyof FileShape)[]).filter((k) => k !== 'fileBytes' && now[k] !== base.before[k]);
    if (!changed.length) return { ...refuse(why), engine: engine.label, stopped: ran.code };
    return { ...base, operation: step.operation, plan: step.plan, outcome: 'refused', stopped: ran.code, engine: engine.label, after: now,
      message: `Stopped: ${why}. Part of the plan took effect: ${changed.map((k) => `${k} ${base.before[k]} → ${now[k]}`).join(', ')}; no data was lost (SQLite rolled back the unfinished step).` };
  }
  if (step.output) await placeOutput(engine, step.output);
  const after = await readDatabaseState(file);
  const fresh = await engine.run(file, ['PRAGMA page_size', 'PRAGMA auto_vacuum', 'PRAGMA freelist_count', 'PRAGMA journal_mode', 'PRAGMA quick_check'], options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS, 'ro');
  const problem = step.verify(after, fresh) ?? (String(fresh[4]?.[0]?.[0]) !== 'ok' ? `quick_check after the change says ${String(fresh[4]?.[0]?.[0])}` : undefined);
  if (problem) throw new Error(`${file}: the change was not verified: ${problem}`);
  return { ...base, operation: step.operation, plan: step.plan, outcome: 'done', engine: engine.label, after: snap(after), message: step.done(before, after) };
}

const wal = (s: DatabaseState) => s.sidecars.wal?.bytes ?? 0;
const reclaim = (s: DatabaseState) => s.freelistCount * s.pageSize;

export async function vacuum(file: string, options: RebuildOptions & { into?: string } = {}): Promise<RebuildResult> {
  let into: { target: Target; tmp: string } | string | undefined;
  if (options.into !== undefined) {
    // An empty name is a mistake, not "VACUUM in place".
    if (!options.into.trim()) throw new Error('VACUUM INTO needs a file name');
    const target = await resolveTarget(file, options.into, false);
    into = typeof target === 'string' ? target : { target, tmp: tempBeside(target.dest) };
  }
  // Free pages alone miss half-empty pages after deletes; the walk's estimate counts both.
  // It is only words in the plan: when the walk fails, the free pages are still a true lower bound.
  const estimate = into ? undefined : await estimateVacuumSavings(file).catch(() => undefined);
  return run(file, options, (s) => {
    const dbBytes = s.pageCount * s.pageSize;
    if (typeof into === 'string') return { refused: into };
    if (into) {
      const { dest } = into.target;
      return {
        operation: 'vacuum-into',
        statements: [`VACUUM INTO ${sqlString(into.tmp)}`],
        plan: [`write a compacted copy to ${dest} (VACUUM INTO; the database itself is only read)`],
        space: { dir: into.target.folder, bytes: dbBytes - reclaim(s), what: 'VACUUM INTO' },
        output: into,
        verify: () => undefined,
        done: () => `Wrote a compacted copy of ${file} to ${dest} (about ${formatBytes(dbBytes - reclaim(s))}; ${formatBytes(reclaim(s))} of free pages left out), synced to disk and checked (quick_check ok).`,
      };
    }
    return {
      operation: 'vacuum',
      statements: ['VACUUM'],
      plan: [estimate
        ? `rebuild the database (VACUUM), giving back about ${formatBytes(estimate.bytes)} (${vacuumSavingSources(estimate.freePages, estimate.repackPages)})${estimate.bytes ? '' : ': it only defragments'}`
        : `rebuild the database (VACUUM), giving back at least ${formatBytes(reclaim(s))} of free pages${s.freelistCount ? '' : ' (there are none)'}`],
      space: { dir: path.dirname(s.realPath ?? path.resolve(file)), bytes: 2 * dbBytes + wal(s), what: 'VACUUM' },
      verify: (after) => (after.freelistCount !== 0 && after.autoVacuum !== 2 ? `${after.freelistCount} free page(s) remain` : undefined),
      done: (b, a) => `VACUUM done: ${formatBytes(b.pageCount * b.pageSize)} → ${formatBytes(a.pageCount * a.pageSize)} (${b.pageCount - a.pageCount} page(s) freed; free pages now ${a.freelistCount}).`,
    };
  });
}

export function setAutoVacuum(file: string, value: AutoVacuum, options: RebuildOptions = {}): Promise<RebuildResult> {
  return run(file, options, (s) => {
    const target = AUTO_VACUUM.indexOf(value);
    if (s.autoVacuum === target) return `auto_vacuum is already ${value}`;
    // Between full and incremental the pointer maps already exist: no rebuild. From or to none, only a VACUUM applies it.
    const needsVacuum = s.autoVacuum === 0 || target === 0;
    const dbBytes = s.pageCount * s.pageSize;
    return {
      operation: 'set',
      statements: [`PRAGMA auto_vacuum=${value.toUpperCase()}`, ...(needsVacuum ? ['VACUUM'] : [])],
      plan: [`set auto_vacuum from ${AUTO_VACUUM[s.autoVacuum]} to ${value}`, ...(needsVacuum ? ['VACUUM, without which the new setting silently does nothing'] : [])],
      space: { dir: path.dirname(s.realPath ?? path.resolve(file)), bytes: needsVacuum ? 2 * dbBytes + wal(s) : 0, what: 'the VACUUM that applies auto_vacuum' },
      verify: (after, fresh) => (after.autoVacuum !== target || Number(fresh[1]?.[0]?.[0]) !== target ? `the header says auto_vacuum ${after.autoVacuum} and a fresh connection ${String(fresh[1]?.[0]?.[0])}` : undefined),
      done: () => `auto_vacuum is now ${value} (verified in the header and by a fresh connection)${needsVacuum ? '; the database was rebuilt to apply it' : ''}.`,
    };
  });
}

export function setPageSize(file: string, pageSize: number, options: RebuildOptions = {}): Promise<RebuildResult> {
  return run(file, options, (s) => {
    if (s.pageSize === pageSize) return `page_size is already ${pageSize}`;
    const inWal = s.journalMode === 'wal';
    const dbBytes = s.pageCount * s.pageSize;
    return {
      operation: 'set',
      // page_size cannot change in WAL mode: leave it, rebuild, come back.
      statements: [...(inWal ? ['PRAGMA journal_mode=DELETE'] : []), `PRAGMA page_size=${pageSize}`, 'VACUUM', ...(inWal ? ['PRAGMA journal_mode=WAL'] : [])],
      plan: [...(inWal ? ['leave WAL (page_size cannot change in WAL mode)'] : []), `set page_size from ${s.pageSize} to ${pageSize}`, 'VACUUM to rebuild every page at the new size', ...(inWal ? ['return to WAL'] : [])],
      space: { dir: path.dirname(s.realPath ?? path.resolve(file)), bytes: 2 * dbBytes + wal(s), what: 'the VACUUM that applies page_size' },
      needsExclusive: inWal ? 'changing page_size of a WAL database means leaving WAL for the rebuild, which needs every other connection closed' : undefined,
      verify: (after, fresh) => (after.pageSize !== pageSize || Number(fresh[0]?.[0]?.[0]) !== pageSize || after.journalMode !== s.journalMode ? `the header says page_size ${after.pageSize} (${after.journalMode}) and a fresh connection ${String(fresh[0]?.[0]?.[0])}` : undefined),
      done: () => `page_size is now ${pageSize} (verified in the header and by a fresh connection)${inWal ? '; the database is back in WAL mode' : ''}.`,
    };
  });
}

export function parsePageSize(value: string): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n >= 512 && n <= 65536 && (n & (n - 1)) === 0 ? n : undefined;
}

export function parseAutoVacuum(value: string): AutoVacuum | undefined {
  const v = value.toLowerCase();
  return (AUTO_VACUUM as readonly string[]).includes(v) ? (v as AutoVacuum) : undefined;
}

/**
 * VACUUM INTO did not fsync its output before 3.45.1: it is synced here, so a
 * power cut cannot leave a torn copy, checked, and only then given its name.
 */
async function placeOutput(engine: SqlEngine, output: { target: Target; tmp: string }): Promise<void> {
  const { target, tmp } = output;
  try {
    await syncFile(tmp);
    const [check] = await engine.run(tmp, ['PRAGMA quick_check'], 5000, 'ro');
    if (String(check?.[0]?.[0]) !== 'ok') throw new Error(`${target.dest}: the copy failed quick_check (${String(check?.[0]?.[0])}); it was deleted`);
    if (!(await targetUnchanged(target))) throw new Error(`${target.dest} appeared while the copy was made; the copy was deleted`);
    await fsp.rename(tmp, target.dest);
    await syncFolder(target.folder);
  } finally {
    await removeWithSidecars(tmp);
  }
}
