import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { readDatabaseState } from '../src/sqlite/disk/state';
import { makeFixtures, startPython, tempDir, truth } from './helpers/fixtures';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

/** Header-level state (no SQL): what a fresh connection would report, WAL and hot journal included. */
const READABLE = ['rollback.db', 'wal-clean.db', 'wal-pending.db', 'wal-bad-checksum.db', 'wal-wrong-salt.db', 'wal-truncated-frame.db',
  'hot-journal.db', 'utf16le.db', 'page64k.db', 'autovacuum.db', 'freelist.db', 'appid.sqlite3', 'state.bin'];

describe('database state from headers and sidecars', () => {
  let dir: string;
  before(() => { dir = makeFixtures(); });

  for (const name of READABLE) {
    it(`agrees with real SQLite on ${name}`, async () => {
      const s = await readDatabaseState(path.join(dir, name));
      const t = truth(path.join(dir, name));
      assert.deepEqual(
        [s.journalMode, s.pageSize, s.pageCount, s.freelistCount, s.encoding, s.userVersion, s.applicationId, s.autoVacuum, s.schemaVersion],
        [t.journal_mode, t.page_size, t.page_count, t.freelist_count, t.encoding, t.user_version, t.application_id, t.auto_vacuum, t.schema_version],
      );
      if (t.wal_frames !== undefined && s.wal) assert.equal(s.wal.committedFrames, t.wal_frames);
    });
  }

  it('reads committed data that exists only in the -wal', async () => {
    const s = await readDatabaseState(path.join(dir, 'wal-pending.db'));
    assert.equal(s.fileHeader.userVersion, 0, 'the main file predates the WAL commits');
    assert.equal(s.userVersion, 7);
    assert.ok(s.wal && s.wal.committedFrames > 0 && s.wal.pagesChanged > 0);
    assert.equal(s.wal.uncheckpointedFrames, s.wal.committedFrames);
    assert.equal(s.wal.uncheckpointedBytes, s.wal.committedFrames * (4096 + 24));
    assert.equal(s.wal.dbPagesAfterCommit, s.pageCount);
    assert.ok(s.sidecars.wal && s.sidecars.shm);
  });

  it('stops at the last valid commit when the WAL is damaged', async () => {
    const good = (await readDatabaseState(path.join(dir, 'wal-pending.db'))).wal!;
    for (const name of ['wal-bad-checksum.db', 'wal-wrong-salt.db', 'wal-truncated-frame.db']) {
      const w = (await readDatabaseState(path.join(dir, name))).wal!;
      assert.ok(w.committedFrames < good.committedFrames, name);
      assert.equal(w.committedFrames, truth(path.join(dir, name)).wal_frames, name);
      assert.ok(w.stoppedEarly, `${name} says why it stopped`);
    }
  });

  it('detects a hot journal and explains it', async () => {
    const s = await readDatabaseState(path.join(dir, 'hot-journal.db'));
    assert.equal(s.hotJournal, true);
    assert.equal(s.journal?.status, 'hot');
    assert.ok((s.journal?.pagesToRestore ?? 0) > 0);
    assert.match(s.problems.join('\n'), /interrupted.*roll the database back/);
    assert.ok(s.fileBytes > s.pageCount * s.pageSize, 'the file holds pages of the uncommitted transaction');
  });

  it('does not call the journal of a live transaction hot', { skip: process.platform !== 'linux' && 'needs /proc/locks' }, async () => {
    const file = path.join(dir, 'rollback.db');
    const { child } = await startPython(`
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA cache_size=5")
con.execute("BEGIN IMMEDIATE")
con.executemany("INSERT INTO posts(user_id, body) VALUES (1, ?)", [("y" * 300,) for _ in range(2000)])
print("ready")
sys.stdin.readline()
con.execute("ROLLBACK")
`, [file]);
    try {
      const s = await readDatabaseState(file);
      assert.ok(s.sidecars.journal);
      assert.equal(s.journal?.status, 'live');
      assert.equal(s.hotJournal, false);
      assert.ok(s.locks?.pids.includes(child.pid!));
    } finally {
      child.stdin!.end('\n');
      await new Promise((r) => child.on('exit', r));
    }
  });

  const BIG_WAL = `
import os, sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=wal")
con.execute("PRAGMA wal_autocheckpoint=0")
con.execute("CREATE TABLE IF NOT EXISTS b(x BLOB)")
for i in range(int(sys.argv[2])):
    con.execute("BEGIN")
    con.executemany("INSERT INTO b VALUES (randomblob(4000))", [()] * 250)
    con.execute("COMMIT")
con.execute("PRAGMA user_version=%d" % int(sys.argv[3]))
print("ready", flush=True)
if sys.argv[4] == "stay":
    sys.stdin.read()
os._exit(0)
`;

  it('trusts a live wal-index for a large WAL, with the same answers as a full walk', async () => {
    const file = path.join(tempDir(), 'big-wal.db');
    // The app keeps the database open: its connection holds the -shm's DMS lock, so the index is live.
    const app = await startPython(BIG_WAL, [file, '12', '99', 'stay']);
    try {
      const fast = await readDatabaseState(file);
      const full = await readDatabaseState(file, { walVerify: 'full' });
      assert.ok(fast.sidecars.wal!.bytes > 8 * 1024 * 1024);
      assert.equal(fast.wal?.fromIndex, true);
      assert.equal(full.wal?.fromIndex, undefined);
      const t = truth(file);
      for (const s of [fast, full]) {
        assert.deepEqual([s.pageCount, s.userVersion, s.wal!.committedFrames], [t.page_count, t.user_version, t.wal_frames]);
      }
      assert.equal(fast.wal!.pagesChanged, full.wal!.pagesChanged);
      assert.equal(fast.wal!.uncheckpointedBytes, full.wal!.uncheckpointedBytes);
      // A log that no longer matches its index (last commit frame damaged) falls back to the full walk.
      const wal = readFileSync(`${file}-wal`);
      const lastCommit = 32 + (fast.wal!.committedFrames - 1) * (24 + 4096);
      wal.writeUInt32BE(0, lastCommit + 4);
      writeFileSync(`${file}-wal`, wal);
      const fallback = await readDatabaseState(file);
      assert.equal(fallback.wal?.fromIndex, undefined);
      assert.equal(fallback.wal!.committedFrames, truth(file).wal_frames);
    } finally {
      app.child.kill('SIGKILL');
    }
  });

  it('does not trust a stale wal-index left by a crash: the WAL holds newer commits than it says', async () => {
    const file = path.join(tempDir(), 'stale-shm.db');
    execFileSync('python3', ['-c', BIG_WAL, file, '10', '1', 'exit']);
    const oldShm = readFileSync(`${file}-shm`);
    // More commits reach the WAL, then the crash leaves the older (self-consistent) -shm behind.
    execFileSync('python3', ['-c', BIG_WAL, file, '2', '2', 'exit']);
    writeFileSync(`${file}-shm`, oldShm);
    const s = await readDatabaseState(file);
    const t = truth(file);
    assert.equal(s.wal?.fromIndex, undefined);
    assert.deepEqual([s.pageCount, s.userVersion], [t.page_count, t.user_version]);
    assert.equal(t.user_version, 2);
  });

  it('flags a truncated file', async () => {
    const s = await readDatabaseState(path.join(dir, 'truncated.db'));
    assert.match(s.problems.join('\n'), /truncated: the header says 26 pages but the file holds 13/);
  });
});
