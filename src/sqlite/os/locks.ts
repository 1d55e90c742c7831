import { preciseStat, readText } from './fileio';
import { PENDING_BYTE, RESERVED_BYTE, SHARED_RANGE, SHM_DMS_BYTE, overlaps } from './lockBytes';
import { DeviceId, lockDevice } from './mountDevice';
import type { LockLevel, FileLocks } from '../../shared/reportTypes';
export type { LockLevel, FileLocks };

/**
 * SQLite's locks are POSIX byte-range locks at fixed offsets (lockBytes.ts);
 * on Linux the kernel lists every one in /proc/locks, so we can see them
 * without taking any (reading changes nothing).
 */

export interface LockEntry {
  pid: number;
  write: boolean;
  start: number;
  /** Inclusive; Number.MAX_SAFE_INTEGER for EOF. */
  end: number;
}

/** A file as /proc/locks names it: the device of its mount (mountDevice.ts) and its inode. `path` is resolved. */
export interface LockedFile { path: string; dev: number; ino: number }

/** Every lock the kernel lists on one file; undefined where /proc/locks cannot be read. */
export async function readLockEntries(file: LockedFile, procLocks = '/proc/locks', mountInfo?: string): Promise<LockEntry[] | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    return parseLockEntries(await readText(procLocks), await lockDevice(file.path, file.dev, mountInfo), file.ino);
  } catch {
    return undefined;
  }
}

export function parseLockEntries(text: string, { major, minor }: DeviceId, ino: number): LockEntry[] {
  const out: LockEntry[] = [];
  for (const line of linesNaming(text, `:${ino} `)) {
    // "1: POSIX  ADVISORY  WRITE 1234 fd:01:5678 1073741825 1073741825"
    const m = /^\d+:\s+(?:->\s+)?(POSIX|OFDLCK|FLOCK)\s+\S+\s+(READ|WRITE)\s+(-?\d+)\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s+(\d+)\s+(\d+|EOF)/.exec(line);
    if (!m) continue;
    if (Number(m[6]) !== ino || parseInt(m[4]!, 16) !== major || parseInt(m[5]!, 16) !== minor) continue;
    out.push({ pid: Number(m[3]), write: m[2] === 'WRITE', start: Number(m[7]), end: m[8] === 'EOF' ? Number.MAX_SAFE_INTEGER : Number(m[8]) });
  }
  return out;
}

/**
 * The lines of /proc/locks that contain `needle` (the inode, as ":INO "):
 * the table lists every lock on the machine and is read several times a
 * second while the panel follows a database, so only the few lines that can
 * be about our file are cut out and parsed.
 */
function* linesNaming(text: string, needle: string): Generator<string> {
  for (let at = text.indexOf(needle); at !== -1;) {
    const end = text.indexOf('\n', at);
    yield text.slice(text.lastIndexOf('\n', at) + 1, end === -1 ? text.length : end);
    if (end === -1) return;
    at = text.indexOf(needle, end);
  }
}

export async function readSqliteLocks(file: LockedFile, procLocks = '/proc/locks'): Promise<FileLocks | undefined> {
  const entries = await readLockEntries(file, procLocks);
  return entries && sqliteLockLevel(entries);
}

export function parseProcLocks(text: string, device: DeviceId, ino: number): FileLocks {
  return sqliteLockLevel(parseLockEntries(text, device, ino));
}

function sqliteLockLevel(entries: LockEntry[]): FileLocks {
  let reserved = false, pending = false, sharedCount = 0, exclusiveShared = false;
  const pids = new Set<number>();
  for (const e of entries) {
    let sqliteLock = false;
    if (overlaps(e, PENDING_BYTE)) { pending = true; sqliteLock = true; }
    if (overlaps(e, RESERVED_BYTE)) { reserved = true; sqliteLock = true; }
    if (overlaps(e, SHARED_RANGE.start, SHARED_RANGE.end)) {
      sqliteLock = true;
      if (e.write) exclusiveShared = true; else sharedCount++;
    }
    if (sqliteLock && e.pid > 0) pids.add(e.pid);
  }
  const level: LockLevel = exclusiveShared ? 'exclusive' : pending ? 'pending' : reserved ? 'reserved' : sharedCount > 0 ? 'shared' : 'none';
  return { level, pids: [...pids] };
}

/**
 * Whether some process has the database open through this -shm right now
 * (it holds the DMS byte). A wal-index nobody holds is left over from a
 * crash: the next connection rebuilds it from the WAL, so it must not be
 * trusted. Undefined where locks cannot be seen (not Linux).
 */
export async function shmIsLive(shmPath: string): Promise<boolean | undefined> {
  if (process.platform !== 'linux') return undefined;
  const st = await preciseStat(shmPath);
  const entries = st && (await readLockEntries({ path: shmPath, dev: Number(st.dev), ino: Number(st.ino) }));
  return entries && entries.some((e) => overlaps(e, SHM_DMS_BYTE));
}
