import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { bigDatabase } from './helpers/bigDb';
import { tempDir } from './helpers/fixtures';

/**
 * The operations at a size where a fixed deadline used to kill them: a
 * 2.5 GiB database (made once, cached in .cache/bigdb/), worked on as a copy
 * in a temporary folder. Each step is the CLI a person runs, verified by
 * SQLite afterwards. About 65 s on 2 cores once the file is cached (making it: 20 s).
 */
const BIN = path.join(__dirname, '..', 'bin', 'sqlite-doctor.js');

function cli(...args: string[]): { outcome: string; message: string; [k: string]: unknown } {
  const r = spawnSync(process.execPath, [BIN, ...args, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, `${args[0]}: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout) as { outcome: string; message: string };
}

function sqlite(file: string, sql: string): string[] {
  return execFileSync('sqlite3', [`file:${file}?mode=ro`, sql], { encoding: 'utf8' }).trim().split('\n');
}

describe('operations on a 2.5 GiB database', () => {
  it('vacuum, vacuum --busy-timeout 0, set page_size=8192 and backup complete and verify', { timeout: 900_000 }, (t) => {
    const big = bigDatabase(2560);
    assert.ok(statSync(big.file).size >= 2.5 * 2 ** 30, 'at least 2.5 GiB');
    const dir = tempDir();
    const file = path.join(dir, 'big.db');
    const counts = `${big.blobs}\n${big.rows}`;
    try {
      const step = <T>(what: string, f: () => T): T => {
        const started = Date.now();
        const r = f();
        t.diagnostic(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return r;
      };
      step('copy', () => execFileSync('cp', ['--reflink=auto', big.file, file]));
      const vacuumed = step('vacuum', () => cli('vacuum', file));
      assert.equal(vacuumed.outcome, 'done', vacuumed.message);
      assert.ok(statSync(file).size < statSync(big.file).size, 'the deleted blobs were given back');
      const again = step('vacuum --busy-timeout 0', () => cli('vacuum', file, '--busy-timeout', '0'));
      assert.equal(again.outcome, 'done', again.message);
      const resized = step('set page_size=8192', () => cli('set', file, 'page_size=8192'));
      assert.equal(resized.outcome, 'done', resized.message);
      assert.deepEqual(sqlite(file, 'PRAGMA page_size; SELECT count(*) FROM blobs; SELECT count(*) FROM small'), ['8192', ...counts.split('\n')]);
      const dest = path.join(dir, 'backup.db');
      const backup = step('backup', () => cli('backup', file, dest)) as { outcome: string; message: string; verified?: { integrity: string; matchesSource: boolean } };
      assert.equal(backup.outcome, 'done', backup.message);
      assert.deepEqual([backup.verified?.integrity, backup.verified?.matchesSource], ['ok', true]);
      assert.deepEqual(step('quick_check of the backup', () => sqlite(dest, 'PRAGMA quick_check; SELECT count(*) FROM blobs; SELECT count(*) FROM small')), ['ok', ...counts.split('\n')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
