import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { inspectDatabase } from '../src/sqlite/content/inspect';
import { checkpoint, enableWal } from '../src/sqlite/write/journalMode';
import { preflight } from '../src/sqlite/write/preflight';
import { readDatabaseState } from '../src/sqlite/disk/state';
import { scanWorkspace } from '../src/workspace/scan';
import { snapshotTree, startPython, tempDir, truth } from './helpers/fixtures';

/**
 * The promises a production tool lives by, each reproduced first on the
 * previous main: never report corruption that a consistent read would not
 * confirm, never be the reason an app sees "database is locked", never hang.
 */
const BIN = path.join(__dirname, '..', 'bin', 'sqlite-doctor.js');
function cli(args: string[], options: { input?: string; shell?: string } = {}) {
  const r = options.shell
    ? spawnSync('bash', ['-c', options.shell], { encoding: 'utf8', timeout: 60_000 })
    : spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function py(code: string, ...args: string[]): string {
  return execFileSync('python3', ['-c', code, ...args], { encoding: 'utf8' });
}

/** A busy app: batched inserts and deletes on an indexed table, optionally VACUUMing, reporting its own errors. */
const BUSY_WRITER = String.raw`
import random, sqlite3, sys, time
path, mode, seconds, batch = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
con = sqlite3.connect(path, timeout=10, isolation_level=None)
con.execute("PRAGMA journal_mode=wal")
con.execute("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT, k INT)")
con.execute("CREATE INDEX IF NOT EXISTS tk ON t(k)")
print("ready", flush=True)
end = time.time() + seconds
n = errors = 0
while time.time() < end:
    try:
        con.execute("BEGIN")
        con.executemany("INSERT INTO t(v, k) VALUES (?, ?)", [("x" * random.randint(10, 300), random.randint(0, 10**6)) for _ in range(batch)])
        con.execute("DELETE FROM t WHERE id IN (SELECT id FROM t ORDER BY random() LIMIT 30)")
        con.execute("COMMIT")
        n += 1
        if mode == "vacuum" and n % 5 == 0:
            con.execute("VACUUM")
    except sqlite3.Error as e:
        errors += 1
    time.sleep(0.005)
print("done", n, errors, flush=True)
`;

describe('never cry corruption under a busy writer', () => {
  for (const mode of ['batch', 'vacuum'] as const) {
    it(`inspect under a writer (${mode}) reports ok or unknown, never a failed check`, { timeout: 120_000 }, async () => {
      const file = path.join(tempDir(), 'busy.db');
      py(BUSY_WRITER, file, 'batch', '2', '2000');
      const app = await startPython(BUSY_WRITER, [file, mode, '60', mode === 'vacuum' ? '200' : '500']);
      try {
        const seen: string[] = [];
        for (let i = 0; i < 6; i++) {
          const r = await inspectDatabase(file);
          seen.push(r.integrity === null ? 'unknown' : r.integrity === 'ok' ? 'ok' : `FAILED: ${r.integrity.join('; ')}`);
          if (r.integrity === null) assert.match(r.problems.join('\n'), /changed on every read.*integrity unknown/);
          assert.ok(r.tables.length === 0 || r.tables[0]!.name === 't');
        }
        assert.deepEqual(seen.filter((s) => s.startsWith('FAILED')), [], seen.join(', '));
        // Real SQLite agrees the file is healthy.
        assert.equal(truth(file).integrity, 'ok');
      } finally {
        app.child.kill('SIGKILL');
      }
    });
  }

  it('still reports real corruption, confirmed by real SQLite', async () => {
    const file = path.join(tempDir(), 'corrupt.db');
    py(`import sqlite3,sys
c=sqlite3.connect(sys.argv[1]); c.execute("create table t(a int, b text)"); c.execute("create index ta on t(a)")
c.executemany("insert into t values (?,?)", [(i, "x"*200) for i in range(3000)]); c.commit()`, file);
    const bytes = readFileSync(file);
    bytes.fill(0x55, 4096 * 5 + 200, 4096 * 5 + 600);
    writeFileSync(file, bytes);
    const r = await inspectDatabase(file);
    assert.ok(Array.isArray(r.integrity), 'corruption is reported');
    assert.notEqual(truth(file).integrity, 'ok');
  });
});

describe('symlinked databases use the target\'s sidecars, as SQLite does', () => {
  it('inspect, preflight and scan see the rows that are only in the target\'s -wal', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'data'));
    mkdirSync(path.join(dir, 'app'));
    const real = path.join(dir, 'data', 'real.db');
    const app = await startPython(String.raw`
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA journal_mode=wal"); c.execute("PRAGMA wal_autocheckpoint=0")
c.execute("CREATE TABLE t(x)"); c.execute("PRAGMA user_version=7")
for i in range(51): c.execute("INSERT INTO t VALUES (?)", (i,))
print("ready", flush=True)
sys.stdin.read()
`, [real]);
    try {
      symlinkSync('../data/real.db', path.join(dir, 'app', 'app.db'));
      const link = path.join(dir, 'app', 'app.db');
      const r = await inspectDatabase(link);
      assert.deepEqual(r.tables, [{ name: 't', rows: 51 }]);
      assert.equal(r.userVersion, 7);
      assert.equal(r.sidecars.wal?.path, `${real}-wal`);
      const pre = await preflight(link, 'checkpoint');
      assert.equal(pre.realPath, real);
      assert.ok(pre.state.wal!.committedFrames > 0);
      const found: string[] = [];
      for await (const ev of scanWorkspace(path.join(dir, 'app'))) if (ev.kind === 'database') found.push(`${ev.relPath} -> ${ev.state.realPath}`);
      assert.deepEqual(found, [`app.db -> ${real}`]);
      // Listed once when both the link and its target are in the tree.
      const both: string[] = [];
      for await (const ev of scanWorkspace(dir)) if (ev.kind === 'database') both.push(ev.relPath);
      assert.deepEqual(both, ['data/real.db']);
    } finally {
      app.child.kill('SIGKILL');
    }
  });
});

describe('no nonsense numbers', () => {
  it('checkpoint on a rollback database with an empty -wal changes nothing and says why', async () => {
    const file = path.join(tempDir(), 'rollback.db');
    py('import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()', file);
    writeFileSync(`${file}-wal`, '');
    const r = await checkpoint(file);
    assert.equal(r.outcome, 'unchanged');
    assert.doesNotMatch(r.message, /-1/);
    assert.match(r.message, /not in WAL mode/);
  });

  it('a newer write format (header byte 18 = 3) is read-only for this SQLite, not corrupt', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'future.db');
    py('import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.execute("insert into t values (1)"); c.commit()', file);
    const bytes = readFileSync(file);
    bytes[18] = 3;
    writeFileSync(file, bytes);
    // Real SQLite reads it (and would refuse to write it).
    assert.equal(py('import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from t").fetchone()[0])', file).trim(), '1');
    const s = await readDatabaseState(file);
    assert.match(s.problems.join('\n'), /read-only for this SQLite version/);
    const events = [];
    for await (const ev of scanWorkspace(dir)) if (ev.kind !== 'progress') events.push(ev.kind);
    assert.deepEqual(events, ['database']);
    const r = await enableWal(file);
    assert.equal(r.outcome, 'refused');
    assert.match(r.message, /write format version 3/);
  });
});

/** The app's writer: commits in a loop with its own busy timeout and counts "database is locked". */
const APP_WRITER = String.raw`
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], timeout=float(sys.argv[2]), isolation_level=None)
errors = commits = 0
print("ready", flush=True)
end = time.time() + float(sys.argv[3])
while time.time() < end:
    try:
        con.execute("INSERT INTO t VALUES (randomblob(500))"); commits += 1
    except sqlite3.OperationalError as e:
        errors += 1
    time.sleep(0.01)
print("done", commits, errors, flush=True)
`;

const PINNED_READER = String.raw`
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN"); con.execute("SELECT count(*) FROM t").fetchone()
print("ready", flush=True)
sys.stdin.read()
`;

function waitDone(child: import('node:child_process').ChildProcess, lines: string[]): Promise<[number, number]> {
  return new Promise((resolve) => child.on('exit', () => {
    const done = lines.find((l) => l.startsWith('done'))!.split(' ');
    resolve([Number(done[1]), Number(done[2])]);
  }));
}

describe('never the cause of "database is locked"', () => {
  for (const mode of ['AUTO', 'TRUNCATE'] as const) {
    it(`checkpoint (${mode}) with a reader pinned: the app's writer (2 s timeout) sees no error`, { timeout: 60_000 }, async () => {
      const file = path.join(tempDir(), 'pinned.db');
      py('import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("pragma journal_mode=wal"); c.execute("create table t(x)"); c.executemany("insert into t values (randomblob(500))", [()]*2000); c.commit()', file);
      const reader = await startPython(PINNED_READER, [file]);
      const writer = await startPython(APP_WRITER, [file, '2', '4']);
      try {
        const finished = waitDone(writer.child, writer.lines);
        await new Promise((r) => setTimeout(r, 300));
        const r = await checkpoint(file, mode, { busyTimeoutMs: 5000 });
        assert.equal(r.outcome, 'done');
        assert.ok(r.checkpoint!.framesLeft > 0, 'the pinned reader keeps frames back');
        assert.match(r.message, /could not finish/);
        assert.match(r.message, new RegExp(`pid .*${reader.child.pid}`));
        const [commits, errors] = await finished;
        assert.equal(errors, 0);
        assert.ok(commits > 50);
      } finally {
        reader.child.kill('SIGKILL');
        writer.child.kill('SIGKILL');
      }
    });
  }

  it('waits as long as asked for a writer in BEGIN IMMEDIATE, then names what happened', { timeout: 60_000 }, async () => {
    const file = path.join(tempDir(), 'immediate.db');
    py('import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()', file);
    const holder = await startPython(String.raw`
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE"); c.execute("INSERT INTO t VALUES (1)")
print("ready", flush=True)
sys.stdin.read()
`, [file]);
    try {
      const started = Date.now();
      const r = await enableWal(file, { busyTimeoutMs: 1500 });
      const waited = Date.now() - started;
      assert.equal(r.outcome, 'refused');
      assert.ok(waited >= 1400, `waited ${waited} ms of the 1500 asked`);
      assert.match(r.message, /kept the database locked for the 1\.[0-9] s we waited/);
      // Released within the budget: the change goes through.
      const again = enableWal(file, { busyTimeoutMs: 8000 });
      setTimeout(() => holder.child.kill('SIGKILL'), 500);
      assert.equal((await again).outcome, 'done');
    } finally {
      holder.child.kill('SIGKILL');
    }
  });
});

describe('never hang', () => {
  it('a FIFO named like a sidecar: scan, inspect and writes finish with a clear line', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const file = path.join(dir, 'x.db');
    py('import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()', file);
    execFileSync('mkfifo', [`${file}-wal`]);
    execFileSync('mkfifo', [`${file}-journal`]);
    const before = snapshotTree(dir);
    const scan = cli(['scan', dir, '--json']);
    assert.equal(scan.code, 0);
    assert.match(JSON.parse(scan.stdout).databases[0].problems.join('\n'), /x\.db-journal is not a regular file/);
    const header = cli(['inspect', file, '--header-only']);
    assert.equal(header.code, 0);
    const wal = cli(['wal', 'enable', file]);
    assert.equal(wal.code, 3);
    assert.match(wal.stdout, /x\.db-wal is not a regular file/);
    assert.equal(cli(['checkpoint', file]).code, 0);
    assert.deepEqual(snapshotTree(dir), before);
  });
});

describe('CLI input and output edges', () => {
  const dir = tempDir();
  const file = path.join(dir, 'a.db');
  py('import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.execute(\'create table "\\x1b]0;PWNED\\x07" (x)\'); c.execute(\'create table "two\\nlines" (x)\'); c.commit()', file);

  it('rejects out-of-range numbers with a usage error (exit 2)', () => {
    for (const bad of ['2147483648', '1e309', '', '-1', '12abc']) {
      const r = cli(['wal', 'enable', file, '--busy-timeout', bad]);
      assert.equal(r.code, 2, `--busy-timeout ${JSON.stringify(bad)}`);
      assert.doesNotMatch(r.stderr, /TimeoutOverflowWarning|at .*\.js:\d+/);
    }
    assert.equal(cli(['inspect', file, '--max-size', '1e9']).code, 2);
  });

  it('missing or wrong paths exit 1 with one line naming the path', () => {
    const missing = cli(['scan', path.join(dir, 'no/such/dir')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no\/such\/dir: no such file or folder/);
    const notDir = cli(['scan', file]);
    assert.equal(notDir.code, 1);
    assert.match(notDir.stderr, /a\.db: is a file, not a folder/);
    assert.doesNotMatch(notDir.stderr, /ENOTDIR/);
  });

  it('a closed pipe ends quietly; a full disk is one line', () => {
    const pipe = cli([], { shell: `"${process.execPath}" "${BIN}" inspect "${file}" --json | head -1` });
    assert.equal(pipe.stderr, '');
    assert.equal(pipe.stdout.trim(), '{');
    const full = cli([], { shell: `"${process.execPath}" "${BIN}" inspect "${file}" --json > /dev/full; echo "exit $?"` });
    assert.match(full.stdout, /exit 1/);
    assert.equal(full.stderr.trim().split('\n').length, 1, full.stderr);
    assert.match(full.stderr, /cannot write the output: ENOSPC/);
  });

  it('text output escapes control characters from file content; JSON stays exact', () => {
    const text = cli(['inspect', file]);
    assert.equal(text.code, 0);
    // eslint-disable-next-line no-control-regex -- no raw control character may reach the terminal
    assert.doesNotMatch(text.stdout, /[\x00-\x08\x0b-\x1f\x7f]/);
    assert.match(text.stdout, /\\x1b\]0;PWNED\\x07/);
    assert.match(text.stdout, /two\\x0alines/);
    const json = JSON.parse(cli(['inspect', file, '--json']).stdout);
    assert.deepEqual(json.tables.map((t: { name: string }) => t.name).sort(), ['t', 'two\nlines', '\x1b]0;PWNED\x07'].sort());
  });
});
