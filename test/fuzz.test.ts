import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { SqliteFileError } from '../src/sqlite/os/errors';
import { inspectDatabase } from '../src/sqlite/content/inspect';
import { readDatabaseState } from '../src/sqlite/disk/state';
import { scanWorkspace } from '../src/workspace/scan';
import { makeFixtures, tempDir } from './helpers/fixtures';

/**
 * Hostile input: mutated headers, WAL files and journals, truncations at every
 * interesting offset. Each case must end in a report or a typed
 * SqliteFileError, never another exception, and within a time bound.
 * FUZZ_ITERATIONS raises the count (`npm run fuzz`).
 */
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 60);
const PER_CASE_MS = 5000;

function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];

let cases = 0;
async function survive(file: string, what: string): Promise<void> {
  cases++;
  const started = Date.now();
  for (const run of [() => readDatabaseState(file), () => inspectDatabase(file, { maxBytes: 16 * 1024 * 1024, integrity: 'quick' })]) {
    try {
      await run();
    } catch (err) {
      if (!(err instanceof SqliteFileError)) assert.fail(`${what}: untyped ${(err as Error)?.stack ?? err}`);
      assert.ok(err.message.includes(path.basename(file)), `${what}: the error names the file: ${err.message}`);
    }
  }
  assert.ok(Date.now() - started < PER_CASE_MS, `${what}: took ${Date.now() - started} ms`);
}

describe('fuzzed input never crashes or hangs', () => {
  let fx: string;
  let work: string;
  before(() => {
    fx = makeFixtures();
    work = tempDir('sqlite-doctor-fuzz-');
  });

  const put = (name: string, bytes: Uint8Array, sidecars: Record<string, Uint8Array> = {}) => {
    const dir = path.join(work, `${cases}`);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    for (const [suffix, data] of Object.entries(sidecars)) writeFileSync(file + suffix, data);
    return file;
  };

  it('mutated database headers and first pages', async () => {
    const base = readFileSync(path.join(fx, 'rollback.db'));
    const rand = prng(1);
    for (let i = 0; i < ITERATIONS * 4; i++) {
      const b = Buffer.from(base);
      const field = [16, 18, 19, 20, 21, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68, 92, 96][Math.floor(rand() * 19)]!;
      const v = rand() < 0.6 ? INTERESTING[Math.floor(rand() * INTERESTING.length)]! : Math.floor(rand() * 2 ** 32);
      if (field === 16) b.writeUInt16BE(v & 0xffff, 16);
      else if (field >= 18 && field <= 21) b[field] = v & 0xff;
      else b.writeUInt32BE(v >>> 0, field);
      for (let k = Math.floor(rand() * 4); k > 0; k--) b[Math.floor(rand() * 4096)] = Math.floor(rand() * 256);
      await survive(put('h.db', b), `header field ${field} = ${v}`);
    }
  });

  it('truncated at every interesting offset', async () => {
    const base = readFileSync(path.join(fx, 'rollback.db'));
    const offsets = [0, 1, 15, 16, 17, 50, 99, 100, 101, 512, 4095, 4096, 4097, 8191, 8192, 12000, base.length - 1];
    for (const n of offsets) await survive(put('t.db', base.subarray(0, n)), `truncated to ${n}`);
  });

  it('mutated WAL headers and frames', async () => {
    const db = readFileSync(path.join(fx, 'wal-pending.db'));
    const wal = readFileSync(path.join(fx, 'wal-pending.db-wal'));
    const rand = prng(2);
    const frame = 24 + 4096;
    for (let i = 0; i < ITERATIONS * 3; i++) {
      let w = Buffer.from(wal);
      const kind = Math.floor(rand() * 6);
      if (kind === 0) w.writeUInt32BE(INTERESTING[Math.floor(rand() * INTERESTING.length)]! >>> 0, [0, 4, 8, 12, 16, 20, 24, 28][Math.floor(rand() * 8)]!);
      else if (kind === 1) w.writeUInt32BE(Math.floor(rand() * 2 ** 32), 32 + Math.floor(rand() * 9) * frame + [0, 4, 8, 12, 16, 20][Math.floor(rand() * 6)]!);
      else if (kind === 2) {
        const at = 32 + Math.floor(rand() * (w.length - 32));
        w[at] = w[at]! ^ (1 << Math.floor(rand() * 8));
      }
      else if (kind === 3) w = w.subarray(0, Math.floor(rand() * w.length));
      else if (kind === 4) w = Buffer.concat([w, Buffer.alloc(Math.floor(rand() * 3 * frame), Math.floor(rand() * 256))]);
      else w.writeUInt32BE(0xffffffff, 32 + Math.floor(rand() * 9) * frame + 4); // absurd commit size
      await survive(put('w.db', db, { '-wal': w }), `WAL mutation ${kind}`);
    }
  });

  it('mutated rollback journals', async () => {
    const db = readFileSync(path.join(fx, 'hot-journal.db'));
    const j = readFileSync(path.join(fx, 'hot-journal.db-journal'));
    const rand = prng(3);
    for (let i = 0; i < ITERATIONS * 2; i++) {
      let b = Buffer.from(j);
      const kind = Math.floor(rand() * 4);
      if (kind === 0) b.writeUInt32BE(INTERESTING[Math.floor(rand() * INTERESTING.length)]! >>> 0, [8, 12, 16, 20, 24][Math.floor(rand() * 5)]!);
      else if (kind === 1) {
        const at = Math.floor(rand() * b.length);
        b[at] = b[at]! ^ 0xff;
      }
      else if (kind === 2) b = b.subarray(0, Math.floor(rand() * b.length));
      else b.writeUInt32BE(Math.floor(rand() * 2 ** 32), 512 + Math.floor(rand() * 10) * (4096 + 8));
      await survive(put('j.db', db, { '-journal': b }), `journal mutation ${kind}`);
    }
  });

  it(`ran the cases (${ITERATIONS} iterations per kind)`, () => {
    assert.ok(cases >= ITERATIONS * 9, `${cases} cases`);
    console.log(`# fuzz cases: ${cases}`);
  });
});

describe('filesystem oddities', () => {
  it('a FIFO named .db does not block the scan; odd names are fine', async () => {
    const dir = tempDir('sqlite-doctor-odd-');
    execFileSync('mkfifo', [path.join(dir, 'pipe.db')]);
    const fx = makeFixtures();
    copyFileSync(path.join(fx, 'rollback.db'), path.join(dir, 'ok.db'));
    // A non-UTF-8 name, and a very deep path.
    execFileSync('python3', ['-c', 'import os,shutil,sys; shutil.copy(sys.argv[1], os.path.join(sys.argv[2].encode(), b"caf\\xe9.db"))', path.join(fx, 'rollback.db'), dir]);
    let deep = dir;
    for (let i = 0; i < 30; i++) deep = path.join(deep, 'a-rather-long-folder-name-for-depth');
    mkdirSync(deep, { recursive: true });
    copyFileSync(path.join(fx, 'rollback.db'), path.join(deep, 'deep.db'));
    const found: string[] = [];
    const problems: string[] = [];
    for await (const e of scanWorkspace(dir)) {
      if (e.kind === 'database') found.push(path.basename(e.relPath));
      if (e.kind === 'problem') problems.push(e.error);
    }
    assert.deepEqual(found.sort(), ['deep.db', 'ok.db']);
    assert.ok(problems.some((p) => /pipe\.db: not a regular file/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /caf\ufffd\.db: the file name is not valid UTF-8/.test(p)), problems.join('\n'));
  });

  it('a database over 4 GiB is read by its header only, quickly; case-only twins are both found', async () => {
    const dir = tempDir('sqlite-doctor-big-');
    const fx = makeFixtures();
    const big = path.join(dir, 'Big.db');
    copyFileSync(path.join(fx, 'rollback.db'), big);
    truncateSync(big, 5 * 2 ** 30); // sparse: 5 GiB on paper, a few KiB on disk
    copyFileSync(path.join(fx, 'rollback.db'), path.join(dir, 'big.db'));
    const started = Date.now();
    const found: string[] = [];
    for await (const e of scanWorkspace(dir)) if (e.kind === 'database') found.push(e.relPath);
    assert.deepEqual(found.sort(), ['Big.db', 'big.db']);
    const r = await inspectDatabase(big);
    assert.equal(r.deep.ran, false);
    assert.match(r.deep.skipped!, /5 GiB is above the 512 MiB limit/);
    assert.equal(r.pageCount, 26, 'the header page count is valid, so SQLite ignores the zero tail');
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });

  it('unreadable files become problems and the scan goes on', { skip: process.getuid?.() === 0 && 'root reads everything' }, async () => {
    const dir = tempDir('sqlite-doctor-perm-');
    const fx = makeFixtures();
    copyFileSync(path.join(fx, 'rollback.db'), path.join(dir, 'ok.db'));
    copyFileSync(path.join(fx, 'rollback.db'), path.join(dir, 'secret.db'));
    execFileSync('chmod', ['000', path.join(dir, 'secret.db')]);
    const events = [];
    for await (const e of scanWorkspace(dir)) events.push(e);
    assert.ok(events.some((e) => e.kind === 'database' && e.relPath === 'ok.db'));
    assert.ok(events.some((e) => e.kind === 'problem' && /secret\.db: permission denied/.test(e.error)));
  });
});
