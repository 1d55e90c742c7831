// Cost of the live view: CPU per second of watching 10 open WAL databases
// (each held open by a real SQLite connection that commits now and then),
// sampled 4 times a second by LiveSampler, against the obvious way in the
// same run: re-reading each database's state and walking /proc/PID/fd every tick.
import * as path from 'node:path';
import { LiveSampler } from '../src/sqlite/live/liveSampler';
import { readLockHolders } from '../src/sqlite/live/lockHolders';
import { readDatabaseState } from '../src/sqlite/disk/state';
import { startPython, tempDir } from '../test/helpers/fixtures';

const APP = String.raw`
import sqlite3, sys, time
cons = []
for p in sys.argv[1:]:
    c = sqlite3.connect(p, isolation_level=None); c.execute("pragma journal_mode=wal")
    c.execute("create table if not exists t(x)"); cons.append(c)
print("ready", flush=True)
while True:
    for c in cons: c.execute("insert into t values (randomblob(2000))")
    time.sleep(0.2)
`;

async function cpuPerSecond(seconds: number, startWatching: () => () => void): Promise<number> {
  const before = process.cpuUsage();
  const stop = startWatching();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  stop();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6 / seconds;
}

export async function benchSampling(say: (line: string) => void, seconds: number): Promise<void> {
  const dir = tempDir('sqlite-doctor-bench-sampling-');
  const files = Array.from({ length: 10 }, (_, i) => path.join(dir, `db${i}.db`));
  const app = await startPython(APP, files);
  try {
    const idle = await cpuPerSecond(seconds, () => () => undefined);
    const ours = await cpuPerSecond(seconds, () => {
      const samplers = files.map((f) => new LiveSampler(f, () => undefined, { intervalMs: 250 }));
      for (const s of samplers) s.start();
      return () => { for (const s of samplers) s.stop(); };
    });
    const naive = await cpuPerSecond(seconds, () => {
      const timer = setInterval(() => { for (const f of files) void readDatabaseState(f, { walVerify: 'full' }).then((state) => readLockHolders(f, { state, openFiles: true })).catch(() => undefined); }, 250);
      return () => clearInterval(timer);
    });
    say(`| live view sampling, 10 open WAL databases at 4 samples/s each (an app commits to all of them 5×/s) | CPU seconds per second of watching | ${(ours - idle).toFixed(3)} (${((ours - idle) * 100).toFixed(1)}% of one core) | re-reading state + /proc/PID/fd every tick: ${(naive - idle).toFixed(3)} → **${((ours - idle) / (naive - idle)).toFixed(2)}×**; idle process ${idle.toFixed(3)} (subtracted) |`);
  } finally {
    app.child.kill('SIGKILL');
  }
}
