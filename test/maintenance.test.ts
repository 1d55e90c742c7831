import { effectiveSettings } from '../src/advice/facts';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { backupDatabase } from '../src/sqlite/write/backup';
import { setAutoVacuum, setPageSize, vacuum } from '../src/sqlite/write/rebuild';
import { GROUP_ENV } from '../src/sqlite/engines/child';
import { snapshotTree, startPython, tempDir, truth } from './helpers/fixtures';
import { survivorsAfterKill } from './helpers/processes';

/**
 * Backup, VACUUM and persistent settings with the same safety as journal
 * mode changes, checked against real SQLite processes and real SQLite's
 * own answers afterwards.
 */
const BIN = path.join(__dirname, '..', 'bin', 'sqlite-doctor.js');

function makeDb(file: string, opts: { wal?: boolean; rows?: number; deleteAbove?: number } = {}): void {
  execFileSync('python3', ['-c', `import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
${opts.wal ? 'c.execute("pragma journal_mode=wal")' : ''}
c.execute("create table t(id integer primary key, v blob)"); c.execute("create table u(x)")
c.executemany("insert into t(v) values (randomblob(1500))", [()]*${opts.rows ?? 2000})
c.executemany("insert into u values (?)", [(i,) for i in range(37)])
c.commit()
${opts.deleteAbove ? `c.execute("delete from t where id > ${opts.deleteAbove}"); c.commit()` : ''}`, file]);
}

const WRITER = String.raw`
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
n = c.execute("select count(*) from t").fetchone()[0]
print("ready", flush=True)
print("count", n, flush=True)
end = time.time() + float(sys.argv[2])
while time.time() < end:
    c.execute("BEGIN IMMEDIATE"); c.executemany("insert into t(v) values (randomblob(800))", [()]*20); c.execute("COMMIT")
    n += 20
    print("count", n, flush=True)
    time.sleep(0.01)
`;

describe('backup with proof', () => {
  it('takes a consistent copy while a writer commits, proves it, and leaves one self-contained file', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file, { wal: true });
    const writer = await startPython(WRITER, [file, '6']);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const dest = path.join(dir, 'backups', 'copy.db');
      mkdirSync(path.dirname(dest));
      const r = await backupDatabase(file, dest);
      assert.equal(r.outcome, 'done', r.message);
      const t = truth(dest);
      assert.equal(t.integrity, 'ok');
      assert.equal(t.journal_mode, 'delete');
      const committed = new Set(writer.lines.filter((l) => l.startsWith('count')).map((l) => Number(l.split(' ')[1])));
      const rows = t.tables.find((x) => x.name === 't')!.rows;
      assert.ok(committed.has(rows), `the copy holds ${rows} rows, a count the writer committed`);
      assert.deepEqual(r.verified?.tables.find((x) => x.name === 't')?.rows, rows);
      assert.deepEqual(readdirSync(path.dirname(dest)), ['copy.db']);
    } finally {
      writer.child.kill('SIGKILL');
    }
  });

  it('refuses to overwrite an existing file unless forced', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file);
    const dest = path.join(dir, 'copy.db');
    makeDb(dest, { rows: 5 });
    const before = snapshotTree(dir);
    const r = await backupDatabase(file, dest);
    assert.equal(r.outcome, 'refused');
    assert.match(r.message, /already exists \(use --force/);
    assert.deepEqual(snapshotTree(dir), before);
    assert.equal((await backupDatabase(file, dest, { force: true })).outcome, 'done');
    assert.equal(truth(dest).tables.find((x) => x.name === 't')!.rows, 2000);
  });
});

describe('VACUUM and persistent settings', () => {
  it('VACUUM gives back the free pages, as real SQLite then reports', async () => {
    const file = path.join(tempDir(), 'app.db');
    makeDb(file, { deleteAbove: 500 });
    const before = truth(file);
    assert.ok(before.freelist_count > 100);
    const r = await vacuum(file);
    assert.equal(r.outcome, 'done', r.message);
    const after = truth(file);
    assert.equal(after.freelist_count, 0);
    assert.equal(after.page_count, r.after!.pageCount);
    assert.deepEqual(after.tables, before.tables);
    assert.equal(after.integrity, 'ok');
  });

  it('refuses when the filesystem is short of the worst case, proceeds when it is not (boundary)', async () => {
    const file = path.join(tempDir(), 'app.db');
    makeDb(file, { deleteAbove: 500 });
    const t = truth(file);
    const worst = 2 * t.page_count * t.page_size; // no -wal
    const short = await vacuum(file, { freeSpace: async () => worst - 1 });
    assert.equal(short.outcome, 'refused');
    assert.match(short.message, /needs up to .* only .* is available/);
    assert.equal(truth(file).freelist_count, t.freelist_count, 'nothing changed');
    const enough = await vacuum(file, { freeSpace: async () => worst });
    assert.equal(enough.outcome, 'done', enough.message);
  });

  it('VACUUM with a reader holding a snapshot in WAL mode completes or refuses with why, and the reader\'s results stay right', { timeout: 60_000 }, async () => {
    const file = path.join(tempDir(), 'app.db');
    makeDb(file, { wal: true, deleteAbove: 800 });
    const reader = await startPython(String.raw`
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN"); n = c.execute("select count(*), sum(length(v)) from t").fetchone()
print("ready", flush=True)
sys.stdin.readline()
print("again", n == c.execute("select count(*), sum(length(v)) from t").fetchone(), flush=True)
c.execute("COMMIT")
print("after", c.execute("select count(*) from t").fetchone()[0], flush=True)
`, [file]);
    const r = await vacuum(file, { busyTimeoutMs: 1000 });
    assert.ok(r.outcome === 'done' || (r.outcome === 'refused' && /locked|busy/.test(r.message)), r.message);
    reader.child.stdin!.write('\n');
    await new Promise((res) => reader.child.on('exit', res));
    assert.ok(reader.lines.includes('again True'), reader.lines.join('|'));
    assert.ok(reader.lines.includes('after 800'));
    assert.equal(truth(file).integrity, 'ok');
  });

  it('auto_vacuum and page_size changes are applied with the VACUUM they need and verified', async () => {
    const file = path.join(tempDir(), 'app.db');
    makeDb(file, { wal: true, deleteAbove: 1000 });
    const rows = truth(file).tables;
    const av = await setAutoVacuum(file, 'incremental');
    assert.equal(av.outcome, 'done', av.message);
    const ps = await setPageSize(file, 8192);
    assert.equal(ps.outcome, 'done', ps.message);
    const t = truth(file);
    assert.deepEqual([t.auto_vacuum, t.page_size, t.journal_mode, t.integrity], [2, 8192, 'wal', 'ok']);
    assert.deepEqual(t.tables, rows);
    assert.equal((await setPageSize(file, 8192)).outcome, 'unchanged');
  });

  it('page_size of a WAL database with another connection open is refused and changes nothing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file, { wal: true });
    const other = await startPython(String.raw`
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("select count(*) from t").fetchone()
print("ready", flush=True)
sys.stdin.read()
`, [file]);
    try {
      const before = snapshotTree(dir);
      const r = await setPageSize(file, 16384);
      assert.equal(r.outcome, 'refused');
      assert.match(r.message, new RegExp(`pid ${other.child.pid} has the database open`));
      assert.deepEqual(snapshotTree(dir), before);
    } finally {
      other.child.kill('SIGKILL');
    }
  });
});

describe('killed at random moments', () => {
  it('20 SIGKILLs of backup, vacuum and set: the source stays whole, no row lost, nothing left beside it', { timeout: 180_000 }, async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file, { rows: 6000, deleteAbove: 3000 });
    const rows = truth(file).tables;
    const out = tempDir('sqlite-doctor-backups-');
    let seed = 4242;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20; i++) {
      const args = [
        ['backup', file, path.join(out, `b${i}.db`)],
        ['vacuum', file],
        ['set', file, i % 2 ? 'page_size=8192' : 'page_size=4096'],
        ['set', file, i % 2 ? 'auto_vacuum=full' : 'auto_vacuum=none'],
      ][i % 4]!;
      // Started as the extension starts the CLI: its own process group, which its engines join.
      const child = spawn(process.execPath, [BIN, ...args], { detached: true, stdio: 'ignore', env: { ...process.env, [GROUP_ENV]: '1' } });
      const exited = new Promise((r) => child.on('exit', r));
      await new Promise((r) => setTimeout(r, Math.floor(random() * 400)));
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already done */ }
      await exited;
      assert.deepEqual(await survivorsAfterKill(child.pid!, file), [], `after kill ${i}: no engine outlives the group`);
      const t = truth(file);
      assert.equal(t.integrity, 'ok', `after kill ${i} (${args[0]})`);
      assert.deepEqual(t.tables, rows, `after kill ${i} (${args[0]})`);
      // Only the database and what SQLite itself keeps beside it (a -journal to roll back is SQLite's, not ours).
      const stray = readdirSync(dir).filter((n) => !/^app\.db(-journal|-wal|-shm)?$/.test(n));
      assert.deepEqual(stray, [], `after kill ${i}`);
    }
  });
});

describe('Litestream setup', () => {
  it('writes a config Litestream (and our own finder) reads back, and checks the preconditions it can', async () => {
    const { litestreamPlan } = await import('../src/advice/litestreamSetup');
    const { parseLitestream } = await import('../src/advice/stacks/litestream');
    const { parse } = await import('yaml');
    const db = '/srv/app/db.sqlite3';
    const noApp = litestreamPlan(db, '/backup/db', 'delete', { connections: [], backups: [] });
    const doc = parse(noApp.yaml) as { dbs: { path: string; replica: { type: string; path: string } }[] };
    assert.deepEqual(doc.dbs[0], { path: db, replica: { type: 'file', path: '/backup/db', 'sync-interval': '1s' } });
    assert.deepEqual((await parseLitestream(noApp.yaml, 'litestream.yml'))?.databases, [db]);
    assert.deepEqual(noApp.checks.map((c) => c.ok), [false, false, true]);
    assert.match(noApp.checks[0]!.text, /Enable WAL first/);
    const django = { stack: 'django' as const, driver: 'django', scope: 'production' as const, file: 'proj/settings.py', line: 12, databaseExpr: 'BASE_DIR / "db.sqlite3"', database: db, pragmas: { busy_timeout: '5000' },
      settings: effectiveSettings('django', { set: { busy_timeout: { value: '5000', at: 'proj/settings.py:14' } }, unknown: {} }), notes: [] };
    const ready = litestreamPlan(db, '/backup/db', 'wal', { connections: [django], backups: [] });
    assert.deepEqual(ready.checks.map((c) => c.ok), [true, true, true]);
    assert.match(ready.checks[1]!.text, /busy_timeout \(5000 ms, proj\/settings\.py:12\)/);
    assert.match(ready.verifyRestore, /^litestream restore -o \/tmp\/restored\.db/);
  });
});
