import { promises as fsp } from 'node:fs';

/**
 * Node cannot take SQLite's POSIX locks without disturbing other processes, so
 * readers work optimistically: fingerprint the database and its sidecars,
 * read, fingerprint again, and retry if anything moved in between. A commit
 * always changes the main file (rollback mode) or the -wal file (WAL mode).
 */
async function fingerprint(dbPath: string): Promise<string> {
  const parts = await Promise.all([dbPath, `${dbPath}-wal`, `${dbPath}-journal`].map(async (p) => {
    try {
      const st = await fsp.stat(p, { bigint: true });
      return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    } catch {
      return '-';
    }
  }));
  return parts.join('|');
}

export interface Consistent<T> {
  value: T;
  /** False when the files kept changing on every attempt. */
  stable: boolean;
  attempts: number;
}

export async function readConsistently<T>(dbPath: string, read: () => Promise<T>, maxAttempts = 5): Promise<Consistent<T>> {
  let value!: T;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const before = await fingerprint(dbPath);
    try {
      value = await read();
    } catch (err) {
      // A sidecar that vanished mid-read (a checkpoint, a commit) is a change, not an error.
      if (attempt === maxAttempts || (await fingerprint(dbPath)) === before) throw err;
      continue;
    }
    if ((await fingerprint(dbPath)) === before) return { value, stable: true, attempts: attempt };
    await new Promise((r) => setTimeout(r, 5 * attempt));
  }
  return { value, stable: false, attempts: maxAttempts };
}

export const CHANGING_WHILE_READ = 'the database was being written on every read attempt; these figures may mix states before and after a commit';
