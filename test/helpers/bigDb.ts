import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Databases of real sizes (1 and 2.5 GiB), made once by real SQLite and
 * kept in .cache/bigdb/ (a shared cache: only this folder is ours, and only
 * our own temporary file is ever removed). Made quickly: 1 MiB random blobs
 * with journaling off, plus 2 million small rows with two indexes (VACUUM
 * rebuilds them: CPU, not only I/O); every tenth blob is deleted so VACUUM
 * has pages to give back. 2.5 GiB takes about 20 s to make.
 */
export const BIG_DIR = path.join(__dirname, '..', '..', '.cache', 'bigdb');

export interface BigDb { file: string; blobs: number; rows: number }

const SMALL_ROWS = 2_000_000;

export function bigDatabase(mib: number): BigDb {
  const blobsMade = mib;
  const expected = { blobs: blobsMade - Math.floor(blobsMade / 10), rows: SMALL_ROWS };
  const file = path.join(BIG_DIR, `big-${mib}m.db`);
  if (existsSync(file)) return { file, ...expected };
  mkdirSync(BIG_DIR, { recursive: true });
  const tmp = `${file}.making-${process.pid}`;
  try {
    execFileSync('python3', ['-c', `import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA journal_mode=OFF"); c.execute("PRAGMA synchronous=OFF")
c.execute("CREATE TABLE blobs(id INTEGER PRIMARY KEY, v BLOB)")
c.execute("CREATE TABLE small(id INTEGER PRIMARY KEY, a INTEGER, b TEXT)")
c.execute("BEGIN")
for i in range(${blobsMade}):
    c.execute("INSERT INTO blobs(v) VALUES (randomblob(1048000))")
c.executemany("INSERT INTO small(a, b) VALUES (?, ?)", ((i * 7919 % 100003, "row %d" % i) for i in range(${SMALL_ROWS})))
c.execute("CREATE INDEX small_a ON small(a)"); c.execute("CREATE INDEX small_b ON small(b)")
c.execute("DELETE FROM blobs WHERE id % 10 = 0")
c.execute("COMMIT")
c.execute("PRAGMA journal_mode=DELETE")
c.close()`, tmp], { stdio: ['ignore', 'ignore', 'inherit'] });
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  return { file, ...expected };
}
