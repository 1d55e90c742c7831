import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir, truth } from './helpers/fixtures';

/**
 * A hot journal is indexed (page → offset) and its pages read on demand, so
 * reading the state of a database with a 300 MB hot journal costs a bounded
 * amount of memory. Measured in the built CLI, run as a user runs it, in a
 * child process that reports its own peak RSS on exit.
 */
const BIN = path.join(__dirname, '..', 'bin', 'sqlite-doctor.js');
const SPACE_TRUTH = path.join(__dirname, 'fixtures', 'space_truth.py');
const MAX_RSS_MIB = 100;

// Real SQLite writes ~300 MB, then rewrites every row in a transaction that spills to the file (a 2 MB cache) and dies mid-way, like kill -9.
const MAKE = String.raw`
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA cache_size=-2000")
c.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)")
c.execute("BEGIN")
c.executemany("INSERT INTO t(b) VALUES (randomblob(3000))", [()] * 75000)
c.execute("COMMIT")
c.execute("BEGIN")
c.execute("UPDATE t SET b = zeroblob(2000)")
os._exit(0)
`;

function peakRss(args: string[]): { mib: number; stdout: string } {
  const r = spawnSync(process.execPath, ['--require', reporter, BIN, ...args], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  assert.equal(r.status, 0, r.stderr);
  const m = /peak-rss-kib (\d+)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  return { mib: Number(m[1]) / 1024, stdout: r.stdout };
}
let reporter = '';

describe('hot journal: bounded memory', () => {
  let dir: string;
  let file: string;
  before(() => {
    dir = tempDir('sqlite-doctor-hotjournal-');
    file = path.join(dir, 'big.db');
    execFileSync('python3', ['-c', MAKE, file]);
    reporter = path.join(dir, 'peak-rss.cjs');
    writeFileSync(reporter, "process.on('exit', () => process.stderr.write(`peak-rss-kib ${process.resourceUsage().maxRSS}\\n`));\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`reads the state, the space and the tables of a database with a 300 MB hot journal in < ${MAX_RSS_MIB} MB RSS, as real SQLite sees it after the rollback`, () => {
    const journalBytes = statSync(`${file}-journal`).size;
    assert.ok(journalBytes > 280 * 2 ** 20, `journal of ${journalBytes} bytes`);
    const t = truth(file);
    const dbstat = JSON.parse(execFileSync('python3', [SPACE_TRUTH, file], { encoding: 'utf8' })) as Record<string, { pages: number }>;

    const state = peakRss(['inspect', file, '--header-only', '--json']);
    const s = JSON.parse(state.stdout) as { hotJournal: boolean; journal: { pagesToRestore: number }; pageCount: number; pageSize: number };
    assert.equal(s.hotJournal, true);
    assert.ok(s.journal.pagesToRestore > 70000, `${s.journal.pagesToRestore} pages to restore`);
    assert.deepEqual([s.pageCount, s.pageSize], [t.page_count, t.page_size]);

    const inspect = peakRss(['inspect', file, '--json', '--max-size', '1']);
    const r = JSON.parse(inspect.stdout) as { tables: { name: string; rows: number }[]; space: { objects: { name: string; pages: number }[] } };
    assert.deepEqual(r.tables.map((x) => [x.name, x.rows]), t.tables.map((x) => [x.name, x.rows]));
    assert.deepEqual(Object.fromEntries(r.space.objects.map((o) => [o.name, o.pages])), Object.fromEntries(Object.entries(dbstat).filter(([k]) => k !== '_freelist').map(([k, v]) => [k, v.pages])));

    for (const [what, run] of [['state', state], ['inspect with space', inspect]] as const) {
      assert.ok(run.mib < MAX_RSS_MIB, `${what}: peak RSS ${run.mib.toFixed(0)} MiB`);
    }
  });
});
