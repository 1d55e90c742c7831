import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { findEngine } from '../src/sqlite/engines/select';
import { parseMounts } from '../src/sqlite/os/filesystem';
import { checkpoint, disableWal, enableWal } from '../src/sqlite/write/journalMode';
import { ENGINE_CHOICES } from './helpers/engines';
import { makeFixtures, snapshotTree, startPython, tempDir, truth } from './helpers/fixtures';

/** A private copy of a fixture (and its sidecars) in its own folder. */
function copyFixture(fx: string, name: string): string {
  const dir = tempDir('sqlite-doctor-op-');
  const dst = path.join(dir, path.basename(name));
  for (const suffix of ['', '-wal', '-journal']) {
    if (existsSync(path.join(fx, name) + suffix)) copyFileSync(path.join(fx, name) + suffix, dst + suffix);
  }
  return dst;
}

const rowsOf = (file: string) => truth(file).tables;

describe('journal mode changes through real SQLite', () => {
  let fx: string;
  before(() => { fx = makeFixtures(); });

  for (const { name, choice, skip } of ENGINE_CHOICES) {
    describe(`with ${name}`, { skip }, () => {
      it('the engine is found and is real SQLite', async () => {
        const engine = await findEngine(choice);
        assert.ok(engine, `${name} available`);
        assert.match(engine.label, /SQLite|sqlite3/);
      });

      it('enables WAL, verifies it, and keeps every row', async () => {
        const file = copyFixture(fx, 'rollback.db');
        const rows = rowsOf(file);
        const r = await enableWal(file, { engine: choice });
        assert.equal(r.outcome, 'done', r.message);
        assert.deepEqual(r.verified, { headerMode: 'wal', freshConnectionMode: 'wal' });
        assert.equal(r.before.journalMode, 'delete');
        const t = truth(file);
        assert.equal(t.journal_mode, 'wal');
        assert.equal(t.integrity, 'ok');
        assert.deepEqual(t.tables, rows);
        assert.equal((await enableWal(file, { engine: choice })).outcome, 'unchanged');
      });

      it('disables WAL after checkpointing data that was only in the -wal', async () => {
        const file = copyFixture(fx, 'wal-pending.db');
        const rows = rowsOf(file);
        const r = await disableWal(file, { engine: choice });
        assert.equal(r.outcome, 'done', r.message);
        assert.equal(r.after?.journalMode, 'delete');
        assert.equal(existsSync(`${file}-wal`), false);
        const t = truth(file);
        assert.equal(t.journal_mode, 'delete');
        assert.deepEqual(t.tables, rows);
        assert.ok(t.tables.some((x) => x.name === 'only_in_wal' && x.rows === 550));
      });

      it('checkpoints (TRUNCATE) and reports the frames', async () => {
        const file = copyFixture(fx, 'wal-pending.db');
        const rows = rowsOf(file);
        const r = await checkpoint(file, 'TRUNCATE', { engine: choice });
        assert.equal(r.outcome, 'done', r.message);
        assert.ok(r.checkpoint && r.checkpoint.logFrames > 0);
        assert.equal(r.checkpoint.framesLeft, 0);
        assert.equal(r.checkpoint.checkpointedFrames, r.checkpoint.logFrames);
        assert.ok(r.before.uncheckpointedFrames > 0);
        assert.equal(r.after?.uncheckpointedFrames, 0);
        assert.deepEqual(rowsOf(file), rows);
      });

      it('recovers a hot journal first, as SQLite would, and loses no committed row', async () => {
        const file = copyFixture(fx, 'hot-journal.db');
        const committed = rowsOf(file); // real SQLite's view: the interrupted transaction rolled back
        const r = await enableWal(file, { engine: choice });
        assert.equal(r.outcome, 'done', r.message);
        assert.ok(r.preflight.notes.some((n) => /hot journal/.test(n)));
        assert.equal(existsSync(`${file}-journal`), false);
        const t = truth(file);
        assert.equal(t.integrity, 'ok');
        assert.equal(t.journal_mode, 'wal');
        assert.deepEqual(t.tables, committed);
      });
    });
  }

  describe('refusals leave every byte and mtime alone', () => {
    const refuses = async (file: string, run: () => Promise<{ outcome: string; message: string }>, reason: RegExp) => {
      const dir = path.dirname(file);
      const before = snapshotTree(dir);
      const r = await run();
      assert.equal(r.outcome, 'refused');
      assert.match(r.message, reason);
      assert.deepEqual(snapshotTree(dir), before);
    };

    it('read-only file', async () => {
      const file = copyFixture(fx, 'rollback.db');
      chmodSync(file, 0o444);
      await refuses(file, () => enableWal(file), /database file is read-only/);
    });

    it('read-only folder', async () => {
      const file = copyFixture(fx, 'rollback.db');
      chmodSync(path.dirname(file), 0o555);
      try {
        await refuses(file, () => enableWal(file), /folder is not writable.*-wal and -shm/);
      } finally {
        chmodSync(path.dirname(file), 0o755);
      }
    });

    it('network filesystem (simulated mounts table)', async () => {
      const file = copyFixture(fx, 'rollback.db');
      const mounts = parseMounts(`/dev/sda1 / ext4 rw 0 0\nnas:/export ${path.dirname(file)} nfs4 rw,relatime 0 0\n`);
      await refuses(file, () => enableWal(file, { mounts }), /network filesystem \(nfs4 from nas:\/export\).*wal\.html/);
    });

    it('no real SQLite engine available, with the command to run instead', async () => {
      const file = copyFixture(fx, 'rollback.db');
      const r = await enableWal(file, { engine: { prefer: 'node:sqlite', nodePath: '/nonexistent/node' } });
      assert.equal(r.outcome, 'refused');
      assert.match(r.next!, /^Run this yourself: sqlite3 .*rollback\.db 'PRAGMA busy_timeout=5000; PRAGMA journal_mode=WAL;'$/);
      await refuses(file, () => enableWal(file, { engine: { prefer: 'node:sqlite', nodePath: '/nonexistent/node' } }), /node:sqlite engine is not available here/);
    });

    it('dry run changes nothing and says what it would do', async () => {
      const file = copyFixture(fx, 'rollback.db');
      const before = snapshotTree(path.dirname(file));
      const r = await enableWal(file, { dryRun: true });
      assert.equal(r.outcome, 'dry-run');
      assert.match(r.message, /would switch the database to WAL/);
      assert.deepEqual(snapshotTree(path.dirname(file)), before);
    });
  });

  it('never loses a row while a real writer commits in a loop', async () => {
    const file = copyFixture(fx, 'rollback.db');
    const stop = path.join(path.dirname(file), 'stop');
    const baseRows = truth(file).tables.find((t) => t.name === 'users')!.rows;
    const { child, lines } = await startPython(`
import os, sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
con.execute("PRAGMA busy_timeout=10000")
commits = 0
print("ready")
while not os.path.exists(sys.argv[2]):
    try:
        con.execute("INSERT INTO users(name, email) VALUES ('w', 'w@x')")
        commits += 1
    except sqlite3.OperationalError as e:
        print("error", e)
    time.sleep(0.002)
print("commits", commits)
`, [file, stop]);
    const exited = new Promise((r) => child.on('exit', r));
    const outcomes: string[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        outcomes.push(`enable:${(await enableWal(file, { busyTimeoutMs: 5000 })).outcome}`);
        outcomes.push(`checkpoint:${(await checkpoint(file, 'PASSIVE')).outcome}`);
        const d = await disableWal(file, { busyTimeoutMs: 300 });
        outcomes.push(`disable:${d.outcome}`);
        if (d.outcome === 'refused') assert.match(d.message, /other connections have the database open/);
      }
    } finally {
      writeFileSync(stop, '');
      await exited;
    }
    const commits = Number(lines.find((l) => l.startsWith('commits'))!.split(' ')[1]);
    assert.ok(commits > 10, `writer made progress (${commits} commits)`);
    assert.deepEqual(lines.filter((l) => l.startsWith('error')), [], 'the writer never saw an error');
    const t = truth(file);
    assert.equal(t.integrity, 'ok');
    assert.equal(t.tables.find((x) => x.name === 'users')!.rows, baseRows + commits, outcomes.join(' '));
    assert.ok(outcomes.includes('enable:done'), outcomes.join(' '));
    assert.equal(t.journal_mode, 'wal');
  });

  it('survives being killed at random points (SIGKILL) without losing a committed row', async () => {
    const cli = path.join(__dirname, '..', 'bin', 'sqlite-doctor.js');
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const dir = tempDir('sqlite-doctor-crash-');
    mkdirSync(dir, { recursive: true });
    const file = copyFixture(fx, 'freelist.db');
    const rows = rowsOf(file);
    const modes = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const args = i % 3 === 2 ? ['checkpoint', file] : ['wal', i % 3 === 0 ? 'enable' : 'disable', file];
      const child = spawn(process.execPath, [cli, ...args], { detached: true, stdio: 'ignore' });
      const exited = new Promise((r) => child.on('exit', r));
      await new Promise((r) => setTimeout(r, Math.floor(random() * 250)));
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already finished */ }
      await exited;
      const t = truth(file);
      assert.equal(t.integrity, 'ok', `after kill ${i}`);
      assert.deepEqual(t.tables, rows, `after kill ${i}`);
      modes.add(t.journal_mode);
    }
    assert.ok(modes.size >= 1);
  });
});
