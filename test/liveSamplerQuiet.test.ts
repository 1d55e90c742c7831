import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { LiveSample, LiveSampler } from '../src/sqlite/live/liveSampler';
import { makeBlobDb, startPython, tempDir } from './helpers/fixtures';

/**
 * The panel's sampler costs a stat per tick while the database is quiet: it
 * reads the -shm header and /proc only when a file changed (or a quiet
 * sample is due), and follows each commit of a real app at once.
 */
const APP = String.raw`
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("SELECT count(*) FROM t").fetchone()
print("ready", flush=True)
for line in sys.stdin:
    c.execute("INSERT INTO t(v) VALUES (randomblob(3000))")
    print("committed", flush=True)
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sampling at the cost of a stat', () => {
  it('samples a quiet database only when a quiet sample is due, and each commit at once', async () => {
    const file = path.join(tempDir('sqlite-doctor-quiet-'), 'app.db');
    makeBlobDb(file, 50, 1000, { wal: true });
    const app = await startPython(APP, [file]);
    const samples: LiveSample[] = [];
    const sampler = new LiveSampler(file, (s) => samples.push(s), { intervalMs: 50, quietSampleEveryMs: 1000 });
    try {
      sampler.start();
      await sleep(1500);
      // 30 ticks: the first sample, then one quiet sample a second.
      assert.ok(samples.length >= 1 && samples.length <= 3, `${samples.length} samples of a quiet database in 1.5 s`);
      for (let i = 1; i <= 3; i++) {
        const before = samples.length;
        app.child.stdin!.write('go\n');
        while (app.lines.filter((l) => l === 'committed').length < i) await sleep(10);
        await sleep(150);
        // A commit writes the -wal, then the -shm: a tick may fall between the two.
        assert.ok(samples.length > before, `commit ${i} sampled`);
        assert.equal(samples.at(-1)!.walBytes, statSync(`${file}-wal`).size, 'with the -wal as it is now');
      }
      assert.ok(samples.at(-1)!.holders.some((h) => h.pid === app.child.pid), 'the app is seen holding it');
    } finally {
      sampler.stop();
      app.child.kill('SIGKILL');
    }
  });

  it('without the option every tick samples (the CLI watch)', async () => {
    const file = path.join(tempDir('sqlite-doctor-quiet-'), 'app.db');
    makeBlobDb(file, 10, 100, { wal: true });
    const samples: LiveSample[] = [];
    const sampler = new LiveSampler(file, (s) => samples.push(s), { intervalMs: 50 });
    sampler.start();
    await sleep(1000);
    sampler.stop();
    assert.ok(samples.length >= 5, `${samples.length} samples`);
  });
});
