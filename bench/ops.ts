import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bigDatabase } from '../test/helpers/bigDb';
import { Sample, fmtMiB, fmtMs, run } from './measure';

/**
 * VACUUM and backup through our CLI against the sqlite3 shell doing the
 * same on an identical copy, interleaved and in alternating order (the
 * kernel writing back one run's dirty pages must not bill the next), each
 * after a `sync`, on the cached 1 and 2.5 GiB databases. Our backup proves its copy (integrity_check,
 * journal mode, row counts); the shell's row does the same after `.backup`,
 * and the bare `.backup` time is given beside it.
 */
const CLI = path.resolve('bin/sqlite-doctor.js');

export async function benchOps(say: (s: string) => void, sizesMiB: number[], rounds: number): Promise<void> {
  for (const mib of sizesMiB) {
    const big = bigDatabase(mib);
    const gib = (statSync(big.file).size / 2 ** 30).toFixed(2);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sqlite-doctor-ops-'));
    try {
      const fresh = (name: string) => {
        const p = path.join(dir, name);
        execFileSync('cp', ['--reflink=auto', big.file, p]);
        return p;
      };
      const ours: Sample[] = [];
      const shell: Sample[] = [];
      for (let i = 0; i < rounds; i++) {
        const runs = [
          async () => ours.push(await settled(() => run(process.execPath, [CLI, 'vacuum', fresh('ours.db'), '--json']))),
          async () => shell.push(await settled(() => run('sqlite3', [fresh('shell.db'), 'VACUUM']))),
        ];
        for (const r of i % 2 ? runs.reverse() : runs) await r();
        rmSync(path.join(dir, 'ours.db'));
        rmSync(path.join(dir, 'shell.db'));
      }
      row(say, `VACUUM of a ${gib} GiB database`, '`vacuum` (preflight, VACUUM, quick_check by a fresh connection)', ours, shell, 'sqlite3 FILE "VACUUM"');

      const src = fresh('src.db');
      const proof = `PRAGMA integrity_check; PRAGMA journal_mode; ${['blobs', 'small'].map((t) => `SELECT count(*) FROM ${t};`).join(' ')}`;
      const oursBackup: Sample[] = [];
      const shellBackup: Sample[] = [];
      const bare: Sample[] = [];
      for (let i = 0; i < rounds; i++) {
        const runs = [
          async () => oursBackup.push(await settled(() => run(process.execPath, [CLI, 'backup', src, path.join(dir, 'ours-copy.db'), '--json']))),
          async () => shellBackup.push(await settled(() => run('sh', ['-c', `sqlite3 ${src} ".backup ${dir}/shell-copy.db" && sqlite3 ${dir}/shell-copy.db "${proof}" >/dev/null`]))),
        ];
        for (const r of i % 2 ? runs.reverse() : runs) await r();
        rmSync(path.join(dir, 'shell-copy.db'));
        bare.push(await settled(() => run('sqlite3', [src, `.backup ${dir}/shell-copy.db`])));
        rmSync(path.join(dir, 'ours-copy.db'));
        rmSync(path.join(dir, 'shell-copy.db'));
      }
      row(say, `backup of a ${gib} GiB database`, '`backup` (one snapshot, proved: integrity_check, journal mode, row counts; synced, renamed)', oursBackup, shellBackup, `sqlite3 ".backup" + the same proof (bare ".backup": ${fmtMs(medianMs(bare))} ms)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** The dirty pages of the copy just made are written back first: they are not the measured run's work. */
async function settled(f: () => Promise<Sample>): Promise<Sample> {
  execFileSync('sync');
  return f();
}

function medianMs(samples: Sample[]): number {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)]!;
}

function row(say: (s: string) => void, what: string, how: string, ours: Sample[], shell: Sample[], baseline: string): void {
  const o = medianMs(ours);
  const s = medianMs(shell);
  const rss = Math.max(...ours.map((x) => x.rssKiB));
  say(`| ${what} | ${how}, median of ${ours.length} | ${fmtMs(o)} ms, ${fmtMiB(rss)} MiB peak (CLI) | ${baseline} ${fmtMs(s)} ms → **${(o / s).toFixed(2)}×** |`);
}
