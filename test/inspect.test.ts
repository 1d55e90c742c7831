import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { SqliteFileError } from '../src/sqlite/os/errors';
import { InspectReport, inspectDatabase } from '../src/sqlite/content/inspect';
import { makeFixtures, snapshotTree, startPython, tempDir, truth, Truth } from './helpers/fixtures';

const READABLE = ['rollback.db', 'wal-clean.db', 'wal-pending.db', 'wal-bad-checksum.db', 'wal-wrong-salt.db', 'wal-truncated-frame.db',
  'hot-journal.db', 'utf16le.db', 'page64k.db', 'autovacuum.db', 'freelist.db', 'appid.sqlite3', 'state.bin', 'nested/deeper/app.sqlite'];

function assertMatchesTruth(r: InspectReport, t: Truth, name: string): void {
  assert.equal(t.error, undefined, `real SQLite reads ${name}`);
  assert.deepEqual(
    { journalMode: r.journalMode, pageSize: r.pageSize, pageCount: r.pageCount, freelistCount: r.freelistCount, encoding: r.encoding,
      userVersion: r.userVersion, applicationId: r.applicationId, autoVacuum: r.autoVacuum, schemaVersion: r.schemaVersion,
      tables: r.tables.map(({ name, rows }) => ({ name, rows })), views: r.views, integrity: r.integrity },
    { journalMode: t.journal_mode, pageSize: t.page_size, pageCount: t.page_count, freelistCount: t.freelist_count, encoding: t.encoding,
      userVersion: t.user_version, applicationId: t.application_id, autoVacuum: t.auto_vacuum, schemaVersion: t.schema_version,
      tables: t.tables, views: t.views, integrity: t.integrity },
    name,
  );
}

describe('deep inspection', () => {
  let dir: string;
  before(() => { dir = makeFixtures(); });

  for (const name of READABLE) {
    it(`shows what real SQLite sees in ${name}`, async () => {
      const file = path.join(dir, name);
      assertMatchesTruth(await inspectDatabase(file), truth(file), name);
    });
  }

  it('shows a table that exists only in the -wal', async () => {
    const r = await inspectDatabase(path.join(dir, 'wal-pending.db'));
    assert.deepEqual(r.tables.find((t) => t.name === 'only_in_wal'), { name: 'only_in_wal', rows: 550 });
    assert.match(r.deep.layers.join(' '), /committed WAL frame/);
  });

  it('shows the rolled-back state behind a hot journal', async () => {
    const r = await inspectDatabase(path.join(dir, 'hot-journal.db'));
    assert.equal(r.hotJournal, true);
    assert.ok(!r.tables.some((t) => t.name === 'never_committed'));
    assert.match(r.deep.layers.join(' '), /hot journal rolled back/);
  });

  it('reports corruption through the integrity check', async () => {
    const file = path.join(dir, 'corrupt.db');
    const r = await inspectDatabase(file);
    assert.ok(Array.isArray(r.integrity) && r.integrity.length > 0);
    assert.match(String(truth(file).error), /malformed/);
    assert.match(r.problems.join('\n'), /malformed|integrity/);
  });

  it('runs integrity_check when asked', async () => {
    const r = await inspectDatabase(path.join(dir, 'rollback.db'), { integrity: 'full' });
    assert.equal(r.integrity, 'ok');
    assert.equal(r.integrityMode, 'full');
  });

  it('bounds deep inspection by size but still reports header facts, and tables with row counts from the b-tree walk', async () => {
    const file = path.join(dir, 'freelist.db');
    const r = await inspectDatabase(file, { maxBytes: 64 * 1024 });
    assert.equal(r.deep.ran, false);
    assert.match(r.deep.skipped!, /above the 64 KiB limit/);
    const t = truth(file);
    assert.equal(r.pageCount, t.page_count);
    assert.equal(r.integrity, null, 'no integrity check above the sql.js bound');
    assert.deepEqual(r.tables, t.tables);
  });

  it('lists per-connection pragmas as not readable from the file', async () => {
    const r = await inspectDatabase(path.join(dir, 'rollback.db'), { headerOnly: true });
    const names = r.connectionPragmas.pragmas.map((p) => p.name);
    for (const p of ['synchronous', 'busy_timeout', 'foreign_keys', 'cache_size', 'wal_autocheckpoint', 'temp_store', 'mmap_size']) assert.ok(names.includes(p), p);
    assert.match(r.connectionPragmas.note, /cannot be read from it/);
    assert.equal(r.connectionPragmas.pragmas.find((p) => p.name === 'busy_timeout')!.recommended, '5000');
  });

  it('rejects files that are not databases with a typed error', async () => {
    for (const name of ['empty.db', 'notes.db', 'random.sqlite3', 'truncated-header.db', 'badpage.db']) {
      await assert.rejects(inspectDatabase(path.join(dir, name)), (e: unknown) => e instanceof SqliteFileError && e.message.includes(name));
    }
  });

  it('changes no byte, mtime or file name of anything it reads', async () => {
    const before = snapshotTree(dir);
    for (const name of [...READABLE, 'corrupt.db', 'truncated.db']) await inspectDatabase(path.join(dir, name), { integrity: 'full' });
    assert.deepEqual(snapshotTree(dir), before);
  });

  it('sees committed rows in the -wal while the writer is still running', async () => {
    const live = tempDir();
    const file = path.join(live, 'live.db');
    const { child } = await startPython(`
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=wal")
con.execute("PRAGMA wal_autocheckpoint=0")
con.execute("CREATE TABLE events(id INTEGER PRIMARY KEY, what TEXT)")
con.executemany("INSERT INTO events(what) VALUES (?)", [("e%d" % i,) for i in range(1234)])
print("ready")
sys.stdin.readline()
`, [file]);
    try {
      const r = await inspectDatabase(file);
      assert.equal(r.journalMode, 'wal');
      assert.deepEqual(r.tables, [{ name: 'events', rows: 1234 }]);
      assert.ok(r.wal && r.wal.committedFrames > 0);
      assertMatchesTruth(r, truth(file), 'live.db');
    } finally {
      child.stdin!.end('\n');
      await new Promise((r) => child.on('exit', r));
    }
  });
});
