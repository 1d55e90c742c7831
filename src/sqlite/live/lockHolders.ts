import { promises as fsp } from 'node:fs';
import { resolve } from 'node:path';
import { formatBytes } from '../../shared/format';
import type { LockHolder, Role } from '../../shared/reportTypes';
export type { LockHolder, Role };
import { withFile } from '../os/fileio';
import { PENDING_BYTE, RESERVED_BYTE, SHARED_RANGE, SHM_DMS_BYTE, SHM_LOCK_BASE, SHM_LOCK_NAMES, overlaps } from '../os/lockBytes';
import { LockEntry, readLockEntries } from '../os/locks';
import { processesWithOpen } from '../os/openers';
import { DatabaseState, readDatabaseState } from '../disk/state';
import { SHM_HEADER_BYTES, ShmIndex, parseShm } from '../disk/shm';

/**
 * Who holds a database, and why its WAL keeps growing. SQLite's locks are
 * POSIX byte-range locks at documented offsets (os.h, os_unix.c), and each
 * WAL reader's snapshot is a mark in the -shm (wal.c), so both can be read
 * without taking a lock or a connection: Linux lists every lock in
 * /proc/locks and every open file in /proc/PID/fd. Reading changes nothing.
 */
export interface WalReader {
  slot: number;
  /** Last WAL frame the readers in this slot see (0: the database file alone). */
  frame: number;
  pids: number[];
}

export interface LockReport {
  path: string;
  journalMode: string;
  supported: boolean;
  /** Why lock holders cannot be read here, when they cannot. */
  unsupportedReason?: string;
  processes: LockHolder[];
  walReaders: WalReader[];
  /** The live wal-index's view of the log, when there is one. */
  wal?: { bytes: number; frameBytes: number; lastFrame: number; backfilled: number; pendingFrames: number };
  diagnosis: string[];
}

const UNUSED_MARK = 0xffffffff;

/** SQLite lock names a process holds, from its /proc/locks entries on the database file and the -shm. */
export function lockNames(dbEntries: LockEntry[], shmEntries: LockEntry[]): string[] {
  const names: string[] = [];
  if (dbEntries.some((e) => e.write && overlaps(e, SHARED_RANGE.start, SHARED_RANGE.end))) names.push('EXCLUSIVE');
  else if (dbEntries.some((e) => overlaps(e, SHARED_RANGE.start, SHARED_RANGE.end))) names.push('SHARED');
  if (dbEntries.some((e) => overlaps(e, RESERVED_BYTE))) names.push('RESERVED');
  if (dbEntries.some((e) => overlaps(e, PENDING_BYTE))) names.push('PENDING');
  SHM_LOCK_NAMES.forEach((name, i) => { if (shmEntries.some((e) => overlaps(e, SHM_LOCK_BASE + i))) names.push(name); });
  return names;
}

export function roleOf(locks: readonly string[], journalMode: string): Role {
  if (locks.some((l) => l === 'WRITE' || l === 'RESERVED' || l === 'PENDING' || l === 'EXCLUSIVE')) return 'writer';
  if (locks.includes('CHECKPOINT')) return 'checkpointer';
  // A WAL connection keeps SHARED on the file while it is open; its reads show as READi on the -shm.
  if (locks.some((l) => l.startsWith('READ')) || (journalMode !== 'wal' && locks.includes('SHARED'))) return 'reader';
  return 'open';
}

async function commandOf(pid: number): Promise<string> {
  try {
    const raw = (await fsp.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
    return raw.length > 80 ? `${raw.slice(0, 77)}…` : raw || `pid ${pid}`;
  } catch {
    return `pid ${pid}`;
  }
}

async function readShmHeader(shmPath: string): Promise<ShmIndex | undefined> {
  return withFile(shmPath, 'shm', async (f) => parseShm(await f.read(0, SHM_HEADER_BYTES))).catch(() => undefined);
}

export interface HolderOptions {
  /** Also look for processes that have the files open without holding a lock (a walk of /proc/PID/fd; slower). Default true. */
  openFiles?: boolean;
  /** The state, when the caller has just read it. */
  state?: DatabaseState;
}

export async function readLockHolders(file: string, options: HolderOptions = {}): Promise<LockReport> {
  const state = options.state ?? (await readDatabaseState(file));
  const base = { path: file, journalMode: state.journalMode, processes: [], walReaders: [], diagnosis: [] };
  if (process.platform !== 'linux') {
    return { ...base, supported: false, unsupportedReason: `lock holders are read from Linux's /proc; on ${process.platform} they are not available (lsof shows open files, not SQLite's lock bytes)` };
  }
  const real = state.realPath ?? resolve(file);
  const shmPath = `${real}-shm`;
  const [dbStat, shmStat, walStat] = await Promise.all([fsp.stat(real), fsp.stat(shmPath).catch(() => undefined), fsp.stat(`${real}-wal`).catch(() => undefined)]);
  const [dbEntries, shmEntries, shm] = await Promise.all([
    readLockEntries({ path: real, dev: dbStat.dev, ino: dbStat.ino }),
    shmStat?.isFile() ? readLockEntries({ path: shmPath, dev: shmStat.dev, ino: shmStat.ino }) : Promise.resolve([]),
    shmStat?.isFile() ? readShmHeader(shmPath) : Promise.resolve(undefined),
  ]);
  if (!dbEntries) return { ...base, supported: false, unsupportedReason: '/proc/locks cannot be read here' };
  const openers = options.openFiles === false ? [] : (await processesWithOpen([real, `${real}-wal`, shmPath, `${real}-journal`])) ?? [];
  const pids = new Set<number>([...openers, ...dbEntries.map((e) => e.pid), ...(shmEntries ?? []).map((e) => e.pid)].filter((p) => p > 0 && p !== process.pid));
  const processes: LockHolder[] = await Promise.all([...pids].sort((a, b) => a - b).map(async (pid) => {
    const locks = lockNames(dbEntries.filter((e) => e.pid === pid), (shmEntries ?? []).filter((e) => e.pid === pid));
    return { pid, command: await commandOf(pid), locks, role: roleOf(locks, state.journalMode) };
  }));

  const live = shm && (shmEntries ?? []).some((e) => overlaps(e, SHM_DMS_BYTE)); // someone has the database open
  const walReaders: WalReader[] = [];
  if (shm && live) {
    for (let slot = 0; slot < 5; slot++) {
      const holders = processes.filter((p) => p.locks.includes(`READ${slot}`)).map((p) => p.pid);
      const mark = shm.readMarks[slot]!;
      if (holders.length && (slot === 0 || mark !== UNUSED_MARK)) walReaders.push({ slot, frame: slot === 0 ? 0 : mark, pids: holders });
    }
  }
  const frameBytes = (state.wal?.header?.pageSize ?? state.pageSize) + 24;
  const walBytes = walStat?.size ?? 0;
  const wal = shm && live ? { bytes: walBytes, frameBytes, lastFrame: shm.mxFrame, backfilled: shm.nBackfill, pendingFrames: Math.max(0, shm.mxFrame - shm.nBackfill) } : undefined;
  const report: LockReport = { ...base, supported: true, processes, walReaders, ...(wal && { wal }), diagnosis: [] };
  report.diagnosis = diagnose(report, state).map((d) => d.text);
  return report;
}

export type DiagnosisCode = 'committing' | 'writing' | 'checkpointing' | 'frames-held' | 'frames-pending' | 'stale-wal-bytes' | 'not-open';
/** One thing the locks and marks mean: the code for decisions, the words for a person. */
export interface Diagnosis { code: DiagnosisCode; text: string }
/** What keeps a checkpoint from finishing. */
export const HOLDS_CHECKPOINT_BACK: ReadonlySet<DiagnosisCode> = new Set(['committing', 'writing', 'frames-held']);

/** What the locks and marks mean, in words a person acts on. */
export function diagnose(r: LockReport, state: DatabaseState): Diagnosis[] {
  const out: Diagnosis[] = [];
  // A process that exited before its command line was read is only its pid (the command falls back to it).
  const who = (p: LockHolder) => (p.command === `pid ${p.pid}` ? p.command : `pid ${p.pid} \`${p.command}\``);
  for (const p of r.processes) {
    if (p.locks.includes('EXCLUSIVE') || p.locks.includes('PENDING')) out.push({ code: 'committing', text: `${who(p)} is committing (${p.locks.includes('EXCLUSIVE') ? 'EXCLUSIVE' : 'PENDING'}): new readers wait until it finishes` });
    else if (p.locks.includes('RESERVED')) out.push({ code: 'writing', text: `${who(p)} is in a write transaction (RESERVED): other writers wait (busy_timeout) or get "database is locked"` });
    else if (p.locks.includes('WRITE')) out.push({ code: 'writing', text: `${who(p)} is in a write transaction (WRITE): other writers wait (busy_timeout) or get "database is locked"; readers are not blocked` });
    if (p.locks.includes('CHECKPOINT')) out.push({ code: 'checkpointing', text: `${who(p)} is running a checkpoint` });
  }
  if (r.wal && r.wal.pendingFrames > 0) {
    // A checkpoint copies frames only up to the oldest snapshot still being read.
    const held = r.walReaders.filter((w) => w.frame < r.wal!.lastFrame).sort((a, b) => a.frame - b.frame)[0];
    const oldest = held ? Math.max(held.frame, r.wal.backfilled) : undefined;
    if (held && oldest !== undefined && oldest < r.wal.lastFrame) {
      const blocked = r.wal.lastFrame - oldest;
      const names = held.pids.map((pid) => who(r.processes.find((p) => p.pid === pid)!)).join(', ');
      out.push({ code: 'frames-held', text: `${blocked.toLocaleString('en-US')} frame(s) (${formatBytes(blocked * r.wal.frameBytes)}) cannot be checkpointed: ${names} ${held.pids.length > 1 ? 'read a snapshot' : 'reads a snapshot'} ending at ${held.frame === 0 ? 'the database file (before the WAL)' : `frame ${held.frame.toLocaleString('en-US')}`}; the -wal keeps growing until that read transaction ends` });
    } else {
      out.push({ code: 'frames-pending', text: `${r.wal.pendingFrames.toLocaleString('en-US')} frame(s) (${formatBytes(r.wal.pendingFrames * r.wal.frameBytes)}) not yet checkpointed; no reader holds them back, so the next checkpoint can copy them` });
    }
  }
  const validBytes = state.wal?.header ? 32 + state.wal.validFrames * (state.wal.header.pageSize + 24) : undefined;
  const walBytes = state.sidecars.wal?.bytes ?? 0;
  if (validBytes !== undefined && walBytes > 2 * validBytes && walBytes - validBytes > 1024 * 1024) {
    out.push({ code: 'stale-wal-bytes', text: `the -wal is ${formatBytes(walBytes)} but only ${formatBytes(validBytes)} holds frames of the current log: the rest is left from before the last reset (SQLite reuses the file; a TRUNCATE checkpoint or PRAGMA journal_size_limit shrinks it)` });
  }
  if (!r.processes.length) out.push({ code: 'not-open', text: 'no process has the database open' });
  return out;
}
