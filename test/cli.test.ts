import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { makeFixtures, truth } from './helpers/fixtures';

/** Runs the built CLI exactly as a user would (bin → dist/cli.js). */
const BIN = path.join(__dirname, '..', 'bin', 'sqlite-doctor.js');
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('sqlite-doctor CLI', () => {
  let dir: string;
  before(() => { dir = makeFixtures(); });

  it('scan --json lists databases with POSIX relative paths and problems', () => {
    const r = cli('scan', dir, '--json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.root, dir);
    const wal = json.databases.find((d: { path: string }) => d.path === 'wal-pending.db');
    assert.equal(wal.journalMode, 'wal');
    assert.ok(wal.walBytes > 0);
    assert.equal(wal.pageCount, truth(path.join(dir, 'wal-pending.db')).page_count);
    assert.ok(json.databases.some((d: { path: string }) => d.path === 'nested/deeper/app.sqlite'));
    assert.equal(json.databases.find((d: { path: string }) => d.path === 'hot-journal.db').hotJournal, true);
    assert.ok(json.problems.some((p: { path: string; error: string }) => p.path === 'notes.db' && /not SQLite/.test(p.error)));
  });

  it('scan prints a readable table and a summary', () => {
    const r = cli('scan', dir);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^PATH\s+MODE\s+PAGE\s+SIZE\s+WAL\s+NOTES/m);
    assert.match(r.stdout, /wal-pending\.db\s+WAL\s+4 KiB/);
    assert.match(r.stdout, /hot-journal\.db\s+DELETE.*HOT JOURNAL/);
    assert.match(r.stdout, /\d+ database\(s\) · \d+ not in WAL · 1 hot journal/);
    assert.match(r.stderr, /skipped notes\.db: named like a database but is not SQLite/);
  });

  it('inspect --json gives camelCase keys with real SQLite values', () => {
    const file = path.join(dir, 'utf16le.db');
    const r = cli('inspect', file, '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    const t = truth(file);
    assert.deepEqual(
      [j.journalMode, j.pageSize, j.pageCount, j.freelistCount, j.encoding, j.userVersion, j.applicationId, j.autoVacuum, j.schemaVersion, j.integrity],
      [t.journal_mode, t.page_size, t.page_count, t.freelist_count, t.encoding, t.user_version, t.application_id, t.auto_vacuum, t.schema_version, t.integrity],
    );
    assert.deepEqual(j.tables.map((x: { name: string; rows: number }) => ({ name: x.name, rows: x.rows })), t.tables);
    assert.equal(j.hotJournal, false);
    assert.equal(j.wal, null);
    assert.deepEqual(j.problems, []);
  });

  it('inspect prints a readable report', () => {
    const r = cli('inspect', path.join(dir, 'wal-pending.db'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /journal mode\s+wal/);
    assert.match(r.stdout, /only_in_wal\s+550/);
    assert.match(r.stdout, /busy_timeout\s+5000/);
  });

  for (const name of ['notes.db', 'empty.db', 'truncated-header.db', 'does-not-exist.db']) {
    it(`inspect ${name} fails with one clear line and no stack trace`, () => {
      const r = cli('inspect', path.join(dir, name));
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0]!.includes(name));
      assert.doesNotMatch(r.stderr, /\bat .*:\d+:\d+/);
    });
  }

  it('rejects bad usage with exit code 2', () => {
    assert.equal(cli('frobnicate').code, 2);
    assert.equal(cli('inspect').code, 2);
    assert.equal(cli('inspect', 'x.db', '--integrity', 'maybe').code, 2);
  });
});
