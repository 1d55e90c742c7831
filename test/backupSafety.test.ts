import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { backupDatabase } from '../src/sqlite/write/backup';
import { ENGINE_CHOICES } from './helpers/engines';
import { snapshotTree, tempDir, truth } from './helpers/fixtures';

/**
 * backup --force over every DEST a person can get wrong: the source's own
 * sidecars, the source through a symlinked folder, things that are not
 * files, and a failure over an existing good backup. Each is judged by what
 * real SQLite says about the source (and DEST) afterwards.
 */
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** t(id, v) with `rows` rows; `walOnly` of them are committed in the -wal only (the writer exits without a checkpoint). */
function makeDb(file: string, opts: { rows?: number; walOnly?: number; hotJournal?: boolean; blob?: number } = {}): void {
  execFileSync('python3', ['-c', `import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
${opts.walOnly ? 'c.execute("PRAGMA journal_mode=wal"); c.execute("PRAGMA wal_autocheckpoint=0")' : ''}
c.execute("create table t(id integer primary key, v blob)")
c.execute("BEGIN"); c.executemany("insert into t(v) values (randomblob(${opts.blob ?? 300}))", [()] * ${opts.rows ?? 600}); c.execute("COMMIT")
${opts.walOnly ? `c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
c.execute("BEGIN"); c.executemany("insert into t(v) values (randomblob(300))", [()] * ${opts.walOnly}); c.execute("COMMIT")
os._exit(0)` : ''}
${opts.hotJournal ? `c.execute("PRAGMA cache_size=5")
c.execute("BEGIN"); c.execute("update t set v = zeroblob(300)")
os._exit(0)` : ''}`, file]);
}

const rowsOf = (file: string) => truth(file).tables.find((t) => t.name === 't')?.rows;

describe('backup DEST that must be refused', () => {
  it("refuses the source's own -wal, and the source keeps every committed row", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file, { rows: 400, walOnly: 200 });
    assert.ok(statSync(`${file}-wal`).size > 0);
    assert.equal(rowsOf(file), 600);
    const before = snapshotTree(dir);
    const r = await backupDatabase(file, `${file}-wal`, { force: true });
    assert.equal(r.outcome, 'refused', r.message);
    assert.match(r.message, /the database's -wal/);
    assert.deepEqual(snapshotTree(dir), before);
    assert.equal(rowsOf(file), 600);
  });

  it('refuses the source reached through a symlinked folder, and the source is intact', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file);
    const other = tempDir();
    symlinkSync(dir, path.join(other, 'link'));
    const before = snapshotTree(dir);
    const r = await backupDatabase(file, path.join(other, 'link', 'app.db'), { force: true });
    assert.equal(r.outcome, 'refused', r.message);
    assert.match(r.message, /is the database itself/);
    assert.match(r.message, /nothing was written|left as it was/);
    assert.deepEqual(snapshotTree(dir), before);
    assert.equal(rowsOf(file), 600);
  });

  it("refuses the source's hot -journal, and the source's recovery stays intact", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file, { hotJournal: true });
    const journal = `${file}-journal`;
    assert.ok(statSync(journal).size > 0, 'a hot journal');
    const before = snapshotTree(dir);
    const r = await backupDatabase(file, journal, { force: true });
    assert.equal(r.outcome, 'refused', r.message);
    assert.match(r.message, /the database's -journal/);
    assert.deepEqual(snapshotTree(dir), before);
    // SQLite's own recovery (on a private copy) rolls the interrupted update back: every blob is still random.
    const zeroed = execFileSync('python3', [path.join(__dirname, 'fixtures', 'truth.py'), file], { encoding: 'utf8' });
    assert.equal(JSON.parse(zeroed).integrity, 'ok');
  });

  it('refuses a FIFO and leaves it a FIFO', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file);
    const fifo = path.join(dir, 'backup.db');
    execFileSync('mkfifo', [fifo]);
    const r = await backupDatabase(file, fifo, { force: true });
    assert.equal(r.outcome, 'refused', r.message);
    assert.match(r.message, /FIFO/);
    assert.ok(lstatSync(fifo).isFIFO());
  });

  it('refuses a device node and leaves it a device', { skip: process.getuid?.() === 0 ? false : 'mknod needs root' }, async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file);
    const dev = path.join(dir, 'backup.db');
    execFileSync('mknod', [dev, 'c', '1', '3']); // the numbers of /dev/null, made in our own folder
    const r = await backupDatabase(file, dev, { force: true });
    assert.equal(r.outcome, 'refused', r.message);
    assert.match(r.message, /a device/);
    assert.ok(lstatSync(dev).isCharacterDevice());
  });

  it("refuses another database's -wal or -journal (nobody has it open), and that database keeps its committed rows", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file);
    const other = path.join(dir, 'other.db');
    makeDb(other, { rows: 10, walOnly: 5 });
    // A backup named like the -journal of a database beside it would be taken for that database's hot journal.
    makeDb(path.join(dir, 'plain.db'));
    const before = snapshotTree(dir);
    for (const dest of [`${other}-wal`, path.join(dir, 'plain.db-journal')]) {
      const r = await backupDatabase(file, dest, { force: true });
      assert.equal(r.outcome, 'refused', r.message);
      assert.match(r.message, /is the -(wal|journal) of the database/);
    }
    assert.deepEqual(snapshotTree(dir), before);
    assert.equal(rowsOf(other), 15);
  });

  it('refuses a DEST with a non-empty -wal beside it, which SQLite would apply to the new file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file);
    const dest = path.join(dir, 'old.db');
    makeDb(dest, { rows: 10, walOnly: 5 });
    const before = snapshotTree(dir);
    const r = await backupDatabase(file, dest, { force: true });
    assert.equal(r.outcome, 'refused', r.message);
    assert.match(r.message, /-wal beside .* is not empty/);
    assert.deepEqual(snapshotTree(dir), before);
  });
});

describe('a failed --force keeps the existing backup byte-identical', () => {
  it('when the copy is cancelled mid-way', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file, { rows: 4000, blob: 16_000 }); // ~64 MB: many backup steps
    const dest = path.join(dir, 'good.db');
    assert.equal((await backupDatabase(file, dest)).outcome, 'done');
    const good = sha(dest);
    const controller = new AbortController();
    const r = await backupDatabase(file, dest, {
      force: true, engine: { prefer: 'python3' }, signal: controller.signal,
      onProgress: (p) => { if (p.pages && p.pages.done < p.pages.total) controller.abort(); },
    });
    assert.equal(r.outcome, 'refused', r.message);
    assert.equal(r.stopped, 'cancelled');
    assert.match(r.message, /cancelled.*left as it was/);
    assert.equal(sha(dest), good);
    assert.deepEqual(readdirSync(dir).sort(), ['app.db', 'good.db']);
  });

  it('when the copy of a WAL database is cancelled: no -wal or -shm is left beside the source', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file, { rows: 4000, blob: 16_000 });
    execFileSync('python3', ['-c', 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA journal_mode=wal"); c.close()', file]);
    assert.deepEqual(readdirSync(dir), ['app.db'], 'closed cleanly: no sidecars');
    const controller = new AbortController();
    const r = await backupDatabase(file, path.join(dir, 'copy.db'), {
      engine: { prefer: 'python3' }, signal: controller.signal,
      onProgress: (p) => { if (p.pages && p.pages.done < p.pages.total) controller.abort(); },
    });
    assert.equal(r.stopped, 'cancelled', r.message);
    assert.deepEqual(readdirSync(dir), ['app.db']);
    assert.equal(rowsOf(file), 4000);
  });

  it('when the copy fails its proof (an index that does not match its table)', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file);
    const dest = path.join(dir, 'good.db');
    assert.equal((await backupDatabase(file, dest)).outcome, 'done');
    const good = sha(dest);
    execFileSync('python3', ['-c', `import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("create index tv on t(id)")
c.execute("PRAGMA writable_schema=ON")
c.execute("update sqlite_schema set sql='CREATE INDEX tv ON t(id+1)' where name='tv'")`, file]);
    const check = execFileSync('python3', ['-c', 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])', file], { encoding: 'utf8' });
    assert.match(check, /missing from index|wrong # of entries/, 'the source itself is damaged');
    const r = await backupDatabase(file, dest, { force: true });
    assert.equal(r.outcome, 'refused', r.message);
    assert.match(r.message, /did not pass its proof .*integrity/);
    assert.equal(sha(dest), good);
    assert.deepEqual(readdirSync(dir).sort(), ['app.db', 'good.db']);
  });
});

describe('backup through each engine', () => {
  for (const e of ENGINE_CHOICES) {
    it(`${e.name}: copies, proves, and replaces an old backup only after the proof`, { skip: e.skip }, async () => {
      const dir = tempDir();
      const file = path.join(dir, 'app.db');
      makeDb(file, { rows: 300, walOnly: 50 });
      const out = path.join(dir, 'out');
      mkdirSync(out);
      const dest = path.join(out, 'copy.db');
      makeDb(dest, { rows: 3 });
      const r = await backupDatabase(file, dest, { force: true, engine: e.choice });
      assert.equal(r.outcome, 'done', r.message);
      assert.match(r.engine ?? '', new RegExp(e.name === 'sqlite3 shell' ? 'sqlite3 shell' : e.name));
      const t = truth(dest);
      assert.deepEqual([t.integrity, t.journal_mode, rowsOf(dest)], ['ok', 'delete', 350]);
      assert.deepEqual(readdirSync(out), ['copy.db']);
      const wal = await backupDatabase(file, path.join(out, 'wal.db'), { journalMode: 'wal', engine: e.choice });
      assert.equal(wal.outcome, 'done', wal.message);
      assert.equal(truth(path.join(out, 'wal.db')).journal_mode, 'wal');
    });
  }
});
