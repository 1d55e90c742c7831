// Scan speed against `find -type f` and `fd` on the same trees in the same
// run, and the CLI's start against Node's own. Contenders run interleaved
// (round-robin), after a warm-up round that fills the file system cache, so
// a slow spell of a shared machine lands on all of them alike.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Sample, fmtMiB, fmtMs, run } from './measure';

type Say = (line?: string) => void;
const CLI = path.resolve('bin/sqlite-doctor.js');

/**
 * NODE_EXTRA_CA_CERTS makes every Node process load a CA bundle at start
 * (≈ 80 ms on the machine this was written on); it is a setting of that
 * machine, not of Node or of this tool, so it is left out of every child's
 * environment, ours and the baselines' alike.
 */
function benchEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Contender {
  name: string;
  cmd: string;
  args: string[];
}

/** Median sample per contender: one warm-up round, then `rounds` rounds in turn. */
async function interleaved(rounds: number, contenders: Contender[]): Promise<Map<string, Sample>> {
  const env = benchEnv();
  const samples = new Map<string, Sample[]>(contenders.map((c) => [c.name, []]));
  for (const c of contenders) await run(c.cmd, c.args, { env });
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) samples.get(c.name)!.push(await run(c.cmd, c.args, { env }));
  }
  return new Map([...samples].map(([name, s]) => [name, s.sort((a, b) => a.ms - b.ms)[Math.floor(s.length / 2)]!]));
}

function makeTree(work: string, files: number): { dir: string; expected: string[]; magicOnly: string } {
  const dir = path.join(work, `tree-${files}`);
  const manifestFile = `${dir}.json`;
  if (!existsSync(manifestFile)) {
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(manifestFile, execFileSync('python3', ['bench/make_tree.py', dir, String(files)], { maxBuffer: 1 << 26 }));
  }
  return { dir, ...(JSON.parse(readFileSync(manifestFile, 'utf8')) as { expected: string[]; magicOnly: string }) };
}

const found = (s: Sample) => (JSON.parse(s.stdout) as { databases: { path: string }[] }).databases.map((d) => d.path);

export async function benchScan(say: Say, work: string, sizes: number[], rounds: number): Promise<void> {
  const fd = hasCommand('fdfind') ? 'fdfind' : hasCommand('fd') ? 'fd' : undefined;
  for (const files of sizes) {
    const tree = makeTree(work, files);
    const contenders: Contender[] = [
      { name: 'find', cmd: 'find', args: [tree.dir, '-type', 'f'] },
      ...(fd ? [{ name: 'fd', cmd: fd, args: ['--unrestricted', '--type', 'f', '.', tree.dir] }] : []),
      { name: 'node', cmd: process.execPath, args: ['-e', ''] },
      { name: 'scan', cmd: process.execPath, args: [CLI, 'scan', tree.dir, '--json'] },
      { name: 'scan1', cmd: process.execPath, args: [CLI, 'scan', tree.dir, '--json', '--threads', '0'] },
    ];
    const m = await interleaved(rounds, contenders);
    const all = await run(process.execPath, [CLI, 'scan', tree.dir, '--json', '--all-files'], { env: benchEnv() });
    const [find, scan, scan1, node] = [m.get('find')!, m.get('scan')!, m.get('scan1')!, m.get('node')!];
    const expected = new Set(tree.expected);
    const ours = found(scan);
    const hits = ours.filter((p) => expected.has(p)).length;
    const withAll = found(all);
    const allHits = withAll.filter((p) => expected.has(p) || p === tree.magicOnly).length;
    const ratio = (s: Sample) => `**${(s.ms / find.ms).toFixed(2)}×**`;
    const fdCell = m.get('fd') ? `; fd ${fmtMs(m.get('fd')!.ms)} ms (${(m.get('fd')!.ms / find.ms).toFixed(2)}× find)` : '; fd not installed';
    say(`| scan ${files.toLocaleString('en-US')} files | ${hits}/${expected.size} found, ${ours.length - hits} false positives; --all-files ${allHits}/${expected.size + 1}, ${withAll.length - allHits} false positives | all cores: ${fmtMs(scan.ms)} ms → ${ratio(scan)} find, ${fmtMs(scan.ms - node.ms)} ms beyond Node's start, ${fmtMiB(scan.rssKiB)} MiB peak; one thread: ${fmtMs(scan1.ms)} ms → ${ratio(scan1)}, ${fmtMiB(scan1.rssKiB)} MiB | find -type f ${fmtMs(find.ms)} ms${fdCell}; node -e '' ${fmtMs(node.ms)} ms |`);
  }
}

/** `sqlite-doctor --version` against `node -e ''`: what loading the CLI costs before any work. */
export async function benchStart(say: Say, rounds: number): Promise<void> {
  const m = await interleaved(rounds, [
    { name: 'node', cmd: process.execPath, args: ['-e', ''] },
    { name: 'version', cmd: process.execPath, args: [CLI, '--version'] },
  ]);
  const [node, version] = [m.get('node')!, m.get('version')!];
  say(`| CLI start | sqlite-doctor --version, median of ${rounds} | ${fmtMs(version.ms)} ms, ${fmtMiB(version.rssKiB)} MiB | node -e '' ${fmtMs(node.ms)} ms, ${fmtMiB(node.rssKiB)} MiB → **+${fmtMs(version.ms - node.ms)} ms** |`);
}

/**
 * The walk alone, strategy by strategy, in one process (bench/walkStrategies.ts).
 * Only 2 cores here: the row says so, and what more cores would change is a
 * projection from how the helpers scale, not a measurement.
 */
export function benchWalkStrategies(say: Say, work: string, files: number, rounds: number): void {
  const tree = makeTree(work, files);
  // Bundled beside dist/scanWorker.js, so the helpers start as they do for users (not through tsx).
  const script = path.resolve('dist/bench-walkStrategies.js');
  execFileSync(path.resolve('node_modules/.bin/esbuild'), ['bench/walkStrategies.ts', '--bundle', '--platform=node', `--outfile=${script}`, '--log-level=error']);
  let text: string;
  try {
    text = execFileSync(process.execPath, [script, tree.dir, String(rounds)], { env: benchEnv(), encoding: 'utf8' });
  } finally {
    rmSync(script, { force: true });
  }
  const out = JSON.parse(text) as Record<string, { ms: number; folders: number }>;
  const base = out['blocking readdir, one thread']!.ms;
  say(`| walk strategies, ${files.toLocaleString('en-US')} files, in-process (no headers read), median of ${rounds} | ${Object.values(out)[0]!.folders} folders each | ${Object.entries(out).map(([k, v]) => `${k}: ${fmtMs(v.ms)} ms (${(v.ms / base).toFixed(2)}×)`).join('; ')} | ${os.availableParallelism()} cores: helpers beyond the spare cores only add contention |`);
}
