import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readDatabaseState } from '../src/sqlite/disk/state';
import { HOLDS_CHECKPOINT_BACK, diagnose, readLockHolders } from '../src/sqlite/live/lockHolders';
import { LiveSample, LiveSampler } from '../src/sqlite/live/liveSampler';
import { snapshotTree, startPython, tempDir } from './helpers/fixtures';

/**
 * Lock holders against real SQLite processes: each test process says its own
 * pid and what it is doing; /proc/locks is the ground truth for the bytes.
 */
const BIN = path.join(__dirname, '..', 'bin', 'sqlite-doctor.js');
const skip = process.platform === 'linux' ? false : 'lock holders are read from Linux /proc';

/** Opens the database and holds a transaction: "read" (BEGIN; SELECT) or "write" (BEGIN IMMEDIATE + an insert). Prints "ready PID". */
const HOLDER = String.raw`
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "read":
    c.execute("BEGIN"); c.execute("SELECT count(*) FROM t").fetchone()
else:
    c.execute("BEGIN IMMEDIATE"); c.execute("INSERT INTO t VALUES (randomblob(100))")
print("ready", flush=True)
print("pid", os.getpid(), flush=True)
sys.stdin.read()
`;

function makeDb(file: string, mode: 'wal' | 'delete', rows = 100): void {
  execFileSync('python3', ['-c', `import sqlite3,sys
c=sqlite3.connect(sys.argv[1]); c.execute("pragma journal_mode=${mode}"); c.execute("create table t(x)")
c.executemany("insert into t values (randomblob(100))", [()]*${rows}); c.commit()`, file]);
}

function procLocksOf(pid: number): string[] {
  return readFileSync('/proc/locks', 'utf8').split('\n').filter((l) => l.split(/\s+/)[4] === String(pid));
}

async function hold(file: string, how: 'read' | 'write') {
  const p = await startPython(HOLDER, [file, how]);
  await new Promise((r) => setTimeout(r, 100));
  return { ...p, pid: p.child.pid! };
}

describe('who holds a database', { skip }, () => {
  it('WAL: a pinned reader and a writer in BEGIN IMMEDIATE, each with its locks and role', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file, 'wal');
    const reader = await hold(file, 'read');
    const writer = await hold(file, 'write');
    try {
      const r = await readLockHolders(file);
      assert.equal(r.supported, true);
      const byPid = new Map(r.processes.map((p) => [p.pid, p]));
      const rd = byPid.get(reader.pid)!;
      const wr = byPid.get(writer.pid)!;
      assert.equal(rd.role, 'reader');
      assert.ok(rd.locks.some((l) => /^READ\d$/.test(l)), rd.locks.join(' '));
      assert.equal(wr.role, 'writer');
      assert.ok(wr.locks.includes('WRITE'), wr.locks.join(' '));
      assert.match(rd.command, /python3/);
      // Ground truth: both processes hold POSIX locks the kernel lists.
      assert.ok(procLocksOf(reader.pid).length > 0 && procLocksOf(writer.pid).length > 0);
      assert.ok(r.walReaders.some((w) => w.pids.includes(reader.pid)));
      assert.ok(r.diagnosis.some((d) => d.includes(`pid ${writer.pid}`) && /write transaction \(WRITE\)/.test(d)), r.diagnosis.join('\n'));
    } finally {
      reader.child.kill('SIGKILL');
      writer.child.kill('SIGKILL');
    }
  });

  it('rollback: a reader holding SHARED and a writer holding RESERVED', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file, 'delete');
    const reader = await hold(file, 'read');
    const writer = await hold(file, 'write');
    try {
      const r = await readLockHolders(file);
      const byPid = new Map(r.processes.map((p) => [p.pid, p]));
      assert.deepEqual(byPid.get(reader.pid)!.locks, ['SHARED']);
      assert.equal(byPid.get(reader.pid)!.role, 'reader');
      assert.ok(byPid.get(writer.pid)!.locks.includes('RESERVED'));
      assert.equal(byPid.get(writer.pid)!.role, 'writer');
      assert.ok(r.diagnosis.some((d) => d.includes(`pid ${writer.pid}`) && /RESERVED/.test(d)));
      // A holder that exited before its command line was read is named once, not "pid N `pid N`".
      const gone = { ...r, processes: r.processes.map((p) => (p.pid === writer.pid ? { ...p, command: `pid ${p.pid}` } : p)) };
      const words = diagnose(gone, await readDatabaseState(file)).map((d) => d.text);
      assert.ok(words.includes(`pid ${writer.pid} is in a write transaction (RESERVED): other writers wait (busy_timeout) or get "database is locked"`), words.join('\n'));
    } finally {
      reader.child.kill('SIGKILL');
      writer.child.kill('SIGKILL');
    }
  });

  it('names the reader that keeps the checkpoint from finishing, and the frames it holds back', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file, 'wal');
    // The pinned reader's snapshot ends where the log ends now.
    const reader = await hold(file, 'read');
    try {
      execFileSync('python3', ['-c', `import sqlite3,sys
c=sqlite3.connect(sys.argv[1], isolation_level=None)
for i in range(500): c.execute("insert into t values (randomblob(3000))")`, file]);
      const r = await readLockHolders(file);
      const slot = r.walReaders.find((w) => w.pids.includes(reader.pid))!;
      assert.ok(r.wal && r.wal.lastFrame >= 500, `last frame ${r.wal?.lastFrame}`);
      const held = r.wal.lastFrame - Math.max(slot.frame, r.wal.backfilled);
      assert.ok(held >= 500, `${held} frames held back`);
      const line = r.diagnosis.find((d) => /cannot be checkpointed/.test(d));
      assert.ok(line, r.diagnosis.join('\n'));
      assert.match(line, new RegExp(`^${held.toLocaleString('en-US')} frame\\(s\\) .* cannot be checkpointed: pid ${reader.pid} \``));
      // What holds a checkpoint back is decided from codes (journalMode's message), never from words a command line can hold.
      const state = await readDatabaseState(file);
      assert.deepEqual(diagnose(r, state).filter((d) => HOLDS_CHECKPOINT_BACK.has(d.code)).map((d) => [d.code, d.text]), [['frames-held', line]]);
      const named = { ...r, walReaders: [], processes: r.processes.map((p) => ({ ...p, command: 'python3 committing.py in a write transaction', locks: ['CHECKPOINT'] })) };
      const said = diagnose(named, state);
      assert.ok(said.some((d) => d.code === 'checkpointing' && /committing\.py in a write transaction/.test(d.text)), JSON.stringify(said));
      assert.deepEqual(said.filter((d) => HOLDS_CHECKPOINT_BACK.has(d.code)), []);
      // After the reader ends its transaction, nothing holds the frames back.
      reader.child.kill('SIGKILL');
      await new Promise((res) => reader.child.on('exit', res));
      const after = await readLockHolders(file);
      assert.ok(!after.diagnosis.some((d) => /cannot be checkpointed/.test(d)), after.diagnosis.join('\n'));
    } finally {
      reader.child.kill('SIGKILL');
    }
  });

  it('the live sampler sees the -wal grow and a checkpoint happen', { timeout: 30_000 }, async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file, 'wal');
    const samples: LiveSample[] = [];
    const keep = await hold(file, 'read'); // keeps the -shm live
    keep.child.kill('SIGKILL');
    const app = await startPython(String.raw`
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("pragma wal_autocheckpoint=0")
print("ready", flush=True)
for i in range(30):
    c.execute("insert into t values (randomblob(3000))"); time.sleep(0.02)
time.sleep(0.5)
c.execute("pragma wal_checkpoint(PASSIVE)")
time.sleep(0.5)
print("done", flush=True)
sys.stdin.read()
`, [file]);
    const sampler = new LiveSampler(file, (s) => samples.push(s), { intervalMs: 50 });
    sampler.start();
    try {
      while (!app.lines.includes('done')) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      sampler.stop();
      app.child.kill('SIGKILL');
    }
    const pending = samples.map((s) => s.pendingFrames);
    assert.ok(Math.max(...pending) >= 20, `pending frames seen: ${Math.max(...pending)}`);
    assert.ok(samples.some((s) => s.checkpoint), 'the checkpoint is marked');
    assert.equal(samples.at(-1)!.pendingFrames, 0);
    assert.ok(samples.at(-1)!.holders.some((h) => h.pid === app.child.pid));
  });

  it('locks and watch change no byte or mtime; the CLI prints the JSON the issue specifies', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file, 'wal');
    const reader = await hold(file, 'read');
    try {
      const before = snapshotTree(dir);
      const json = spawnSync(process.execPath, [BIN, 'locks', file, '--json'], { encoding: 'utf8' });
      assert.equal(json.status, 0, json.stderr);
      const r = JSON.parse(json.stdout);
      assert.deepEqual(Object.keys(r).filter((k) => ['path', 'journalMode', 'supported', 'processes', 'walReaders', 'diagnosis'].includes(k)).sort(), ['diagnosis', 'journalMode', 'path', 'processes', 'supported', 'walReaders']);
      assert.deepEqual(Object.keys(r.processes[0]).sort(), ['command', 'locks', 'pid', 'role']);
      const watch = spawnSync(process.execPath, [BIN, 'watch', file, '--interval', '100', '--duration', '1'], { encoding: 'utf8' });
      assert.equal(watch.status, 0, watch.stderr);
      assert.match(watch.stdout, new RegExp(`holders: .*${reader.pid} reader`));
      assert.deepEqual(snapshotTree(dir), before);
      assert.equal(statSync(file).size, before.has('app.db') ? statSync(file).size : -1);
      const notDb = spawnSync(process.execPath, [BIN, 'locks', path.join(dir, 'nope.db')], { encoding: 'utf8' });
      assert.equal(notDb.status, 1);
    } finally {
      reader.child.kill('SIGKILL');
    }
  });
  it('watch notices the database was deleted, says so and exits', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'gone.db');
    makeDb(file, 'delete');
    const watch = spawn(process.execPath, [BIN, 'watch', file, '--interval', '100'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    watch.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => watch.on('exit', resolve));
    await new Promise<void>((resolve) => watch.stdout.on('data', (d: Buffer) => { stdout += d.toString(); resolve(); }));
    rmSync(file);
    const timer = setTimeout(() => watch.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    assert.equal(code, 1, `still watching a deleted file (stdout: ${stdout})`);
    assert.match(stderr, /gone\.db was deleted; watch stops\./);
  });
});
