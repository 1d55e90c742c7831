import { SqliteFileError } from '../os/errors';
import { FileRole, preciseStat, realPathOf, withFile } from '../os/fileio';
import { readSqliteLocks } from '../os/locks';

/**
 * Node cannot take SQLite's POSIX locks without disturbing other processes, so
 * readers work optimistically: fingerprint the database and its sidecars,
 * read, fingerprint again, and retry if anything moved in between.
 *
 * File times alone are not enough: the kernel stamps them with a coarse clock,
 * so two writes a millisecond apart can leave size and mtime unchanged. While
 * a -journal exists a rollback-mode writer may be mid-commit, so then the
 * fingerprint also holds the header's change counter and, on Linux, whether
 * a writer holds SQLite's PENDING/EXCLUSIVE lock (then the read never counts
 * as stable: the file is being rewritten under us).
 */
async function fingerprint(dbPath: string): Promise<string> {
  const stats = await Promise.all([dbPath, `${dbPath}-wal`, `${dbPath}-journal`].map(preciseStat));
  const [db, wal, journal] = stats;
  const parts = [db, journal].map((st) => (st ? `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : '-'));
  // The WAL is append-only until a checkpoint restarts it with new salts: frames
  // appended while we read do not spoil the snapshot we took (as of the last
  // commit we saw), so the WAL counts as changed only when its header does.
  if (wal) parts.push(`${wal.ino}:${await headerBytes(`${dbPath}-wal`, 'log', 0, 32)}`);
  if (db && journal) {
    const locks = await readSqliteLocks({ path: dbPath, dev: Number(db.dev), ino: Number(db.ino) });
    if (locks && (locks.level === 'pending' || locks.level === 'exclusive')) return `writing:${Math.random()}`;
    parts.push(await headerBytes(dbPath, 'database', 24, 4));
  }
  return parts.join('|');
}

async function headerBytes(file: string, role: FileRole, position: number, length: number): Promise<string> {
  // Through ReadOnlyFile: a FIFO named like a sidecar must not block us.
  return withFile(file, role, async (f) => (await f.read(position, length)).toString('hex')).catch(() => '?');
}

export interface Consistent<T> {
  value: T;
  /** False when the files kept changing on every attempt. */
  stable: boolean;
  attempts: number;
}

/**
 * `linkOrPath` may be a symbolic link: SQLite resolves it and keeps its
 * sidecars beside the target, so the fingerprint watches the target's
 * (`knownRealPath` when the caller has resolved it already).
 */
export async function readConsistently<T>(linkOrPath: string, read: () => Promise<T>, knownRealPath?: string, maxAttempts = 8): Promise<Consistent<T>> {
  const dbPath = knownRealPath ?? (await realPathOf(linkOrPath));
  let value!: T;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const before = await fingerprint(dbPath);
    try {
      value = await read();
    } catch (err) {
      // A sidecar that vanished mid-read (a checkpoint, a commit) is a change, not an error.
      const changed = (err instanceof SqliteFileError && err.code === 'changing') || (await fingerprint(dbPath)) !== before;
      if (!changed) throw err;
      if (attempt === maxAttempts) throw new SqliteFileError('changing', linkOrPath, `${CHANGING_WHILE_READ.replace(/;.*/, '')}; try again when the app is quieter`);
      await backOff(attempt);
      continue;
    }
    if ((await fingerprint(dbPath)) === before) return { value, stable: true, attempts: attempt };
    await backOff(attempt);
  }
  return { value, stable: false, attempts: maxAttempts };
}

/** 5, 10, 20 … 200 ms, so a busy writer's gap between commits comes round. */
function backOff(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.min(200, 5 * 2 ** (attempt - 1))));
}

export const CHANGING_WHILE_READ = 'the database was being written on every read attempt; these figures may mix states before and after a commit';

/**
 * Identity of what a fresh reader would see, from file metadata alone: the
 * database, its -wal and its -journal (resolved through a symbolic link as
 * SQLite does). Every commit changes one of them; the -shm is left out
 * because readers write to it too. Cheap enough to ask on every refresh.
 */
export async function filesIdentity(linkOrPath: string): Promise<string> {
  const dbPath = await realPathOf(linkOrPath);
  const stats = await Promise.all([dbPath, `${dbPath}-wal`, `${dbPath}-journal`].map(preciseStat));
  return stats.map((st) => (st ? `${st.ino}:${st.size}:${st.mtimeNs}` : '-')).join('|');
}
