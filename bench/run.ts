// `npm run bench`: speed and memory against baselines measured in the same
// run on the same data. `--quick` runs smaller sizes (a smoke run).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fmtMiB, fmtMs, median, run } from './measure';
import { benchAppConfig, benchVsixSize } from './appConfig';
import { benchLivePanel } from './livePanel';
import { benchOps } from './ops';
import { benchPanel } from './panel';
import { benchSampling } from './sampling';
import { benchScan, benchStart, benchWalkStrategies } from './scanSpeed';
import { benchSpaceShapes } from './spaceShapes';

const QUICK = process.argv.includes('--quick');
/** `--only-scan`: the scan and CLI start rows alone (the README table is left as it is). */
const ONLY_SCAN = process.argv.includes('--only-scan');
/** `--only-live`: the busy-app rows alone (printed; the README table is left as it is). */
const ONLY_LIVE = process.argv.includes('--only-live');
/** `--only-ops`: VACUUM and backup of the 1 and 2.5 GiB databases against the sqlite3 shell (not in the default run: minutes of I/O). */
const ONLY_OPS = process.argv.includes('--only-ops');
const WORK = path.resolve('.cache/bench');
const CLI = path.resolve('bin/sqlite-doctor.js');
const lines: string[] = [];
const say = (s = '') => { console.log(s); lines.push(s); };

function makeBigDb(file: string, mib: number, walMiB: number): void {
  if (existsSync(file)) return;
  // Real SQLite writes it; the -wal is left behind by a writer that dies with its connection open.
  execFileSync('python3', ['-c', `
import os, sqlite3, sys
path, mib, wal = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
con = sqlite3.connect(path, isolation_level=None)
con.execute("PRAGMA journal_mode=wal")
con.execute("CREATE TABLE blobs(id INTEGER PRIMARY KEY, b BLOB)")
con.execute("CREATE TABLE small(id INTEGER PRIMARY KEY, v TEXT)")
con.execute("BEGIN")
for i in range(mib * 16):
    con.execute("INSERT INTO blobs(b) VALUES (randomblob(65000))")
con.executemany("INSERT INTO small(v) VALUES (?)", [("row%d" % i,) for i in range(10000)])
con.execute("COMMIT")
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.execute("PRAGMA wal_autocheckpoint=0")
con.execute("BEGIN")
for i in range(wal * 16):
    con.execute("INSERT INTO blobs(b) VALUES (randomblob(65000))")
con.execute("COMMIT")
os._exit(0)
`, file, String(mib), String(walMiB)]);
}

async function headerBench(mib: number, walMiB: number): Promise<void> {
  const dir = path.join(WORK, `db-${mib}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'big.db');
  makeBigDb(file, mib, walMiB);
  const size = statSync(file).size;
  const ours = await median(5, () => run(process.execPath, [CLI, 'inspect', file, '--header-only', '--json']));
  const node = await median(5, () => run(process.execPath, ['-e', '']));
  // The sqlite3 shell reads page_count on a private copy, so its WAL recovery and checkpoint-on-close cannot touch our file.
  const copy = path.join(dir, 'copy.db');
  const shell = await median(5, () => run('sh', ['-c', `cp ${file} ${copy} && cp ${file}-wal ${copy}-wal && sqlite3 ${copy} "pragma page_count" && rm -f ${copy}*`]));
  const copyOnly = await median(5, () => run('sh', ['-c', `cp ${file} ${copy} && cp ${file}-wal ${copy}-wal && rm -f ${copy}*`]));
  const shellMs = shell.ms - copyOnly.ms;
  const inProcess = JSON.parse(execFileSync(path.resolve('node_modules/.bin/tsx'), ['bench/headerInProcess.ts', file]).toString()) as { cold: number; warm: number };
  say(`| header facts of a ${(size / 2 ** 20).toFixed(0)} MiB db + ${walMiB} MiB -wal | inspect --header-only | CLI: ${fmtMs(ours.ms - node.ms)} ms beyond Node's own start (${fmtMs(ours.ms)} ms wall), ${fmtMiB(ours.rssKiB)} MiB peak; in-process: ${fmtMs(inProcess.cold)} ms cold, ${fmtMs(inProcess.warm)} ms warm | sqlite3 "pragma page_count" ≈ ${fmtMs(shellMs)} ms → CLI **${((ours.ms - node.ms) / shellMs).toFixed(2)}×** |`);
}

async function deepBench(mib: number): Promise<void> {
  const dir = path.join(WORK, `db-${mib}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'big.db');
  makeBigDb(file, mib, Math.max(1, Math.round(mib / 10)));
  const size = statSync(file).size + statSync(`${file}-wal`).size;
  const ours = await median(1, () => run(process.execPath, [CLI, 'inspect', file, '--json', '--max-size', '2047']));
  const copy = path.join(dir, 'copy.db');
  const sql = '"select count(*) from blobs; select count(*) from small; pragma quick_check"';
  const shell = await median(1, () => run('sh', ['-c', `cp ${file} ${copy} && cp ${file}-wal ${copy}-wal && sqlite3 ${copy} ${sql} && rm -f ${copy}*`]));
  const copyOnly = await median(1, () => run('sh', ['-c', `cp ${file} ${copy} && cp ${file}-wal ${copy}-wal && rm -f ${copy}*`]));
  const bounded = await run(process.execPath, [CLI, 'inspect', file, '--json']);
  const skipped = (JSON.parse(bounded.stdout) as { deep: { ran: boolean } }).deep.ran ? 'inspected' : 'header only (above the 512 MiB default)';
  say(`| deep inspection of ${(size / 2 ** 20).toFixed(0)} MiB (db + wal) | tables, row counts, quick_check | ${fmtMs(ours.ms)} ms, ${fmtMiB(ours.rssKiB)} MiB peak; default bound: ${skipped} | sqlite3 same queries ${fmtMs(shell.ms - copyOnly.ms)} ms, ${fmtMiB(shell.rssKiB)} MiB → **${(ours.ms / (shell.ms - copyOnly.ms)).toFixed(1)}×** time |`);
}

/**
 * Space per table and index at any size: our b-tree walk against the sqlite3
 * shell's dbstat on a copy (its WAL recovery must not touch our file; the
 * copy's time is measured and subtracted), and `inspect` above the sql.js
 * bound still listing every table with its row count.
 */
async function spaceBench(mib: number): Promise<void> {
  const dir = path.join(WORK, `db-${mib}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'big.db');
  makeBigDb(file, mib, Math.max(1, Math.round(mib / 10)));
  const size = statSync(file).size + statSync(`${file}-wal`).size;
  const ours = await median(1, () => run(process.execPath, [CLI, 'space', file, '--json']));
  const copy = path.join(dir, 'copy.db');
  const shell = await median(1, () => run('sh', ['-c', `cp ${file} ${copy} && cp ${file}-wal ${copy}-wal && sqlite3 ${copy} "SELECT name, count(*) FROM dbstat GROUP BY name" && rm -f ${copy}*`]));
  const copyOnly = await median(1, () => run('sh', ['-c', `cp ${file} ${copy} && cp ${file}-wal ${copy}-wal && rm -f ${copy}*`]));
  const inspect = JSON.parse((await run(process.execPath, [CLI, 'inspect', file, '--json', '--max-size', '16'])).stdout) as { tables: { name: string; rows: number | null }[] };
  const shellMs = Math.max(1, shell.ms - copyOnly.ms);
  say(`| space per table of ${(size / 2 ** 20).toFixed(0)} MiB (db + wal) | b-tree walk; inspect above the sql.js bound lists ${inspect.tables.map((t) => `${t.name} ${t.rows}`).join(', ')} | ${fmtMs(ours.ms)} ms, ${fmtMiB(ours.rssKiB)} MiB peak | sqlite3 dbstat GROUP BY name ${fmtMs(shellMs)} ms, ${fmtMiB(shell.rssKiB)} MiB → **${(ours.ms / shellMs).toFixed(2)}×** time |`);
}

async function deepBenches(): Promise<void> {
  for (const mib of QUICK ? [16] : [10, 100, 1024]) await deepBench(mib);
}

/**
 * App config parsing must grow linearly with file size (a crafted 400 KB
 * settings.py took 11.7 s before): `app-settings` on files of growing size,
 * against grep reading the same bytes in the same run.
 */
async function configBench(): Promise<void> {
  const sizes = QUICK ? [100, 400] : [100, 200, 400, 800];
  const rows: { kb: number; ms: number; grep: number }[] = [];
  for (const kb of sizes) {
    const dir = path.join(WORK, `config-${kb}`);
    mkdirSync(path.join(dir, 'proj'), { recursive: true });
    const unit = '    "ENGINE": "django.db.backends.sqlite3", dj_database_url.config(default=\n';
    writeFileSync(path.join(dir, 'proj', 'settings.py'), `DATABASES = {\n${unit.repeat(Math.floor((kb * 1024) / unit.length))}}\n`);
    const js = ".exec('" + 'x'.repeat(50) + "\n new Database('a.db', {";
    writeFileSync(path.join(dir, 'app.js'), `require('better-sqlite3')\n${js.repeat(Math.floor((kb * 1024) / js.length))}`);
    const ours = await median(3, () => run(process.execPath, [CLI, 'app-settings', dir, '--json']));
    const grep = await median(3, () => run('sh', ['-c', `grep -c -e ENGINE -e Database ${dir}/proj/settings.py ${dir}/app.js`]));
    rows.push({ kb, ms: ours.ms, grep: grep.ms });
  }
  const first = rows[0]!;
  const last = rows.at(-1)!;
  say(`| app config parsing, crafted settings.py + app.js of ${sizes.join(' / ')} KB each | time grows ${(last.ms / first.ms).toFixed(1)}× for ${last.kb / first.kb}× the bytes | ${rows.map((r) => `${fmtMs(r.ms)} ms`).join(' / ')} | grep over the same files ${rows.map((r) => `${fmtMs(r.grep)} ms`).join(' / ')} (before this round: 2.1 s / 9.0 s / 33 s at 100 / 200 / 400 KB) |`);
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  execFileSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
  say(`Run ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${QUICK ? ' (quick)' : ''}.`);
  say('');
  say('| what | result | ours | baseline (same run) |');
  say('|---|---|---|---|');
  if (ONLY_LIVE) return benchLivePanel(say, WORK, QUICK ? 10 : 30);
  if (ONLY_OPS) return benchOps(say, QUICK ? [64] : [1024, 2560], QUICK ? 1 : 3);
  await benchStart(say, QUICK ? 10 : 20);
  await benchScan(say, WORK, QUICK ? [2000, 10000] : [10000, 50000, 200000, 500000], 5);
  benchWalkStrategies(say, WORK, QUICK ? 10000 : 200000, 5);
  if (ONLY_SCAN) return;
  for (const [mib, wal] of QUICK ? [[16, 4]] : [[64, 8], [256, 32], [1024, 100]]) await headerBench(mib!, wal!);
  await deepBenches();
  for (const mib of QUICK ? [16] : process.argv.includes('--huge') ? [64, 1024, 4096] : [64, 1024]) await spaceBench(mib);
  if (!QUICK) await benchSpaceShapes(say, WORK);
  await benchPanel(say, QUICK ? 50 : 200);
  await configBench();
  await benchAppConfig(QUICK, say);
  await benchVsixSize(say);
  await benchSampling(say, QUICK ? 3 : 10);
  await benchLivePanel(say, WORK, QUICK ? 10 : 30);
  if (!QUICK) updateReadme();
}

/** Replaces the results section of bench/README.md with this run's table. */
function updateReadme(): void {
  const file = 'bench/README.md';
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('<!-- results -->');
  const end = text.indexOf('<!-- /results -->');
  if (start < 0 || end < 0) return;
  writeFileSync(file, `${text.slice(0, start)}<!-- results -->\n${lines.join('\n')}\n${text.slice(end)}`);
}
void main();
