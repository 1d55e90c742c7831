// Where the extension host's time goes next to a busy app: a V8 CPU profile
// of the extension host (taken from inside it by a tiny extension loaded next
// to ours, through node:inspector), cut to the seconds the app writes, summed
// by function and by who owns the code (our bundle, VS Code, Node). Our CLI
// children are separate processes: their CPU is counted from /proc by the
// live bench, not profiled here.
//
//   npx tsx bench/hostProfile.ts [busy|other|floor] [seconds] [bytes per commit]
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeBlobDb, startPython, tempDir } from '../test/helpers/fixtures';
import { extensionHostPid, noopExtension, ownCpuSeconds, threadCpuSeconds, treeCpuSeconds } from '../test/e2e/hostCost';
import { openWorkbench, palette, panelFrame } from '../test/e2e/workbench';
import { BUSY_APP } from './livePanel';

const PROFILER_JS = `
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
exports.activate = () => {
  const out = process.env.SQLITE_DOCTOR_HOST_PROFILE;
  if (!out) return;
  const session = new Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (err, r) => (err ? reject(err) : resolve(r))));
  (async () => {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 500 });
    await post('Profiler.start');
    // Allocations too, with the objects the GC already took (what makes the GC work).
    await post('HeapProfiler.enable');
    await post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    const wallStart = Date.now();
    setTimeout(async () => {
      const { profile } = await post('Profiler.stop');
      const { profile: heap } = await post('HeapProfiler.stopSampling');
      writeFileSync(out, JSON.stringify({ wallStart, profile, heap }));
    }, Number(process.env.SQLITE_DOCTOR_HOST_PROFILE_MS));
  })().catch((err) => writeFileSync(out + '.error', String(err)));
};
exports.deactivate = () => undefined;
`;

function profilerExtension(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'host-profiler', publisher: 'bench', version: '0.0.0', engines: { vscode: '^1.101.0' }, main: './extension.js', activationEvents: ['*'],
  }));
  writeFileSync(path.join(dir, 'extension.js'), PROFILER_JS);
  return dir;
}

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] }

/** Our bundle, as the profile names it (VS Code's built-in extensions have a dist/extension.js too). */
const OURS = pathToFileURL(path.resolve('dist/extension.js')).href;
const owner = (url: string): string => (url === OURS ? 'SQLite Doctor' : url.startsWith('node:') || url === '' ? 'Node / V8' : 'VS Code');

/** Self time (ms) per function and per owner, of the samples taken between `from` and `to` (wall clock, ms). */
export function summarise(file: string, from: number, to: number): { byOwner: Map<string, number>; byFunction: [string, number][]; total: number } {
  const { wallStart, profile } = JSON.parse(readFileSync(file, 'utf8')) as { wallStart: number; profile: CpuProfile };
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let t = 0;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    const at = wallStart + t / 1000;
    if (at < from || at > to) return;
    const { callFrame: f } = nodes.get(id)!;
    if (f.functionName === '(idle)') return;
    const ms = dt / 1000;
    total += ms;
    const who = f.functionName.startsWith('(') ? 'Node / V8' : owner(f.url);
    byOwner.set(who, (byOwner.get(who) ?? 0) + ms);
    const key = `${f.functionName || '(anonymous)'} ${path.basename(f.url)}:${f.lineNumber + 1} [${who}]`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  });
  return { byOwner, byFunction: [...byFunction].sort((a, b) => b[1] - a[1]), total };
}

async function main(): Promise<void> {
  const config = (['floor', 'other'] as const).find((c) => c === process.argv[2]) ?? 'busy';
  const seconds = Number(process.argv[3] ?? 20);
  const work = path.resolve('.cache/bench');
  const ws = tempDir('sqlite-doctor-bench-ws-');
  makeBlobDb(path.join(ws, 'a.db'), 20000, 2000, { index: true });
  makeBlobDb(path.join(ws, 'b.db'), 2000, 2000, { index: true, wal: true });
  const out = path.join(work, `host-${config}.cpuprofile.json`);
  rmSync(out, { force: true });
  process.env.SQLITE_DOCTOR_HOST_PROFILE = out;
  process.env.SQLITE_DOCTOR_HOST_PROFILE_MS = String((seconds + 40) * 1000);
  const extension = config === 'floor' ? noopExtension(path.join(work, 'noop-extension')) : path.resolve('.');
  const wb = await openWorkbench(tempDir('sqlite-doctor-bench-profile-'), ws, extension, [profilerExtension(path.join(work, 'host-profiler'))]);
  try {
    if (config !== 'floor') {
      await palette(wb.page, 'SQLite: Show Status Panel');
      const frame = await panelFrame(wb.page, 'grid');
      await frame.locator('tr', { hasText: config === 'other' ? 'a.db' : 'b.db' }).click();
      await panelFrame(wb.page, 'checklist');
    }
    await wb.page.waitForTimeout(5000);
    const host = extensionHostPid(wb.server.pid);
    const before = treeCpuSeconds(host);
    const ownBefore = ownCpuSeconds(host);
    const threadsBefore = threadCpuSeconds(host);
    const from = Date.now();
    const app = await startPython(BUSY_APP, [path.join(ws, 'b.db'), String(seconds), process.argv[4] ?? '2000']);
    await new Promise((r) => app.child.on('exit', r));
    await wb.page.waitForTimeout(3000);
    const to = Date.now();
    const cpu = treeCpuSeconds(host) - before;
    const own = ownCpuSeconds(host) - ownBefore;
    const threads = [...threadCpuSeconds(host)].map(([name, sec]) => [name, sec - (threadsBefore.get(name) ?? 0)] as const).filter(([, sec]) => sec > 0.005);
    for (let i = 0; i < 60; i++) {
      try { readFileSync(out); break; } catch { await wb.page.waitForTimeout(1000); }
    }
    const { byOwner, byFunction, total } = summarise(out, from, to);
    const s = (to - from) / 1000;
    console.log(`${config}: extension host + children ${cpu.toFixed(2)} s CPU over ${s.toFixed(1)} s: the host process ${own.toFixed(2)} s (its JS thread sampled busy ${(total / 1000).toFixed(2)} s), its children ${(cpu - own).toFixed(2)} s`);
    console.log(`  threads of the host: ${threads.sort((a, b) => b[1] - a[1]).map(([name, sec]) => `${name} ${sec.toFixed(2)} s`).join(', ')}`);
    for (const [who, ms] of [...byOwner].sort((a, b) => b[1] - a[1])) console.log(`  ${who}: ${(ms / 1000).toFixed(3)} s (${((100 * ms) / 1000 / s).toFixed(1)}% of a core)`);
    console.log('top functions (self time):');
    for (const [k, ms] of byFunction.slice(0, 30)) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${k}`);
  } finally {
    await wb.close();
  }
}

if (require.main === module) void main();
