import assert from 'node:assert/strict';
import { ChildProcess, execFileSync } from 'node:child_process';
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setReadListener } from '../src/sqlite/os/fileio';
import { readDatabaseImage } from '../src/sqlite/disk/image';
import { inspectDatabase } from '../src/sqlite/content/inspect';
import { LOCKED_BYTES, overlaps } from '../src/sqlite/os/lockBytes';
import { readLockHolders } from '../src/sqlite/live/lockHolders';
import { readSpace } from '../src/sqlite/content/space';
import { readDatabaseState } from '../src/sqlite/disk/state';
import { scanWorkspace } from '../src/workspace/scan';
import { startPython, tempDir } from './helpers/fixtures';

/**
 * Windows locks are mandatory: a read of a byte another process has locked
 * fails. Every read we make is recorded (the file layer's test hook) over a
 * real database that crosses 1 GiB, with a live WAL and -shm, through every
 * path that reads files; none may touch SQLite's lock bytes.
 */
const SPACE_TRUTH = path.join(__dirname, 'fixtures', 'space_truth.py');

// Real SQLite writes 1.2 GB (pages on both sides of the lock-byte page), in WAL mode.
const MAKE = String.raw`
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA synchronous=OFF")
c.execute("PRAGMA journal_mode=OFF")
c.execute("CREATE TABLE blobs(b BLOB)")
c.execute("BEGIN")
c.execute("INSERT INTO blobs VALUES (zeroblob(600*1000*1000))")
c.execute("INSERT INTO blobs VALUES (zeroblob(600*1000*1000))")
c.execute("CREATE TABLE after(x)")
c.executemany("INSERT INTO after VALUES (?)", [(i,) for i in range(20000)])
c.execute("COMMIT")
c.execute("PRAGMA journal_mode=wal")
`;

// An app with the database open: commits still in the -wal, the -shm live.
const LIVE = String.raw`
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA wal_autocheckpoint=0")
c.executemany("INSERT INTO after VALUES (?)", [(i,) for i in range(5000)])
print("ready")
sys.stdin.readline()
`;

describe('lock bytes are never read', { skip: process.platform !== 'linux' && 'the live -shm check needs /proc/locks' }, () => {
  let dir: string;
  let file: string;
  let app: ChildProcess;
  before(async () => {
    dir = tempDir('sqlite-doctor-lockbytes-');
    file = path.join(dir, 'big.db');
    execFileSync('python3', ['-c', MAKE, file]);
    app = (await startPython(LIVE, [file])).child;
  });
  after(async () => {
    app.stdin!.end('\n');
    await new Promise((r) => app.on('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('no read of a database > 1 GiB or of its live -shm overlaps a lock byte, through state, space, inspect, image, lock holders and scan', async () => {
    const reads: { path: string; start: number; end: number }[] = [];
    setReadListener((p, position, length) => reads.push({ path: p, start: position, end: position + length - 1 }));
    let image: Awaited<ReturnType<typeof readDatabaseImage>>;
    let space: Awaited<ReturnType<typeof readSpace>>;
    try {
      const state = await readDatabaseState(file, { withLocks: true });
      assert.ok(state.pageCount * state.pageSize > 2 ** 30 && state.wal!.committedFrames > 0 && state.sidecars.shm, 'a live WAL database across 1 GiB');
      space = await readSpace(file);
      await inspectDatabase(file, { maxBytes: 2 ** 20 });
      image = await readDatabaseImage(file, 2 ** 31);
      assert.equal((await readLockHolders(file)).supported, true);
      for await (const ev of scanWorkspace(dir, { threads: 0, walkHere: true })) void ev;
    } finally {
      setReadListener(undefined);
    }
    const touching = (suffix: string, role: 'database' | 'shm') => reads.filter((r) => r.path.endsWith(suffix) && LOCKED_BYTES[role].some((l) => overlaps(l, r.start, r.end)));
    assert.deepEqual(touching('big.db', 'database'), []);
    assert.deepEqual(touching('big.db-shm', 'shm'), []);
    // Not vacuous: the reads went past the lock-byte page, and the -shm was read.
    assert.ok(reads.some((r) => r.path.endsWith('big.db') && r.start > LOCKED_BYTES.database[0]!.end));
    assert.ok(reads.some((r) => r.path.endsWith('big.db-shm') && r.end > LOCKED_BYTES.shm[0]!.end));

    // What stands in for the skipped bytes changes nothing: the walk equals dbstat, and the image equals the file around them.
    const truth = JSON.parse(execFileSync('python3', [SPACE_TRUTH, file], { encoding: 'utf8' })) as Record<string, { pages: number }>;
    assert.deepEqual(space.problems, []);
    assert.deepEqual(Object.fromEntries(space.objects.map((o) => [o.name, o.pages])), Object.fromEntries(Object.entries(truth).filter(([k]) => k !== '_freelist').map(([k, v]) => [k, v.pages])));
    const lock = LOCKED_BYTES.database[0]!;
    const around = Buffer.alloc(8192);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, around, 0, around.length, lock.start - 4096);
    } finally {
      closeSync(fd);
    }
    const bytes = image.bytes!.subarray(lock.start - 4096, lock.start + 4096);
    assert.deepEqual(Buffer.from(bytes.subarray(0, 4096)), around.subarray(0, 4096));
    assert.deepEqual(Buffer.from(bytes.subarray(4096 + 512)), around.subarray(4096 + 512));
  });
});
