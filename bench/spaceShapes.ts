// `space` against SQLite's own dbstat on two shapes of the same run: a
// blob-heavy 1.1 GiB file (almost every page an overflow page) and a file of
// many small rows with an index (almost every page a b-tree page). Both are
// rollback-mode files without sidecars, so the sqlite3 shell reads the very
// file we read (read-only, no recovery). Runs interleaved, median of each.
// Alone: `tsx bench/spaceShapes.ts` (prints the rows); `npm run bench` adds them to the table.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Sample, fmtMiB, fmtMs, run } from './measure';

const CLI = path.resolve('bin/sqlite-doctor.js');
const DBSTAT = 'SELECT name, count(*), sum(pgsize) FROM dbstat GROUP BY name';

const SHAPES = {
  'blob-heavy': `
c.execute("CREATE TABLE blobs(id INTEGER PRIMARY KEY, b BLOB)")
c.execute("CREATE TABLE small(id INTEGER PRIMARY KEY, v TEXT)")
c.executemany("INSERT INTO blobs(b) VALUES (randomblob(65000))", [()] * 17400)
c.executemany("INSERT INTO small(v) VALUES (?)", [("row%d" % i,) for i in range(10000)])`,
  'many small rows': `
c.execute("CREATE TABLE rows(id INTEGER PRIMARY KEY, a INTEGER, b TEXT)")
c.execute("CREATE INDEX rows_a ON rows(a)")
c.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000000) INSERT INTO rows(a, b) SELECT (i * 7919) % 1000003, printf('row %08d of many', i) FROM n")`,
} as const;

function makeShape(dir: string, name: keyof typeof SHAPES): string {
  const file = path.join(dir, `${name.replace(/ /g, '-')}.db`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  // Written under a temporary name and renamed: an interrupted generation is never taken for the cached file.
  const partial = `${file}.partial`;
  execFileSync('python3', ['-c', `import os, sqlite3, sys
if os.path.exists(sys.argv[1]): os.remove(sys.argv[1])
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA journal_mode=OFF")
c.execute("PRAGMA synchronous=OFF")
c.execute("BEGIN")${SHAPES[name]}
c.execute("COMMIT")
c.close()`, partial]);
  renameSync(partial, file);
  return file;
}

const median = (xs: Sample[]): Sample => [...xs].sort((a, b) => a.ms - b.ms)[Math.floor(xs.length / 2)]!;

/** One table row per shape: ours and dbstat, interleaved after one warm-up round. */
export async function benchSpaceShapes(say: (s: string) => void, work: string, rounds = 5): Promise<void> {
  for (const name of Object.keys(SHAPES) as (keyof typeof SHAPES)[]) {
    const file = makeShape(path.join(work, 'space-shapes'), name);
    const ours: Sample[] = [];
    const shell: Sample[] = [];
    for (let i = 0; i <= rounds; i++) {
      const a = await run(process.execPath, [CLI, 'space', file, '--json']);
      const b = await run('sqlite3', ['-readonly', file, DBSTAT]);
      if (i > 0) { ours.push(a); shell.push(b); }
    }
    const o = median(ours);
    const s = median(shell);
    const r = JSON.parse(o.stdout) as { pageCount: number; objects: { name: string; pages: number }[] };
    // The same pages counted by both, or the ratio compares different work.
    const theirs = Object.fromEntries(s.stdout.trim().split('\n').map((l) => l.split('|')).map(([n, pages]) => [n, Number(pages)]));
    const same = r.objects.every((x) => theirs[x.name] === x.pages);
    say(`| space of ${name}, ${(statSync(file).size / 2 ** 30).toFixed(2)} GiB (${r.pageCount.toLocaleString('en-US')} pages), median of ${rounds} | pages per object ${same ? 'equal to' : 'DIFFER from'} dbstat's | ${fmtMs(o.ms)} ms, ${fmtMiB(o.rssKiB)} MiB peak | sqlite3 -readonly "${DBSTAT}" ${fmtMs(s.ms)} ms, ${fmtMiB(s.rssKiB)} MiB → **${(o.ms / s.ms).toFixed(2)}×** |`);
  }
}

if (require.main === module) void benchSpaceShapes(console.log, path.resolve('.cache/bench'), Number(process.env.ROUNDS ?? 5));
