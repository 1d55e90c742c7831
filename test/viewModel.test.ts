import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { parseWebviewMessage } from '../src/shared/protocol';
import { DatabaseModel } from '../src/ui/services/model';
import { readDatabaseState } from '../src/sqlite/disk/state';
import { statusBarText, statusOf, summarize } from '../src/ui/services/viewModel';
import { makeFixtures, startPython, tempDir } from './helpers/fixtures';

describe('what the tree, panel and status bar say (view models)', () => {
  let dir: string;
  let model: DatabaseModel;
  before(async () => {
    dir = makeFixtures();
    model = new DatabaseModel();
    await model.scan([{ folder: 'demo', path: dir }], {});
  });
  const row = (rel: string) => model.rows().find((r) => r.relPath === rel)!;

  it('gives each database state its status', () => {
    assert.equal(row('wal-pending.db').status, 'ok');
    assert.equal(row('rollback.db').status, 'not-wal');
    assert.equal(row('hot-journal.db').status, 'hot-journal');
    assert.equal(row('truncated.db').status, 'corrupt');
    assert.equal(row('badpage.db').status, 'corrupt');
    assert.equal(row('truncated-header.db').status, 'corrupt');
    assert.equal(model.rows().find((r) => r.relPath === 'notes.db'), undefined, 'a text file named .db is not listed');
    assert.equal(model.rows().find((r) => r.relPath === 'empty.db'), undefined);
  });

  it('decides "corrupt" from the problem\'s code, not from words that can hold a path', async () => {
    // A whole database in a folder named "corrupt-copies" whose -journal name is taken by a FIFO: worth a warning, not corrupt.
    const folder = path.join(tempDir(), 'corrupt-copies');
    mkdirSync(folder);
    const db = path.join(folder, 'app.db');
    execFileSync('python3', ['-c', 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()', db]);
    execFileSync('mkfifo', [`${db}-journal`]);
    const state = await readDatabaseState(db);
    assert.deepEqual(state.issues.map((p) => [p.code, p.severity]), [['not-a-file', 'warning']]);
    assert.match(state.problems[0] ?? '', /corrupt-copies\/app\.db-journal is not a regular file/);
    assert.equal(statusOf({ path: db, folder: 'demo', relPath: 'app.db', state }), 'not-wal');
  });

  it('describes a database in one line', () => {
    assert.equal(row('wal-pending.db').description, 'WAL · 4 KiB · 8 KiB (+36.2 KiB wal)');
    assert.equal(row('page64k.db').description, 'DELETE · 64 KiB · 448 KiB');
    assert.match(row('hot-journal.db').description, /· hot journal$/);
    assert.equal(row('badpage.db').description, 'corrupt header: page size 3000 is not a power of two between 512 and 65536');
    assert.deepEqual(row('wal-pending.db').sidecars, ['-wal', '-shm']);
  });

  it('summarises for the scan notification and the status bar', () => {
    const rows = model.rows();
    const notWal = rows.filter((r) => r.journalMode === 'delete').length;
    assert.equal(summarize(rows), `${rows.length} databases · ${notWal} not in WAL · 1 hot journal · 3 unreadable or corrupt`);
    assert.equal(statusBarText(rows), `SQLite: ${rows.length} DBs · ${notWal} not WAL`);
    assert.equal(summarize([]), '0 databases');
  });

  it('updates one database on refresh after a real write, and drops files that stop being SQLite', async () => {
    const file = path.join(dir, 'rollback.db');
    let changes = 0;
    const sub = model.onDidChange(() => changes++);
    const { child } = await startPython(`
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("PRAGMA journal_mode=wal")
con.execute("INSERT INTO users(name) VALUES ('x')")
con.commit()
print("ready")
sys.stdin.readline()
`, [file]);
    try {
      await model.refresh(file);
      assert.equal(model.get(file)?.state?.journalMode, 'wal');
      assert.ok(row('rollback.db').walBytes > 0);
    } finally {
      child.stdin!.end('\n');
      await new Promise((r) => child.on('exit', r));
    }
    assert.ok(changes >= 1);
    const before = model.rows().length;
    await model.refresh(path.join(dir, 'nowhere', 'x.db')); // unknown, missing: ignored
    assert.equal(model.rows().length, before);
    sub.dispose();
  });
});

describe('host-side validation of webview messages', () => {
  it('accepts only known shapes', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'select', id: '/w/a.db', extra: 1 }), { type: 'select', id: '/w/a.db' });
    assert.deepEqual(parseWebviewMessage({ type: 'action', action: 'enableWal', id: '/w/a.db' }), { type: 'action', action: 'enableWal', id: '/w/a.db' });
    for (const bad of [null, 'ready', {}, { type: 'exec', cmd: 'rm -rf /' }, { type: 'select' }, { type: 'select', id: 42 },
      { type: 'action', action: 'dropTable', id: '/w/a.db' }, { type: 'action', action: 'enableWal' }, { type: 'copy', text: '' }, { type: 'select', id: 'x'.repeat(5000) }]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});
