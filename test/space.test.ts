import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { inspectDatabase } from '../src/sqlite/content/inspect';
import { readSpace } from '../src/sqlite/content/space';
import { makeFixtures, tempDir } from './helpers/fixtures';

/**
 * The b-tree walk against real SQLite's dbstat, on every fixture and on
 * databases shaped to stress it: pages per object, entries, payload and
 * unused bytes must be exactly what dbstat reports on a private copy.
 */
interface Truth { pages: number; leafCells: number; cells: number; payload: number; unused: number; rows?: number; withoutRowid?: boolean }
const TRUTH = path.join(__dirname, 'fixtures', 'space_truth.py');
function spaceTruth(file: string): Record<string, Truth> & { _freelist: number } {
  return JSON.parse(execFileSync('python3', [TRUTH, file], { encoding: 'utf8' }));
}

async function assertMatchesDbstat(file: string): Promise<void> {
  const r = await readSpace(file);
  const t = spaceTruth(file);
  assert.deepEqual(r.problems, [], `${path.basename(file)}: ${r.problems.join('; ')}`);
  const ours = Object.fromEntries(r.objects.map((o) => [o.name, o]));
  const names = Object.keys(t).filter((k) => k !== '_freelist').sort();
  assert.deepEqual(Object.keys(ours).sort(), names, path.basename(file));
  for (const name of names) {
    const o = ours[name]!;
    const x = t[name]!;
    const entries = o.type === 'table' && x.rows !== undefined && !x.withoutRowid ? x.rows : x.cells;
    assert.deepEqual([o.pages, o.entries, o.payloadBytes, o.unusedBytes], [x.pages, x.rows !== undefined && !x.withoutRowid ? entries : x.cells, x.payload, x.unused], `${path.basename(file)}: ${name} (pages, entries, payload, unused)`);
  }
  assert.equal(r.freePages, t._freelist, `${path.basename(file)}: free pages`);
}

const SHAPES = String.raw`
import sqlite3, sys, os
d = sys.argv[1]
def db(name, pragmas=(), wal=False):
    c = sqlite3.connect(os.path.join(d, name), isolation_level=None)
    for p in pragmas: c.execute("PRAGMA " + p)
    if wal: c.execute("PRAGMA journal_mode=wal")
    return c
c = db("p512.db", ["page_size=512"]); c.execute("create table t(a, b)"); c.execute("create index ta on t(a)")
c.execute("begin"); c.executemany("insert into t values (?, randomblob(300))", [(i,) for i in range(3000)]); c.execute("commit")
c.execute("delete from t where a % 3 = 0")  # free pages on several freelist trunks (126 leaves per 512-byte trunk)
c = db("p64k.db", ["page_size=65536"]); c.execute("create table t(a text, b blob)")
c.executemany("insert into t values (?, randomblob(?))", [("x" * i, i * 700) for i in range(300)])
c = db("overflow.db"); c.execute("create table blobs(id integer primary key, b blob)"); c.execute("create index bb on blobs(b)")
c.executemany("insert into blobs(b) values (randomblob(?))", [(i * 997 % 50000 + 10,) for i in range(400)])
c = db("full-av.db", ["auto_vacuum=FULL"]); c.execute("create table t(a, b)"); c.executemany("insert into t values (?, randomblob(1000))", [(i,) for i in range(4000)])
c.execute("delete from t where a % 2 = 0")
c = db("incr-av.db", ["auto_vacuum=INCREMENTAL"]); c.execute("create table t(a, b)"); c.executemany("insert into t values (?, randomblob(1000))", [(i,) for i in range(4000)])
c.execute("delete from t where a % 2 = 0")
c = db("norowid.db"); c.execute("create table kv(k text primary key, v blob) without rowid"); c.execute("create index kvv on kv(v)")
c.executemany("insert into kv values (?, randomblob(?))", [("key%06d" % i, i % 3000) for i in range(3000)])
c = db("utf16be.db", ["encoding='UTF-16be'"]); c.execute("create table \"tëxt ünïcödé\"(a)"); c.executemany("insert into \"tëxt ünïcödé\" values (?)", [("é" * i,) for i in range(500)])
c = db("indexes.db"); c.execute("create table t(a, b, c, d, e)")
for col in "abcde": c.execute("create index i_%s on t(%s)" % (col, col))
c.execute("create index i_ab on t(a, b) where a > 100"); c.executemany("insert into t values (?,?,?,?,?)", [(i, str(i) * 5, i * 1.5, None, randomblob) for i, randomblob in [(i, os.urandom(50)) for i in range(3000)]])
c = db("walonly.db", wal=True); c.execute("pragma wal_autocheckpoint=0"); c.execute("create table t(a)"); c.executemany("insert into t values (randomblob(500))", [()] * 2000)
c.execute("create table late(x)"); c.execute("insert into late values (1)")
os._exit(0)  # leave walonly.db's data in its -wal
`;

describe('space: the b-tree walk against dbstat', () => {
  let fx: string;
  let shapes: string;
  before(() => {
    fx = makeFixtures();
    shapes = tempDir('sqlite-doctor-space-');
    execFileSync('python3', ['-c', SHAPES, shapes]);
  });

  it('agrees with dbstat on every healthy fixture (WAL-only data, hot journal, UTF-16, 64 KiB pages, auto_vacuum, freelist)', async () => {
    for (const name of ['rollback.db', 'wal-clean.db', 'wal-pending.db', 'hot-journal.db', 'utf16le.db', 'page64k.db', 'autovacuum.db', 'freelist.db', 'appid.sqlite3', 'state.bin', 'wal-bad-checksum.db', 'wal-wrong-salt.db', 'wal-truncated-frame.db']) {
      await assertMatchesDbstat(path.join(fx, name));
    }
  });

  it('agrees with dbstat on 512-byte and 64 KiB pages, overflow chains, auto_vacuum full/incremental with pointer maps, WITHOUT ROWID, UTF-16be, many indexes, data only in the -wal', async () => {
    for (const name of readdirSync(shapes).filter((n) => n.endsWith('.db'))) await assertMatchesDbstat(path.join(shapes, name));
    const av = await readSpace(path.join(shapes, 'full-av.db'));
    assert.ok(av.pointerMapPages >= 1);
    const p512 = await readSpace(path.join(shapes, 'p512.db'));
    assert.ok(p512.freePages > 400, `${p512.freePages} free pages over several trunks`);
    assert.equal(p512.vacuumWouldFree, (p512.freePages + p512.repackPages) * 512);
  });

  it('agrees with dbstat on overflow chains longer than the page cache (512-byte pages with 1.2 MB blobs, 4 KiB pages with a 10 MB blob)', async () => {
    // A chain of ~2,400 overflow pages walks past every cached chunk while its leaf page, with more cells after it, is still being read.
    const dir = tempDir('sqlite-doctor-longchain-');
    execFileSync('python3', ['-c', String.raw`
import sqlite3, sys, os
for name, page, sizes in (("p512-chains.db", 512, [1_200_000, 30, 1_200_000, 700, 1_250_000]), ("p4k-chain.db", 4096, [10_000_000] + [100] * 20 + [5000])):
    c = sqlite3.connect(os.path.join(sys.argv[1], name), isolation_level=None)
    c.execute("PRAGMA page_size=%d" % page)
    c.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)")
    c.execute("CREATE INDEX tb ON t(substr(b, 1, 8))")
    c.executemany("INSERT INTO t(b) VALUES (randomblob(?))", [(n,) for n in sizes])
    c.close()
`, dir]);
    for (const name of ['p512-chains.db', 'p4k-chain.db']) await assertMatchesDbstat(path.join(dir, name));
  });

  it('inspection walks its in-memory image and finds exactly what the walk over the files finds', async () => {
    for (const name of ['wal-pending.db', 'hot-journal.db', 'autovacuum.db', 'freelist.db', 'utf16le.db']) {
      const file = path.join(fx, name);
      const fromImage = (await inspectDatabase(file)).space!;
      const fromFiles = await readSpace(file);
      assert.deepEqual([fromImage.objects, fromImage.freePages, fromImage.problems], [fromFiles.objects, fromFiles.freePages, fromFiles.problems], name);
    }
  });

  it('reports damaged structure as problems, in bounded time, without throwing', async () => {
    const dir = tempDir();
    const base = path.join(shapes, 'p512.db');
    const bytes = readFileSync(base);
    const cases: [string, (b: Buffer) => void][] = [
      ['child out of range', (b) => { const p = pageWithType(b, 512, 0x05); b.writeUInt32BE(999_999, p + 8); }],
      // p512.db's first table, t, has root page 2: an interior page pointing back at it makes a loop.
      ['loop to the root', (b) => { const p = pageWithType(b, 512, 0x05); b.writeUInt32BE(2, p + 8); }],
      ['unknown page type', (b) => { b[pageWithType(b, 512, 0x0d)] = 0x07; }],
      ['freelist trunk loop', (b) => { const trunk = b.readUInt32BE(32); b.writeUInt32BE(trunk, (trunk - 1) * 512); }],
      ['cell count too large', (b) => { b.writeUInt16BE(60000, pageWithType(b, 512, 0x0a) + 3); }],
    ];
    for (const [what, mutate] of cases) {
      const copy = Buffer.from(bytes);
      mutate(copy);
      const file = path.join(dir, `${what.replace(/ /g, '-')}.db`);
      writeFileSync(file, copy);
      const started = Date.now();
      const r = await readSpace(file);
      assert.ok(r.problems.length > 0, `${what}: a problem is reported`);
      assert.ok(Date.now() - started < 5000, `${what}: bounded time`);
    }
  });

  it('fuzz: random mutations of b-tree pages and pointers never throw or hang', async () => {
    const dir = tempDir();
    const base = readFileSync(path.join(shapes, 'p512.db'));
    let seed = 99;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const cases = Number(process.env.FUZZ_ITERATIONS ?? 150);
    let withProblems = 0;
    for (let i = 0; i < cases; i++) {
      const copy = Buffer.from(base);
      const page = 1 + Math.floor(random() * (copy.length / 512 - 1));
      // Pointers (child, right-most, overflow, freelist) or any header byte: 1 to 4 bytes at a time.
      const at = page * 512 + (random() < 0.5 ? Math.floor(random() * 12) : Math.floor(random() * 512));
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) copy[Math.min(copy.length - 1, at + k)] = Math.floor(random() * 256);
      const file = path.join(dir, `f${i}.db`);
      writeFileSync(file, copy);
      const started = Date.now();
      const r = await readSpace(file);
      if (r.problems.length) withProblems++;
      assert.ok(Date.now() - started < 5000, `case ${i}: bounded time`);
    }
    assert.ok(withProblems > cases / 10, `${withProblems} of ${cases} mutations reported as problems`);
  });
});

/** Offset of the first page (after page 1) with this b-tree page type. */
function pageWithType(b: Buffer, pageSize: number, type: number): number {
  for (let off = pageSize; off < b.length; off += pageSize) if (b[off] === type) return off;
  throw new Error(`no page of type ${type}`);
}
