import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, readFileSync, statSync, truncateSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { withFile } from '../src/sqlite/os/fileio';
import { readDatabaseState } from '../src/sqlite/disk/state';
import { WalPageMap, indexWal } from '../src/sqlite/disk/wal';
import { WalFollower } from '../src/sqlite/disk/walFollower';
import { SHM_HEADER_BYTES, parseShm } from '../src/sqlite/disk/shm';
import { tempDir } from './helpers/fixtures';

/**
 * A follower of a growing WAL must give what a fresh full read gives, after
 * every step real SQLite takes: commits, a transaction that spills frames
 * before it commits, a checkpoint, a restart of the log with new salts, a
 * TRUNCATE checkpoint, and a log cut short under it.
 */
const APP = String.raw`
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA journal_mode=wal"); c.execute("PRAGMA wal_autocheckpoint=0")
c.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)")
for line in sys.stdin:
    cmd, *args = line.split()
    if cmd == "insert":
        for i in range(int(args[0])): c.execute("INSERT INTO t(v) VALUES (randomblob(3000))")
    elif cmd == "spill":
        c.execute("PRAGMA cache_size=2"); c.execute("BEGIN")
        for i in range(int(args[0])): c.execute("INSERT INTO t(v) VALUES (randomblob(3000))")
    elif cmd == "sql":
        c.execute(" ".join(args))
    print("ok", flush=True)
`;

class App {
  private readonly child: ChildProcess;
  private waiting: (() => void)[] = [];
  constructor(file: string) {
    this.child = spawn('python3', ['-u', '-c', APP, file], { stdio: ['pipe', 'pipe', 'inherit'] });
    // Each command answers one line ("ok"), which may arrive in pieces.
    this.child.stdout!.on('data', (d: Buffer) => { for (const _ of d.toString().match(/\n/g) ?? []) this.waiting.shift()?.(); });
  }
  do(cmd: string): Promise<void> {
    return new Promise((r) => { this.waiting.push(r); this.child.stdin!.write(`${cmd}\n`); });
  }
  stop(): void {
    this.child.kill('SIGKILL');
  }
}

function shmOf(file: string) {
  try {
    return parseShm(readFileSync(`${file}-shm`).subarray(0, SHM_HEADER_BYTES));
  } catch {
    return undefined;
  }
}

async function both(wal: string, db: string, follower: WalFollower): Promise<{ followed: WalPageMap; fresh: WalPageMap }> {
  const shm = shmOf(db);
  const followed = await withFile(wal, 'log', (w) => follower.index(w, shm));
  const fresh = await withFile(wal, 'log', (w) => indexWal(w, shm, 'full'));
  return { followed, fresh };
}

describe('following a growing WAL', () => {
  let dir: string;
  let db: string;
  let app: App;
  const follower = new WalFollower();
  before(async () => {
    dir = tempDir('sqlite-doctor-follow-');
    db = path.join(dir, 'app.db');
    app = new App(db);
    await app.do('insert 10');
  });
  after(() => app.stop());

  /** Runs a step, then checks the follower against a fresh full read; returns whether it started over and what it read. */
  async function step(cmd: string | undefined): Promise<{ index: WalPageMap; startedOver: boolean; read: number }> {
    if (cmd) await app.do(cmd);
    const [fullBefore, bytesBefore] = [follower.fullReads, follower.bytesRead];
    const { followed, fresh } = await both(`${db}-wal`, db, follower);
    assert.deepEqual(followed, fresh, `after "${cmd ?? 'the first read'}" the follower agrees with a full read`);
    // And with the state a reader reports (the same page as a fresh read's).
    return { index: followed, startedOver: follower.fullReads > fullBefore, read: follower.bytesRead - bytesBefore };
  }

  it('reads only new frames while the log grows, and starts over when it restarts or shrinks', async () => {
    const first = await step(undefined);
    assert.ok(first.startedOver && first.index.committedFrames > 0);

    const grown = await step('insert 5');
    assert.equal(grown.startedOver, false, 'appended commits: resumed');
    assert.ok(grown.read < grown.index.fileBytes / 2, `read ${grown.read} of ${grown.index.fileBytes} bytes`);
    assert.ok(grown.index.committedFrames > first.index.committedFrames);

    const spilled = await step('spill 40');
    assert.ok(spilled.index.uncommittedFrames > 0, 'a transaction spilled frames before its commit');
    assert.equal(spilled.startedOver, false);

    const committed = await step('sql COMMIT');
    assert.equal(committed.index.uncommittedFrames, 0);
    assert.equal(committed.startedOver, false, 'resumed from the last commit, not from the spilled frames');

    const checkpointed = await step('sql PRAGMA wal_checkpoint(PASSIVE)');
    assert.equal(checkpointed.index.backfilledFrames, checkpointed.index.committedFrames);
    assert.equal(checkpointed.startedOver, false, 'a checkpoint that leaves the log as it is: resumed');

    const salts = checkpointed.index.header!;
    const restarted = await step('insert 3');
    assert.notDeepEqual([restarted.index.header!.salt1, restarted.index.header!.salt2], [salts.salt1, salts.salt2], 'the log restarted with new salts');
    assert.ok(restarted.startedOver, 'a restarted log is read from its first frame');
    assert.ok(restarted.index.committedFrames < checkpointed.index.committedFrames, 'only the new commits count');

    // The restarted log is followed too, without reading the old generation's frames left after it.
    const onRestarted = await step('insert 1');
    assert.equal(onRestarted.startedOver, false);
    assert.ok(onRestarted.index.stoppedEarly?.includes('earlier WAL generation'), 'old frames follow the new ones');
    assert.ok(onRestarted.read < onRestarted.index.fileBytes / 4, `read ${onRestarted.read} of ${onRestarted.index.fileBytes} bytes`);

    const truncated = await step('sql PRAGMA wal_checkpoint(TRUNCATE)');
    assert.equal(truncated.index.fileBytes, 0);

    const again = await step('insert 2');
    assert.ok(again.startedOver && again.index.committedFrames > 0);

    // The state a reader reports is the same through a follower.
    const stateFollower = new WalFollower();
    await readDatabaseState(db, { walFollower: stateFollower });
    await app.do('insert 4');
    const viaFollower = await readDatabaseState(db, { walFollower: stateFollower });
    assert.deepEqual(viaFollower, await readDatabaseState(db, { walVerify: 'full' }));
    assert.equal(stateFollower.fullReads, 1);
  });

  it('two readers sharing one follower (the model and the live view), reading at once, each get what a full read gives, and the frames are checked about once', async () => {
    const shared = new WalFollower();
    await readDatabaseState(db, { walFollower: shared });
    for (let round = 0; round < 5; round++) {
      const walBefore = statSync(`${db}-wal`).size;
      await app.do('insert 8');
      const appended = statSync(`${db}-wal`).size - walBefore;
      const before = shared.bytesRead;
      const [a, b] = await Promise.all([readDatabaseState(db, { walFollower: shared }), readDatabaseState(db, { walFollower: shared })]);
      const full = await readDatabaseState(db, { walVerify: 'full' });
      assert.deepEqual(a, full);
      assert.deepEqual(b, full);
      // At once, both may check the same new frames; never the whole log again.
      assert.ok(appended > 0 && shared.bytesRead - before <= 2 * appended, `round ${round}: ${shared.bytesRead - before} bytes read, ${appended} appended`);
    }
    const before = shared.bytesRead;
    await app.do('insert 8');
    await readDatabaseState(db, { walFollower: shared });
    const afterFirst = shared.bytesRead;
    await readDatabaseState(db, { walFollower: shared });
    assert.ok(afterFirst > before && shared.bytesRead === afterFirst, 'one after the other, the second reader checks nothing again');
    assert.equal(shared.fullReads, 1);
  });

  it('drops pages beyond the size of a database that shrank in the log (VACUUM), followed as when read afresh', async () => {
    await app.do('insert 30');
    const grown = await step(undefined);
    await app.do('sql DELETE FROM t');
    const shrunk = await step('sql VACUUM');
    assert.ok(shrunk.index.dbPagesAfterCommit! < grown.index.dbPagesAfterCommit!, `${shrunk.index.dbPagesAfterCommit} < ${grown.index.dbPagesAfterCommit} pages`);
    assert.ok([...shrunk.index.latestPageOffset.keys()].every((pg) => pg <= shrunk.index.dbPagesAfterCommit!));
    assert.equal(shrunk.startedOver, false);
  });

  it('follows a large log through its live wal-index: the same pages and commits as a full walk, without reading the frames again', async () => {
    const indexed = new WalFollower('index-if-large');
    await app.do('insert 2200'); // past the 8 MB from which the index may stand in for the frames
    for (let round = 0; round < 3; round++) {
      await app.do('insert 40');
      const before = indexed.bytesRead;
      const shm = parseShm(readFileSync(`${db}-shm`)); // the whole wal-index, hash tables too
      const followed = await withFile(`${db}-wal`, 'log', (w) => indexed.index(w, shm));
      const full = await withFile(`${db}-wal`, 'log', (w) => indexWal(w, shm, 'full'));
      assert.ok(full.fileBytes > 8 * 1024 * 1024);
      const essentials = (m: WalPageMap) => ({ committed: m.committedFrames, pages: m.dbPagesAfterCommit, changed: m.pagesChanged, backfilled: m.backfilledFrames, map: [...m.latestPageOffset].sort((a, b) => a[0] - b[0]) });
      assert.deepEqual(essentials(followed), essentials(full), `round ${round}`);
      if (round > 0) assert.ok(followed.fromIndex && indexed.bytesRead - before === 0, `round ${round}: ${indexed.bytesRead - before} frame bytes read`);
    }
    assert.equal(indexed.fullReads, 1);
  });

  it('starts over when the log is cut short under it', async () => {
    await app.do('insert 6');
    const copy = path.join(dir, 'copy.db');
    copyFileSync(`${db}-wal`, `${copy}-wal`);
    const own = new WalFollower();
    const whole = await withFile(`${copy}-wal`, 'log', (w) => own.index(w));
    // Cut into the middle of the last commit's frame: the last commit is gone.
    truncateSync(`${copy}-wal`, statSync(`${copy}-wal`).size - 100);
    const cut = await withFile(`${copy}-wal`, 'log', (w) => own.index(w));
    assert.deepEqual(cut, await withFile(`${copy}-wal`, 'log', (w) => indexWal(w, undefined, 'full')));
    assert.ok(cut.committedFrames < whole.committedFrames, 'the last commit is gone');
    assert.equal(own.fullReads, 2);
  });
});
