// Which traversal uses the cores best, measured in one process on the same
// tree (`tsx bench/walkStrategies.ts DIR ROUNDS`, run by bench/run.ts): the
// walk alone, no header read (an include glob that matches nothing), so the
// strategies differ only in how folders are listed. Prints JSON medians.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { setBlockingIo } from '../src/sqlite/os/fileio';
import { scanWorkspace } from '../src/workspace/scan';

const [dir, roundsArg] = process.argv.slice(2) as [string, string];
const NOTHING = ['**/no file is named like this'];

/** A pool of thread-pool readdir calls kept in flight (libuv's 4 threads), the main thread turning results into Dirents. */
async function threadPoolWalk(root: string, inFlight: number): Promise<number> {
  let folders = 0;
  const queue = [root];
  let active = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (active < inFlight && queue.length > 0) {
        const d = queue.pop()!;
        active++;
        fsp.readdir(d, { withFileTypes: true }).then((entries) => {
          folders++;
          for (const e of entries) if (e.isDirectory() && e.name !== 'node_modules' && e.name !== '.git') queue.push(path.join(d, e.name));
        }, () => undefined).finally(() => {
          active--;
          if (queue.length === 0 && active === 0) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  return folders;
}

async function scanWalk(threads: number): Promise<number> {
  let folders = 0;
  for await (const ev of scanWorkspace(dir, { include: NOTHING, threads, walkHere: true })) if (ev.kind === 'progress') folders = ev.directories;
  return folders;
}

async function main(): Promise<void> {
  setBlockingIo(true);
  const strategies: Record<string, () => Promise<number>> = {
    'thread-pool readdir, 16 in flight': () => threadPoolWalk(dir, 16),
    'blocking readdir, one thread': () => scanWalk(0),
    'blocking readdir, this thread + 1 helper': () => scanWalk(1),
    'blocking readdir, this thread + 3 helpers': () => scanWalk(3),
  };
  const times = new Map<string, number[]>(Object.keys(strategies).map((k) => [k, []]));
  const folders = new Map<string, number>();
  for (let r = 0; r <= Number(roundsArg); r++) {
    for (const [name, walk] of Object.entries(strategies)) {
      const started = performance.now();
      folders.set(name, await walk());
      // Round 0 warms the file system cache and the JIT.
      if (r > 0) times.get(name)!.push(performance.now() - started);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(JSON.stringify(Object.fromEntries([...times].map(([k, v]) => [k, { ms: median(v), folders: folders.get(k) }]))));
}
void main();
