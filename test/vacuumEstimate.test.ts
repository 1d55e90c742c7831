import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { estimateVacuumSavings } from '../src/sqlite/content/space';
import { makeFixtures, tempDir } from './helpers/fixtures';

/**
 * The estimate of what VACUUM frees, from the b-tree walk, against what a
 * real VACUUM (python3's sqlite3) then frees on a copy of the file: free
 * pages are not the whole story, half-empty leaves after deletes count too.
 */
const BIN = path.join(__dirname, '..', 'bin', 'sqlite-doctor.js');
const TOLERANCE = 0.25;

const SHAPES = String.raw`
import sqlite3, sys, os, random
d = sys.argv[1]
random.seed(7)
def db(name, pragmas=()):
    c = sqlite3.connect(os.path.join(d, name), isolation_level=None)
    for p in pragmas: c.execute("PRAGMA " + p)
    return c
c = db("every-other-row.db"); c.execute("create table t(id integer primary key, v text)")
c.execute("begin"); c.executemany("insert into t(v) values (?)", [("row %d " % i * 8,) for i in range(50000)]); c.execute("commit")
c.execute("delete from t where id % 2 = 0")
c = db("blobs-deleted.db"); c.execute("create table b(id integer primary key, v blob)")
c.executemany("insert into b(v) values (randomblob(?))", [(20000 + i,) for i in range(300)])
c.execute("delete from b where id % 2 = 0")
c = db("indexes.db"); c.execute("create table t(a integer primary key, b text, c real)"); c.execute("create index tb on t(b)"); c.execute("create index tc on t(c, b)")
c.execute("begin"); c.executemany("insert into t(b, c) values (?, ?)", [("k%08d" % random.randrange(10**8), random.random()) for i in range(30000)]); c.execute("commit")
c.execute("delete from t where a % 3 = 0")
c = db("auto-vacuum-full.db", ["auto_vacuum=FULL"]); c.execute("create table t(a, b)"); c.executemany("insert into t values (?, randomblob(1000))", [(i,) for i in range(4000)])
c.execute("delete from t where a % 2 = 0")
c = db("auto-vacuum-incremental.db", ["auto_vacuum=INCREMENTAL"]); c.execute("create table t(a, b)"); c.execute("create index ta on t(a)")
c.executemany("insert into t values (?, randomblob(300))", [(random.random(),) for i in range(8000)])
c.execute("delete from t where rowid % 2 = 0")
c = db("without-rowid-random.db"); c.execute("create table kv(k text primary key, v) without rowid")
c.execute("begin"); c.executemany("insert into kv values (?, ?)", [("%016x" % random.getrandbits(64), i) for i in range(30000)]); c.execute("commit")
c = db("p512-mixed.db", ["page_size=512"]); c.execute("create table t(a, b)"); c.execute("create index ta on t(a)")
c.execute("begin"); c.executemany("insert into t values (?, randomblob(?))", [(i, (i * 37) % 700) for i in range(6000)]); c.execute("commit")
c.execute("delete from t where a % 3 = 0")
`;

/** Bytes a real VACUUM frees on a private copy. */
function vacuumFrees(file: string, dir: string): number {
  const copy = path.join(dir, `vacuumed-${path.basename(file)}`);
  copyFileSync(file, copy);
  const before = statSync(copy).size;
  execFileSync('python3', ['-c', 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute("VACUUM"); c.close()', copy]);
  return before - statSync(copy).size;
}

describe('VACUUM estimate', () => {
  let shapes: string;
  let fx: string;
  let scratch: string;
  before(() => {
    shapes = tempDir('sqlite-doctor-vacuum-estimate-');
    execFileSync('python3', ['-c', SHAPES, shapes]);
    fx = makeFixtures();
    scratch = tempDir();
  });

  it(`is within ±${TOLERANCE * 100}% of what a real VACUUM frees (rows deleted, blobs deleted, indexes, auto_vacuum, WITHOUT ROWID, 512-byte pages), and ≈ 0 where it frees nothing`, async () => {
    const files = [...readdirSync(shapes).map((n) => path.join(shapes, n)), ...['freelist.db', 'autovacuum.db', 'rollback.db', 'page64k.db'].map((n) => path.join(fx, n))];
    const rows: string[] = [];
    let sawRepack = false;
    for (const file of files) {
      const estimate = await estimateVacuumSavings(file);
      const actual = vacuumFrees(file, scratch);
      rows.push(`${path.basename(file)}: estimate ${estimate.bytes} (free ${estimate.freePages}, repack ${estimate.repackPages}), VACUUM freed ${actual}`);
      if (actual === 0) assert.ok(estimate.bytes <= 0.01 * statSync(file).size, rows.at(-1));
      else assert.ok(Math.abs(estimate.bytes - actual) <= TOLERANCE * actual, rows.at(-1));
      sawRepack ||= estimate.repackPages > 0;
    }
    assert.ok(sawRepack, 'some shapes are freed by repacking, not by free pages');
  });

  it('half-empty leaves count: every other row deleted frees about half the file, with almost no free pages', async () => {
    const file = path.join(shapes, 'every-other-row.db');
    const estimate = await estimateVacuumSavings(file);
    assert.ok(estimate.freePages * 4096 < 0.05 * estimate.bytes, `${estimate.freePages} free pages`);
    assert.ok(estimate.bytes > 0.4 * statSync(file).size, `${estimate.bytes} of ${statSync(file).size} bytes`);
  });

  it('`space` shows the estimate and where it comes from, in text and JSON', () => {
    const file = path.join(shapes, 'every-other-row.db');
    const text = spawnSync(process.execPath, [BIN, 'space', file], { encoding: 'utf8' });
    assert.match(text.stdout, /VACUUM would free ≈ 2\.\d MiB \(1 free page\(s\) \+ \d+ page\(s\) from packing half-empty b-tree pages tight\)/);
    const json = JSON.parse(spawnSync(process.execPath, [BIN, 'space', file, '--json'], { encoding: 'utf8' }).stdout) as { vacuumWouldFree: number; repackPages: number; freePages: number };
    assert.equal(json.vacuumWouldFree, (json.freePages + json.repackPages) * 4096);
    assert.ok(json.repackPages > 500);
  });

  it('`vacuum --dry-run` plans with the same estimate, and the VACUUM then frees about that', () => {
    const file = path.join(scratch, 'planned.db');
    copyFileSync(path.join(shapes, 'every-other-row.db'), file);
    const json = JSON.parse(spawnSync(process.execPath, [BIN, 'space', file, '--json'], { encoding: 'utf8' }).stdout) as { vacuumWouldFree: number };
    const plan = spawnSync(process.execPath, [BIN, 'vacuum', file, '--dry-run', '--json'], { encoding: 'utf8' });
    assert.equal(plan.status, 0, plan.stdout + plan.stderr);
    const planned = (JSON.parse(plan.stdout) as { plan: string[] }).plan.join('\n');
    const mib = /giving back about (\d+(?:\.\d+)?) MiB \(1 free page\(s\) \+ \d+ page\(s\) from packing/.exec(planned);
    assert.ok(mib, planned);
    assert.ok(Math.abs(Number(mib[1]) * 2 ** 20 - json.vacuumWouldFree) < 0.06 * 2 ** 20, planned);
    const before = statSync(file).size;
    assert.equal(spawnSync(process.execPath, [BIN, 'vacuum', file], { encoding: 'utf8' }).status, 0);
    const freed = before - statSync(file).size;
    assert.ok(Math.abs(json.vacuumWouldFree - freed) <= TOLERANCE * freed, `planned ${json.vacuumWouldFree}, freed ${freed}`);
  });
});
