import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { GROUP_ENV, spawnChild } from '../src/sqlite/engines/child';
import { SqlEngine } from '../src/sqlite/engines/engine';
import { isCannotWrite } from '../src/sqlite/engines/outcome';
import { findEngine } from '../src/sqlite/engines/select';
import { vacuum } from '../src/sqlite/write/rebuild';
import { ENGINE_CHOICES } from './helpers/engines';
import { tempDir, truth } from './helpers/fixtures';
import { descendantsOf, survivors, survivorsAfterKill } from './helpers/processes';

/**
 * The one runner every SQLite child goes through: what each engine's
 * connection promises (no CREATE, an untrusted schema), and what a stop
 * does — cancel or deadline — to the file and to the processes.
 */
const BIN = path.join(__dirname, '..', 'bin', 'sqlite-doctor.js');

/** ~`mb` MB of rows, half of them deleted: a VACUUM that takes a while. */
function makeDb(file: string, mb: number): void {
  execFileSync('python3', ['-c', `import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("create table t(id integer primary key, v blob)")
c.executemany("insert into t(v) values (randomblob(8000))", [()] * ${Math.round(mb * 128)})
c.commit(); c.execute("delete from t where id % 2 = 0"); c.commit()`, file]);
}

/** The rollback journal's magic: SQLite writes it once the journal is synced, before it overwrites the database. */
const journalMagic = (p: string) => {
  const head = Buffer.alloc(4);
  try {
    const fd = openSync(p, 'r');
    readSync(fd, head, 0, 4, 0);
    closeSync(fd);
  } catch {
    return false;
  }
  return head.toString('hex') === 'd9d505f9';
};

async function engineFor(choice: (typeof ENGINE_CHOICES)[number]['choice']): Promise<SqlEngine> {
  const engine = await findEngine(choice);
  assert.ok(engine, 'engine found');
  return engine;
}

describe('every engine connection', () => {
  for (const e of ENGINE_CHOICES) {
    it(`${e.name}: never creates a database, and opens with trusted_schema=OFF and cell_size_check=ON`, { skip: e.skip }, async () => {
      const engine = await engineFor(e.choice);
      const dir = tempDir();
      const missing = path.join(dir, 'missing.db');
      const o = await engine.exec({ file: missing, statements: ['SELECT 1'], busyTimeoutMs: 100 });
      assert.equal(o.code, 'failed');
      assert.deepEqual(readdirSync(dir), [], 'nothing created');
      const file = path.join(dir, 'app.db');
      makeDb(file, 0.1);
      const [trusted, cellCheck] = await engine.run(file, ['PRAGMA trusted_schema', 'PRAGMA cell_size_check'], 100);
      assert.deepEqual([Number(trusted?.[0]?.[0]), Number(cellCheck?.[0]?.[0])], [0, 1]);
    });
  }
});

describe('stopping an engine', () => {
  it('a cancel mid-VACUUM kills the engine (no process left), and SQLite rolled back', { timeout: 60_000 }, async () => {
    const file = path.join(tempDir(), 'app.db');
    makeDb(file, 100);
    const before = truth(file);
    const controller = new AbortController();
    const seen: number[] = [];
    // Cancel 100 ms after the engine shows up: VACUUM of this file takes far longer.
    const watch = setInterval(() => {
      const engines = descendantsOf(process.pid).filter((d) => d.cmdline.includes(file));
      if (engines.length && !seen.length) setTimeout(() => controller.abort(), 100);
      seen.push(...engines.map((d) => d.pid));
    }, 10);
    const r = await vacuum(file, { signal: controller.signal });
    clearInterval(watch);
    assert.equal(r.outcome, 'refused', r.message);
    assert.equal(r.stopped, 'cancelled');
    assert.match(r.message, /cancelled; SQLite rolled the unfinished change back/);
    assert.ok(seen.length > 0, 'the engine was running when cancelled');
    assert.deepEqual(survivors(-1, file), [], 'no process works on the file');
    assert.deepEqual(descendantsOf(process.pid).filter((d) => seen.includes(d.pid)), []);
    const after = truth(file);
    assert.deepEqual([after.integrity, after.freelist_count, after.tables], ['ok', before.freelist_count, before.tables]);
  });

  it('a cancel while VACUUM writes back (its -journal is hot) rolls the journal back before saying nothing changed', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file, 100);
    const before = readFileSync(file);
    const controller = new AbortController();
    // Cancel once VACUUM is overwriting the database's pages.
    const watch = setInterval(() => {
      if (journalMagic(`${file}-journal`)) controller.abort();
    }, 2);
    const r = await vacuum(file, { signal: controller.signal });
    clearInterval(watch);
    assert.equal(r.stopped, 'cancelled', r.message);
    assert.match(r.message, /nothing was changed/);
    assert.deepEqual(readdirSync(dir), ['app.db'], 'no hot journal is left beside the database');
    assert.ok(readFileSync(file).equals(before), 'the database is byte for byte what it was');
  });

  it('cancelling the CLI the way the extension does kills it and the engine it started', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file, 60);
    const before = truth(file);
    const controller = new AbortController();
    let group = 0;
    let engineSeen = false;
    const exit = await spawnChild({
      command: process.execPath, args: [BIN, 'vacuum', file], env: { ...process.env, [GROUP_ENV]: '1' }, signal: controller.signal, tickMs: 50,
      onTick: (pid) => {
        group = pid;
        // Abort once the CLI has started its SQLite engine: the grandchild must die with it.
        if (descendantsOf(pid).some((d) => d.cmdline.includes(file))) { engineSeen = true; controller.abort(); }
      },
    });
    assert.equal(exit.stop, 'cancelled');
    assert.ok(engineSeen, 'an engine was running under the CLI');
    assert.deepEqual(await survivorsAfterKill(group, file), []);
    const after = truth(file);
    assert.deepEqual([after.integrity, after.tables], ['ok', before.tables]);
    // A kill that lands while VACUUM writes leaves a -journal: hot (rolled back by the next reader, as truth() did
    // on a private copy) or, killed before its header was synced, one SQLite ignores and reuses. Only SQLite's
    // own file may be there, and the next write transaction of a real SQLite removes it.
    assert.deepEqual(readdirSync(dir).filter((n) => n !== 'app.db' && n !== 'app.db-journal'), []);
    execFileSync('python3', ['-c', `import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA user_version = %d" % c.execute("PRAGMA user_version").fetchone()[0])`, file]);
    assert.deepEqual(readdirSync(dir).filter((n) => n !== 'app.db'), []);
    assert.deepEqual(truth(file).tables, before.tables);
  });

  it('20 seeded cancels and deadlines of VACUUM, page_size and backup: the source stays whole, no process or stray file is left', { timeout: 240_000 }, async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file, 12);
    const rows = truth(file).tables;
    const out = tempDir('sqlite-doctor-runner-');
    let seed = 2207;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const engines = ENGINE_CHOICES.filter((e) => !e.skip);
    const codes = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const engine = await engineFor(engines[i % engines.length]!.choice);
      const job = [
        { statements: ['VACUUM'] },
        { statements: [`PRAGMA page_size=${i % 2 ? 8192 : 4096}`, 'VACUUM'] },
        { statements: ['SELECT count(*) FROM t'], backupTo: path.join(out, `b${i}.db`) },
      ][i % 3]!;
      const ms = Math.floor(random() * 300);
      const controller = new AbortController();
      const timer = i % 2 ? setTimeout(() => controller.abort(), ms) : undefined;
      const o = await engine.exec({ file, busyTimeoutMs: 1000, ...job, signal: controller.signal, deadlineMs: i % 2 ? undefined : ms });
      clearTimeout(timer);
      codes.add(o.code);
      assert.ok(o.code === 'ok' || o.code === (i % 2 ? 'cancelled' : 'deadline'), `run ${i}: ${JSON.stringify(o)}`);
      assert.deepEqual([...survivors(-1, dir), ...survivors(-1, out)].map((p) => p.cmdline), [], `run ${i}: no engine left`);
      const t = truth(file);
      assert.equal(t.integrity, 'ok', `run ${i}`);
      assert.deepEqual(t.tables, rows, `run ${i}`);
      assert.deepEqual(readdirSync(dir).filter((n) => !/^app\.db(-journal)?$/.test(n)), [], `run ${i}`);
    }
    assert.ok(codes.has('cancelled') && codes.has('deadline'), `both stops happened: ${[...codes].join(', ')}`);
  });
});

describe('what SQLite refused, by its result code', () => {
  it('a write SQLite refuses as read-only is "cannot write here"; another error is not, whatever its words say', () => {
    const file = path.join(tempDir(), 'readonly-copies.db');
    // Real SQLite's own codes and messages: a write on a read-only connection, and a constraint failure.
    const said = JSON.parse(execFileSync('python3', ['-c', `import json, sqlite3, sys
sqlite3.connect(sys.argv[1]).executescript("create table t(x unique); insert into t values (1)")
out = []
for uri, sql in ((f"file:{sys.argv[1]}?mode=ro", "insert into t values (2)"), (sys.argv[1], "insert into t values (1)")):
    try:
        sqlite3.connect(uri, uri=True).execute(sql)
    except sqlite3.Error as e:
        out.append([e.sqlite_errorcode, str(e)])
print(json.dumps(out))`, file], { encoding: 'utf8' })) as [number, string][];
    const [readonly, constraint] = said;
    assert.equal(readonly![0] & 0xff, 8, readonly![1]);
    assert.equal(isCannotWrite(readonly![0], readonly![1]), true);
    assert.equal(isCannotWrite(constraint![0], `${constraint![1]} in /srv/readonly-copies.db`), false);
    // The sqlite3 shell gives no code: its message is all there is.
    assert.equal(isCannotWrite(undefined, 'Error: attempt to write a readonly database'), true);
  });
});
