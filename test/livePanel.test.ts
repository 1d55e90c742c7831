import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runChild } from '../src/sqlite/engines/engine';
import { filesIdentity } from '../src/sqlite/disk/consistentRead';
import { DetailDeps, DetailService } from '../src/ui/services/detailService';
import { LiveViewService, toPoints } from '../src/ui/services/liveView';
import { DatabaseModel, ModelChange } from '../src/ui/services/model';
import { RefreshThrottle } from '../src/ui/services/refreshThrottle';
import { tempDir } from './helpers/fixtures';

/**
 * The pieces that keep the panel cheap and calm while an app writes: the
 * detail service, the refresh throttle, the model's change events and scans,
 * and child output decoding. All vscode-free, tested with real files and
 * real child processes.
 */
function makeDb(file: string, rows = 1): void {
  execFileSync('python3', ['-c', `import sqlite3,sys
c=sqlite3.connect(sys.argv[1]); c.execute("create table if not exists t(x)")
c.executemany("insert into t values (?)", [(i,) for i in range(int(sys.argv[2]))]); c.commit()`, file, String(rows)]);
}

/** An inspection that is a real child process (sleep), so cancelling must kill it. */
function sleepingDeps(seconds: number, pids: number[], killed: number[]): DetailDeps {
  return {
    identity: filesIdentity,
    base: () => ({ walExplained: [], snippets: [] }),
    inspect: async (id, signal) => {
      const child = runChild({ command: 'sh', args: ['-c', `exec sleep ${seconds}`], timeoutMs: 60_000, signal });
      const failure = child.then(() => undefined, (err: unknown) => err);
      // The child's pid, to check that it is gone after a cancel.
      await new Promise((r) => setTimeout(r, 50));
      const ps = execFileSync('sh', ['-c', `pgrep -f "sleep ${seconds}" || true`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
      pids.push(...ps);
      const err = await failure;
      if (err) {
        killed.push(...ps);
        throw err;
      }
      return { walExplained: [], snippets: [], error: `inspected ${path.basename(id)}` };
    },
  };
}

/** A detail service over real files whose inspection is `inspect` (counted by the caller). */
function serviceWith(inspect: (id: string) => Promise<{ error?: string } | void>): DetailService {
  return new DetailService({
    identity: filesIdentity,
    base: () => ({ walExplained: [], snippets: [] }),
    inspect: async (id) => ({ walExplained: [], snippets: [], ...(await inspect(id)) }),
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('detail service', () => {
  it('answers from the cache while the files are unchanged, and inspects again when they change', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.db');
    makeDb(file);
    let inspections = 0;
    const service = serviceWith(async () => ({ error: `run ${++inspections}` }));
    const first = await service.request(file);
    const again = await service.request(file);
    assert.equal(inspections, 1);
    assert.equal(again, first);
    makeDb(file, 5); // a real commit changes the file
    const changed = await service.request(file);
    assert.equal(inspections, 2);
    assert.equal(changed?.error, 'run 2');
  });

  it('joins a running inspection of the same files instead of starting another', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.db');
    makeDb(file);
    let inspections = 0;
    const service = serviceWith(async () => { inspections++; await sleep(200); });
    const [a, b, c] = await Promise.all([service.request(file), service.request(file), service.request(file)]);
    assert.equal(inspections, 1);
    assert.ok(a && a === b && b === c);
  });

  it('the latest request wins: after a write or a refresh, the older child is killed', { timeout: 30_000 }, async () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.db');
    makeDb(file);
    const pids: number[] = [];
    const killed: number[] = [];
    const service = new DetailService(sleepingDeps(7.25, pids, killed));
    const older = service.request(file);
    await new Promise((r) => setTimeout(r, 300));
    makeDb(file, 3);
    service.invalidate([file]);
    const newer = service.request(file);
    assert.equal(await older, undefined, 'the superseded request resolves to nothing');
    assert.ok(killed.length > 0, 'the older child was killed');
    for (const pid of killed) assert.throws(() => process.kill(pid, 0), 'killed child is gone');
    // The newer inspection is running (its child started); closing the panel cancels it too.
    while ((service.started.get(file) ?? 0) < 2) await sleep(20);
    service.cancelAll();
    assert.equal(await newer, undefined);
  });

  it('a database that keeps changing still gets details: one follow-up per inspection, not a restart per change', { timeout: 30_000 }, async () => {
    const dir = tempDir();
    const file = path.join(dir, 'busy.db');
    makeDb(file);
    let inspections = 0;
    const service = serviceWith(async () => { inspections++; await sleep(300); return { error: `run ${inspections}` }; });
    const answers: (string | undefined)[] = [];
    const started = Date.now();
    // An app changes the file every 50 ms for 2 s; the panel asks after each change.
    const asked: Promise<void>[] = [];
    while (Date.now() - started < 2000) {
      makeDb(file, 1);
      asked.push(service.request(file).then((d) => { answers.push(d?.error); }));
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all(asked);
    assert.ok(answers.every((a) => a !== undefined), 'every request got a detail');
    assert.ok(inspections >= 2 && inspections <= 5, `${inspections} inspections for ~30 changes in 2 s`);
  });

  it('invalidates per path: only the named database is inspected again', async () => {
    const dir = tempDir();
    const [a, b] = [path.join(dir, 'a.db'), path.join(dir, 'b.db')];
    makeDb(a);
    makeDb(b);
    const runs = new Map<string, number>();
    const service = serviceWith(async (id) => { runs.set(id, (runs.get(id) ?? 0) + 1); });
    await service.request(a);
    await service.request(b);
    service.invalidate([b]);
    await service.request(a);
    await service.request(b);
    assert.deepEqual([runs.get(a), runs.get(b)], [1, 2]);
  });
});

describe('refresh throttle', () => {
  it('reads at least once per interval while events keep coming, and once after they stop', async () => {
    const reads: number[] = [];
    const start = Date.now();
    let lastPoke = 0;
    const throttle = new RefreshThrottle(async () => { reads.push(Date.now() - start); await new Promise((r) => setTimeout(r, 20)); }, 100);
    // 20 events a second for 1 s: a debounce would read once, at the end.
    for (let t = 0; t < 1000; t += 50) {
      throttle.poke('b.db');
      lastPoke = Date.now() - start;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300));
    throttle.dispose();
    assert.ok(reads.length >= 7, `${reads.length} reads: ${reads.join(', ')}`);
    assert.ok(reads[0]! < 200, 'the first read comes within an interval');
    assert.ok(reads.at(-1)! >= lastPoke, `a last read (${reads.at(-1)} ms) after the final event (${lastPoke} ms)`);
    for (let i = 1; i < reads.length; i++) assert.ok(reads[i]! - reads[i - 1]! < 300, `gap ${reads[i]! - reads[i - 1]!} ms`);
  });
});

describe('one read per burst, one per interval', () => {
  it('a burst of events costs one read, soon; steady events a read every interval, not interval + the gap to the next event', async () => {
    const start = Date.now();
    const reads: number[] = [];
    const throttle = new RefreshThrottle(async () => { reads.push(Date.now() - start); }, 500, 100);
    for (let i = 0; i < 5; i++) throttle.poke('b.db');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(reads.length, 1, 'one commit touching -wal and -shm: one read');
    assert.ok(reads[0]! >= 100 && reads[0]! < 350, `read after ${reads[0]} ms`);
    // Events every 90 ms for 2.5 s: reads every 500 ms from the last one's start.
    reads.length = 0;
    const from = Date.now() - start;
    for (let t = 0; t < 2500; t += 90) {
      throttle.poke('b.db');
      await new Promise((r) => setTimeout(r, 90));
    }
    throttle.dispose();
    const gaps = reads.slice(1).map((t, i) => t - reads[i]!);
    assert.ok(reads.length >= 4, `${reads.length} reads from ${from} ms: ${reads.join(', ')}`);
    assert.ok(gaps.every((g) => g >= 490 && g < 900), `gaps ${gaps.join(', ')} ms`);
  });
});

describe('model change events and scans', () => {
  it('a refresh names the path it re-read', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.db');
    makeDb(file);
    const model = new DatabaseModel();
    await model.scan([{ folder: 'w', path: dir }], {});
    const changes: ModelChange[] = [];
    model.onDidChange((c) => changes.push(c));
    makeDb(file, 2);
    await model.refresh(file);
    assert.deepEqual(changes, [{ kind: 'paths', paths: [file] }]);
  });

  it('a file the scan excludes is not added by a file event', async () => {
    const dir = tempDir();
    makeDb(path.join(dir, 'a.db'));
    const model = new DatabaseModel();
    await model.scan([{ folder: 'w', path: dir }], { exclude: ['**/node_modules'] });
    mkdirSync(path.join(dir, 'node_modules', 'pkg'), { recursive: true });
    const hidden = path.join(dir, 'node_modules', 'pkg', 'cache.db');
    makeDb(hidden);
    await model.refresh(hidden);
    assert.equal(model.get(hidden), undefined);
    const shown = path.join(dir, 'new.db');
    makeDb(shown);
    await model.refresh(shown);
    assert.ok(model.get(shown));
  });

  it('a newer scan cancels the running one; scanning stays on until the newer one lands', async () => {
    const dir = tempDir();
    for (let i = 0; i < 30; i++) {
      mkdirSync(path.join(dir, `d${i}`));
      for (let j = 0; j < 50; j++) writeFileSync(path.join(dir, `d${i}`, `f${j}.txt`), 'x');
    }
    makeDb(path.join(dir, 'a.db'));
    const model = new DatabaseModel();
    const flags: boolean[] = [];
    model.onDidChange((c) => { if (c.kind === 'scanning' || c.kind === 'all') flags.push(model.scanning); });
    const first = model.scan([{ folder: 'w', path: dir }], { allFiles: true });
    const second = model.scan([{ folder: 'w', path: dir }], {});
    const [r1, r2] = await Promise.all([first, second]);
    assert.deepEqual([r1.cancelled, r2.cancelled], [true, false]);
    assert.equal(model.scanning, false);
    // Never "not scanning" while the newer scan still runs.
    assert.deepEqual(flags, [true, true, false]);
    assert.equal(model.rows().length, 1);
  });
});

describe('child output decoding', () => {
  it('keeps multi-byte characters split across chunks (600 KB, several scripts)', async () => {
    const names = ['données', 'Таблица', '表格数据', 'جدول', 'テーブル', '🗄️ emoji'];
    const line = names.join(' | ');
    const repeat = Math.ceil(600_000 / Buffer.byteLength(line));
    const r = await runChild({ command: 'python3', args: ['-c', `import sys; s=sys.argv[1]; sys.stdout.buffer.write(((s + "\\n") * ${repeat}).encode())`, line], timeoutMs: 30_000 });
    assert.ok(Buffer.byteLength(r.stdout) >= 600_000);
    assert.ok(!r.stdout.includes('\ufffd'), 'no replacement characters');
    assert.deepEqual(new Set(r.stdout.trim().split('\n')), new Set([line]));
  });
});

describe('live view service', () => {
  it('folds samples to one point per second and marks the second a checkpoint happened in', () => {
    const s = (at: number, wal: number, pending: number, checkpoint = false) => ({ at, walBytes: wal, lastFrame: pending, backfilled: 0, pendingFrames: pending, frameBytes: 4120, checkpoint, holders: [], diagnosis: [] });
    assert.deepEqual(toPoints([s(1000, 10, 1), s(1250, 20, 2), s(1500, 30, 0, true), s(2100, 30, 1)]), [[1000, 30, 0, 1], [2000, 30, 1, 0]]);
  });

  it('samples only while watching, posts at most twice a second, and stops when paused', { timeout: 20_000 }, async () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.db');
    makeDb(file);
    const posts: number[] = [];
    const service = new LiveViewService(() => posts.push(Date.now()), { intervalMs: 50 });
    service.watch(file);
    await new Promise((r) => setTimeout(r, 2500));
    service.pause();
    const atPause = posts.length;
    assert.equal(service.watching, undefined);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(posts.length, atPause, 'nothing after pause');
    assert.ok(atPause >= 1 && atPause <= 3, `${atPause} posts in 2.5 s of a quiet database`);
    for (let i = 1; i < posts.length; i++) assert.ok(posts[i]! - posts[i - 1]! >= 490);
  });
});
