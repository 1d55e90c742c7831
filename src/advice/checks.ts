import * as path from 'node:path';
import type { FsVerdict } from '../sqlite/os/filesystem';
import { WAL_RESET_BUG, bugsOf } from './knowledge/knownBugs';
import { CHANGING_ON_EVERY_READ, WalSummary } from '../shared/reportTypes';
import type { DatabaseState } from '../sqlite/disk/state';
import type { Check, CheckId, CheckStatus } from '../shared/checkTypes';
import { AppFindings, ConnectionFinding, SettingName, SqliteRuntime } from './findings';
import { ENOUGH_BUSY_TIMEOUT_MS, recommendedSetting } from './knowledge/recommended';

/**
 * The production checklist for one database (after "SQLite in production"
 * and the SQLite docs): each check has a status, a one-line reason and a fix.
 * File-level facts come from the file; per-connection settings only from the
 * app's own configuration, else "unknown from the file".
 */
export type { Check, CheckId, CheckStatus } from '../shared/checkTypes';
export { CHECK_IDS } from '../shared/checkTypes';

/** What the checks need to know of a database: a DatabaseState or an InspectReport both fit. */
export interface AdvisedDatabase extends Pick<DatabaseState, 'path' | 'journalMode' | 'hotJournal' | 'sidecars' | 'pageCount' | 'freelistCount' | 'pageSize' | 'problems'> {
  wal?: WalSummary | null;
  /** SQLite version that last wrote the file (header offset 96). */
  lastWriterVersion?: string;
}

export interface AdviceInput {
  state: AdvisedDatabase;
  /** "ok", quick_check messages, or null when not run. */
  integrity: 'ok' | string[] | null;
  filesystem?: FsVerdict;
  findings: AppFindings;
  /** Above this, uncheckpointed -wal data is a warning (bytes). */
  walWarnBytes?: number;
}

const DEFAULT_WAL_WARN_BYTES = 64 * 1024 * 1024;

/** The app's connections that point at this database (resolved paths only: no guessing; test connections never count). */
export function findingsFor(dbPath: string, findings: AppFindings): ConnectionFinding[] {
  return findings.connections.filter((c) => c.scope !== 'test' && c.database !== undefined && path.resolve(c.database) === path.resolve(dbPath));
}

export function adviseDatabase(input: AdviceInput): Check[] {
  const { state } = input;
  // An app that computes every database path at run time (a flag, an env var) still says how it connects: when no
  // connection of the workspace resolves to a path, its connections are the ones judged, and the reason says so.
  const linked = findingsFor(state.path, input.findings);
  const app = input.findings.connections.filter((c) => c.scope !== 'test');
  const mine = linked.length || app.some((c) => c.database !== undefined) ? linked : app;
  const walWarn = input.walWarnBytes ?? DEFAULT_WAL_WARN_BYTES;
  const checks: Check[] = [];
  const appSetsWal = mine.some((f) => f.settings.journal_mode.state !== 'unknown' && f.settings.journal_mode.value === 'wal');

  checks.push(state.journalMode === 'wal'
    ? { id: 'wal', title: 'Journal mode is WAL', status: 'ok', reason: 'WAL is on, and it is stored in the file, so every connection uses it.' }
    : { id: 'wal', title: 'Journal mode is WAL', status: appSetsWal ? 'info' : 'fail',
        reason: appSetsWal ? 'The file is in rollback (DELETE) mode now; the app switches it to WAL when it connects.' : 'Rollback (DELETE) mode: readers and the writer block each other.',
        fix: 'Enable WAL (right-click → Enable WAL, or `sqlite-doctor wal enable FILE`): it is persistent, no code change needed.' });

  checks.push(state.hotJournal
    ? { id: 'hot-journal', title: 'No interrupted transaction', status: 'fail', reason: 'A hot -journal is present: the last write was interrupted and will be rolled back by the next connection.', fix: 'Open the database once with SQLite (the app, `sqlite3 FILE "pragma quick_check"`, or Enable WAL, which recovers first).' }
    : { id: 'hot-journal', title: 'No interrupted transaction', status: 'ok', reason: 'No hot journal.' });

  const unckpt = state.wal?.uncheckpointedBytes ?? 0;
  const walBytes = state.sidecars.wal?.bytes ?? 0;
  checks.push(unckpt > walWarn
    ? { id: 'wal-size', title: '-wal is checkpointed', status: 'warn', reason: `${mib(unckpt)} in the -wal not yet copied into the database: reads get slower and the file keeps growing (a long-running reader can block checkpoints).`, fix: 'Checkpoint (TRUNCATE), and keep wal_autocheckpoint on (default 1000 pages).' }
    : walBytes > walWarn
      ? { id: 'wal-size', title: '-wal is checkpointed', status: 'warn', reason: `The -wal file is ${mib(walBytes)} although its data is checkpointed: it is reused, not shrunk.`, fix: 'A TRUNCATE checkpoint shrinks it; PRAGMA journal_size_limit caps it.' }
      : { id: 'wal-size', title: '-wal is checkpointed', status: 'ok', reason: walBytes ? `${mib(unckpt)} not yet checkpointed.` : 'No -wal data pending.' });

  checks.push(input.integrity === null
    ? { id: 'integrity', title: 'Integrity', status: 'unknown', reason: integrityUnknownReason(input.state.problems), fix: '`sqlite3 FILE "pragma quick_check"`' }
    : input.integrity === 'ok'
      ? { id: 'integrity', title: 'Integrity', status: 'ok', reason: 'quick_check: ok.' }
      : { id: 'integrity', title: 'Integrity', status: 'fail', reason: `quick_check: ${input.integrity.slice(0, 2).join('; ')}`, fix: 'Restore from a backup, or recover with `sqlite3 FILE .recover`.' });

  const share = state.pageCount ? state.freelistCount / state.pageCount : 0;
  checks.push(share > 0.25 && state.freelistCount > 100
    ? { id: 'freelist', title: 'Little wasted space', status: 'warn', reason: `${Math.round(share * 100)}% of the pages (${state.freelistCount}) are free.`, fix: 'VACUUM reclaims them, but rewrites the whole file: it needs free disk equal to the database, holds an exclusive lock throughout, and in WAL mode the -wal grows by the database size. Or set auto_vacuum=INCREMENTAL (takes one VACUUM) and run PRAGMA incremental_vacuum from time to time.' }
    : { id: 'freelist', title: 'Little wasted space', status: 'ok', reason: `${Math.round(share * 100)}% free pages.` });

  const fsv = input.filesystem;
  checks.push(!fsv || fsv.kind === 'unknown'
    ? { id: 'filesystem', title: 'On a local filesystem', status: 'unknown', reason: fsv?.reason ?? 'Not determined.' }
    : fsv.kind === 'local'
      ? { id: 'filesystem', title: 'On a local filesystem', status: 'ok', reason: 'Local filesystem: WAL\'s shared memory and locks work.' }
      : { id: 'filesystem', title: 'On a local filesystem', status: fsv.kind === 'network' ? 'fail' : 'warn', reason: fsv.reason, fix: 'Keep the database on a local disk of the host that runs the app.' });

  checks.push({ id: 'page-size', title: 'Page size', status: 'info', reason: `${state.pageSize} bytes${state.pageSize === 4096 ? ' (the default; right for most workloads)' : ''}.` });

  checks.push(connectionCheck('busy_timeout', 'busy_timeout is set', mine, (v) => {
    const ms = parseInt(v, 10);
    return ms >= ENOUGH_BUSY_TIMEOUT_MS ? ['ok', `${ms} ms`] : ['warn', `${ms || 0} ms: concurrent writers fail at once with "database is locked"`];
  }, `Set ${recommendedSetting('busy_timeout')} on every connection.`));
  checks.push(connectionCheck('synchronous', 'synchronous fits WAL', mine, (v) => {
    const s = v.toUpperCase();
    if (s === 'NORMAL' || s === '1') return ['ok', 'NORMAL'];
    if (s === 'OFF' || s === '0') return ['fail', 'OFF: a power loss or OS crash can corrupt the database'];
    return ['info', `${s}: safe, but NORMAL is enough in WAL mode and avoids an fsync per commit`];
  }, `Set ${recommendedSetting('synchronous')} on every connection (in WAL mode).`));
  checks.push(connectionCheck('foreign_keys', 'Foreign keys are enforced', mine, (v) => (/^(on|1|true|yes)\b/i.test(v) ? ['ok', 'ON'] : ['warn', `${v}: FOREIGN KEY constraints are not enforced`]),
    `Set ${recommendedSetting('foreign_keys')} on every connection.`));
  checks.push(connectionCheck('cache_size', 'Page cache size', mine, (v) => ['info', v], 'Optional: cache_size=-20000 (about 20 MB) for busy apps.'));

  const backedUp = input.findings.backups.find((b) => b.databases.some((d) => path.resolve(d) === path.resolve(state.path) || path.basename(d) === path.basename(state.path)));
  checks.push(backedUp
    ? { id: 'backup', title: 'Backed up safely', status: 'ok', reason: `Litestream replicates it (${backedUp.file}).`, source: backedUp.file }
    : { id: 'backup', title: 'Backed up safely', status: 'info', reason: 'No Litestream config names this database. A plain file copy of a live WAL database can miss committed data still in the -wal, or copy a half-written state.',
        fix: 'Use Litestream (continuous, needs WAL), `sqlite3 FILE ".backup copy.db"`, `VACUUM INTO \'copy.db\'`, or the backup API of your driver.' });
  // A driver's bundled SQLite matters for the databases the app opens with that driver.
  const stacks = new Set(mine.map((c) => c.stack));
  checks.push(versionCheck(state, (input.findings.runtimes ?? []).filter((r) => stacks.has(r.name.startsWith('better-sqlite3') ? 'node' : 'go'))));
  return checks;
}

/**
 * A per-connection pragma: judged from the app's configuration when a
 * connection points at this database, else unknown — the file cannot tell.
 * A setting the app computes at run time is unknown too, with the expression
 * (`unknownReason` marks it, so --require can pass it with a note).
 */
export const COMPUTED_AT_RUN_TIME = 'computed at run time';

function connectionCheck(id: CheckId & SettingName, title: string, mine: ConnectionFinding[], judge: (value: string) => [CheckStatus, string], fix: string): Check {
  if (!mine.length) {
    return { id, title, status: 'unknown', reason: 'Set by each connection: unknown from the file, and no app configuration found for this database.', fix };
  }
  const rank: Record<CheckStatus, number> = { fail: 4, warn: 3, unknown: 2, info: 1, ok: 0 };
  let worst: Check | undefined;
  for (const f of mine) {
    const s = f.settings[id];
    const where = `${f.stack}, ${f.file}:${f.line}${f.database === undefined ? ', whose database path is computed at run time' : ''}`;
    let check: Check;
    if (s.state === 'unknown') {
      check = { id, title, status: 'unknown', reason: `${COMPUTED_AT_RUN_TIME}: ${s.expression} (${where})`, source: s.at ?? `${f.file}:${f.line}` };
    } else {
      const [status, what] = judge(s.value);
      const why = s.state === 'set' ? `set by the app at ${s.at}` : s.source;
      check = { id, title, status, reason: `${what} — ${why} (${where})`, fix: status === 'ok' || status === 'info' ? undefined : fix, source: s.state === 'set' ? s.at : `${f.file}:${f.line}` };
    }
    if (!worst || rank[check.status] > rank[worst.status]) worst = check;
  }
  return worst!;
}

function mib(n: number): string {
  return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`;
}

/**
 * The header records the SQLite that last wrote the file: in WAL mode, a
 * version with the WAL-reset bug is a corruption risk for a busy app.
 */
function versionCheck(state: AdvisedDatabase, runtimes: readonly SqliteRuntime[]): Check {
  // The app's own driver, when its bundled SQLite can be read: the writer that matters for the future.
  const risky = state.journalMode === 'wal' ? runtimes.filter((r) => WAL_RESET_BUG.affects(r.sqliteVersion)) : [];
  if (risky.length) {
    return {
      id: 'sqlite-version', title: 'SQLite version', status: 'warn', source: risky[0]!.file,
      reason: `The app's ${risky.map((r) => `${r.name} ships SQLite ${r.sqliteVersion}`).join('; ')}, which has the ${WAL_RESET_BUG.name} (fixed in ${WAL_RESET_BUG.firstFixed}): ${WAL_RESET_BUG.summary}.`,
      fix: `Upgrade the driver to one that bundles SQLite ${WAL_RESET_BUG.firstFixed} or later: ${WAL_RESET_BUG.url}`,
    };
  }
  const v = state.lastWriterVersion;
  if (!v) return { id: 'sqlite-version', title: 'SQLite version', status: 'unknown', reason: 'The version that last wrote the file is not known.' };
  const bugs = bugsOf(v, state.journalMode);
  if (!bugs.length) {
    const later = state.journalMode !== 'wal' && WAL_RESET_BUG.affects(v) ? ` Once in WAL mode this version has the ${WAL_RESET_BUG.name} (fixed in ${WAL_RESET_BUG.firstFixed}).` : '';
    return { id: 'sqlite-version', title: 'SQLite version', status: later ? 'info' : 'ok', reason: `Last written by SQLite ${v}: no known data-loss bug in ${state.journalMode === 'wal' ? 'WAL' : 'rollback'} mode.${later}` };
  }
  return {
    id: 'sqlite-version',
    title: 'SQLite version',
    status: 'warn',
    reason: `Last written by SQLite ${v}, which has the ${bugs.map((b) => `${b.name} (fixed in ${b.firstFixed}): ${b.summary}`).join('; ')}.`,
    fix: `Upgrade the SQLite your app links to ${WAL_RESET_BUG.firstFixed} or later (the driver's bundled SQLite, or the system library): ${WAL_RESET_BUG.url}`,
  };
}

function integrityUnknownReason(problems: readonly string[]): string {
  const changing = problems.find((p) => p.startsWith(CHANGING_ON_EVERY_READ));
  return changing ? `Unknown: ${changing}.` : 'Not checked (database above the deep-inspection size limit).';
}
