import assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { inspectDatabase } from '../src/sqlite/content/inspect';
import { scanWorkspace } from '../src/workspace/scan';
import { tempDir } from './helpers/fixtures';

/**
 * Reading while real SQLite processes commit: every read must be a consistent
 * snapshot (a torn mix of pages from before and after a commit shows up as a
 * failed integrity check or a malformed database), and no writer may ever see
 * an error because of us (we take no locks at all).
 */
const WRITER = String.raw`
import sqlite3, sys, time
path, mode, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
con = sqlite3.connect(path, timeout=10, isolation_level=None)
con.execute("PRAGMA journal_mode=" + mode)
con.execute("PRAGMA cache_size=20")
commits = errors = 0
end = time.time() + seconds
print("ready", flush=True)
while time.time() < end:
    try:
        con.execute("BEGIN IMMEDIATE")
        con.executemany("INSERT INTO t(v) VALUES (?)", [("x" * (100 + i % 400),) for i in range(60)])
        con.execute("DELETE FROM t WHERE id % 7 = 0 AND id > (SELECT max(id) - 200 FROM t)")
        con.execute("COMMIT")
        commits += 1
        time.sleep(0.01)  # a busy app (tens of commits a second), not a tight loop
    except sqlite3.Error as e:
        errors += 1
        print("error", e, flush=True)
print("done", commits, errors, flush=True)
`;

describe('reading while real writers commit', () => {
  it('200 databases, 5 writers: consistent snapshots, no writer errors', { timeout: 120_000 }, async () => {
    const dir = tempDir('sqlite-doctor-live-');
    execFileSync('python3', ['-c', `
import os, sqlite3, sys
for i in range(200):
    d = os.path.join(sys.argv[1], "g%d" % (i % 10))
    os.makedirs(d, exist_ok=True)
    con = sqlite3.connect(os.path.join(d, "db%d.sqlite" % i))
    con.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")
    con.executemany("INSERT INTO t(v) VALUES (?)", [("seed",)] * 50)
    con.commit(); con.close()
`, dir]);
    const targets = [0, 1, 2, 3, 4].map((i) => path.join(dir, `g${i}`, `db${i}.sqlite`));
    const writers: { child: ChildProcess; out: string }[] = targets.map((file, i) => {
      const child = spawn('python3', ['-u', '-c', WRITER, file, i < 2 ? 'delete' : 'wal', '4'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const w = { child, out: '' };
      child.stdout!.on('data', (d: Buffer) => { w.out += d.toString(); });
      return w;
    });
    const finished = Promise.all(writers.map((w) => new Promise((r) => w.child.on('exit', r))));
    await new Promise((r) => setTimeout(r, 300));

    let scans = 0, inspections = 0, flagged = 0, reads = 0;
    const UNSTABLE = /being written on every read attempt/;
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      const found: string[] = [];
      for await (const ev of scanWorkspace(dir)) {
        if (ev.kind === 'problem') assert.fail(`scan problem: ${ev.error}`);
        if (ev.kind === 'database') {
          found.push(ev.relPath);
          reads++;
          // A read is either a consistent snapshot or says it is not one; never silently torn.
          if (ev.state.problems.some((p) => UNSTABLE.test(p))) flagged++;
          else assert.deepEqual(ev.state.problems, [], ev.relPath);
        }
      }
      assert.equal(found.length, 200);
      scans++;
      for (const file of targets) {
        const r = await inspectDatabase(file);
        inspections++;
        if (r.problems.some((p) => UNSTABLE.test(p))) { flagged++; continue; }
        assert.equal(r.integrity, 'ok', `${path.basename(file)}: ${JSON.stringify(r.integrity)} ${r.problems.join('; ')}`);
        assert.ok(r.tables[0]!.rows! >= 50);
      }
    }
    await finished;
    for (const w of writers) {
      const done = /done (\d+) (\d+)/.exec(w.out);
      assert.ok(done, w.out);
      assert.equal(Number(done[2]), 0, `a writer saw errors: ${w.out}`);
      assert.ok(Number(done[1]) > 5, `writer made progress: ${done[1]} commits`);
    }
    assert.ok(flagged <= (reads + inspections) * 0.01, `${flagged} of ${reads + inspections} reads could not get a stable snapshot`);
    console.log(`# ${scans} scans of 200 databases and ${inspections} deep inspections during ${writers.length} live writers; ${flagged} read(s) flagged as changing`);
  });
});
