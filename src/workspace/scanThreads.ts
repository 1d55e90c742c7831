import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ScanFilter } from './candidates';
import { ScanBatch, ScanPart } from './scanPart';
import { BatchMessage, ScanJob, WorkMessage } from './scanProtocol';
import { realPathOf } from '../sqlite/os/fileio';
import type { Log } from '../shared/log';
import { WalkDir, yieldToEventLoop } from './walk';

/**
 * Runs a scan over all cores: this thread and/or helper threads
 * (scanWorker.ts) each walk part of the tree and read the headers they meet,
 * and this thread collects the batches. Work moves by sharing: a thread out
 * of folders raises the `hungry` count, a busy one hands over half of the
 * folders still on its stack (the shallowest, so the biggest subtrees) at
 * its next slice boundary, and the coordinator passes them on.
 *
 * Why threads and not a pool of thread-pool readdir calls (bench/README.md,
 * 2 cores): for the walk alone the two tie (both ≈0.8× one thread's blocking
 * walk), but with the pool every header read is a thread-pool round trip on
 * the one JS thread as well (the whole scan of 200,000 files took 1.0 s that
 * way), and the pool stops at libuv's 4 threads with one JS thread making
 * every directory entry, while each helper brings its own JS thread.
 */

export interface ThreadOptions {
  threads: number;
  walkHere: boolean;
  followSymlinks: boolean;
  signal?: AbortSignal;
  /** Told when a helper thread cannot start (the scan then goes on without it). */
  log?: Log;
}

const MAX_HELPERS = 7;
/**
 * A helper thread takes ~50-70 ms to start here (≈ 800 more folders walked
 * meanwhile), a process cannot exit while one is still starting, and on 2
 * cores a second isolate compiling and collecting garbage competes with this
 * one. Measured (bench, interleaved, several runs), helpers started after
 * 100-400 folders cost 25-45 ms on trees of 10,000-50,000 files and saved
 * 30-90 ms at 200,000 and up to 170 ms at 500,000; started after 1,000-1,500
 * folders they arrived too late to help at 200,000. The big trees are the
 * ones worth the cores, so a thread that walks too (the CLI) starts helpers
 * once it has read this many folders with more still to read. Counted in
 * folders, not time, because the first slices' time goes to reading headers.
 */
const HELPERS_AFTER_FOLDERS = 300;

/** One helper per spare core (the coordinating thread has the other), at most MAX_HELPERS. */
export function defaultHelpers(): number {
  return Math.max(0, Math.min(MAX_HELPERS, os.availableParallelism() - 1));
}

/**
 * The bundled helper beside this bundle (dist/), or, run from src/ (tests),
 * the TypeScript source, required through tsx's require hook as the parent's
 * own modules are.
 */
export function startWorker(workerData: ScanJob): Worker {
  const bundled = path.join(__dirname, 'scanWorker.js');
  if (existsSync(bundled)) return new Worker(bundled, { workerData });
  const source = path.join(__dirname, 'scanWorker.ts');
  return new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(source)});`, { eval: true, workerData });
}

interface Helper {
  worker: Worker;
  state: 'starting' | 'idle' | 'busy' | 'gone';
}

/** `start` is the seam a test uses to make a helper fail to start. */
export async function* scanInThreads(root: string, filter: ScanFilter, options: ThreadOptions, start = startWorker): AsyncGenerator<ScanBatch> {
  const rootDir: WalkDir = { abs: root, rel: '' };
  // Following links, each thread would keep its own visited set and a folder reached two ways could be listed twice.
  const threads = options.followSymlinks ? 0 : options.threads;
  const walkHere = options.walkHere || threads === 0;
  const rootIsReal = (await realPathOf(root)) === root;
  let own = walkHere ? new ScanPart(0, filter, rootIsReal, options.followSymlinks, [rootDir]) : undefined;
  const pool: WalkDir[] = own ? [] : [rootDir];
  const hungryBuffer = new SharedArrayBuffer(4);
  const hungry = new Int32Array(hungryBuffer);
  const helpers: Helper[] = [];
  const inbox: { helper: Helper; message: BatchMessage }[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => { wake?.(); wake = undefined; };
  let ownFolders = 0;

  const spawnHelpers = () => {
    for (let i = 1; i <= threads; i++) {
      const job: ScanJob = { thread: i, allFiles: filter.allFiles, rootIsReal, exclude: [...filter.excludeGlobs], include: [...filter.includeGlobs], hungry: hungryBuffer };
      const helper: Helper = { worker: start(job), state: 'starting' };
      helper.worker.unref();
      helper.worker.on('message', (message: BatchMessage) => { inbox.push({ helper, message }); notify(); });
      helper.worker.on('error', (err) => lost(helper, err.message));
      helper.worker.on('exit', (code) => { if (code !== 0) lost(helper, `exit code ${code}`); });
      helpers.push(helper);
    }
  };
  // A helper without folders (still starting, or idle) lost nothing: the scan goes on without it. One that had folders lost them: the scan fails rather than report a part as the whole.
  const lost = (helper: Helper, reason: string) => {
    if (helper.state === 'gone') return;
    if (helper.state !== 'busy') options.log?.warn(`scan: a helper thread ${helper.state === 'starting' ? 'could not start' : 'stopped'} (${reason}); going on without it`);
    else failure = new Error(`scan helper thread failed: ${reason}`);
    helper.state = 'gone';
    notify();
  };
  const ownIdle = () => own !== undefined && own.walk.pending === 0;
  const assign = () => {
    if (own && ownIdle() && pool.length > 0) own.walk.add(pool.splice(0, Math.ceil(pool.length / 2)));
    const idle = helpers.filter((h) => h.state === 'idle');
    for (let i = 0; i < idle.length && pool.length > 0; i++) {
      const message: WorkMessage = { kind: 'work', dirs: pool.splice(0, Math.ceil(pool.length / (idle.length - i))) };
      idle[i]!.state = 'busy';
      idle[i]!.worker.postMessage(message);
    }
    Atomics.store(hungry, 0, helpers.filter((h) => h.state === 'idle').length + (ownIdle() ? 1 : 0));
  };

  options.signal?.addEventListener('abort', notify, { once: true });
  try {
    if (!own) spawnHelpers();
    while (!options.signal?.aborted) {
      if (failure) throw failure;
      for (const { helper, message } of inbox.splice(0)) {
        const { kind: _k, offered, idle, ...batch } = message;
        pool.push(...offered);
        if (idle) helper.state = 'idle';
        if (batch.directories || batch.events.length || batch.links.length) yield batch;
      }
      // No helper could start: this thread walks after all.
      if (!own && helpers.every((h) => h.state === 'gone')) own = new ScanPart(0, filter, rootIsReal, options.followSymlinks, pool.splice(0));
      assign();
      if (own && own.walk.pending > 0) {
        const batch = await own.step();
        ownFolders += batch.directories;
        yield batch;
        if (helpers.length === 0 && threads > 0 && own.walk.pending >= 2 && ownFolders >= HELPERS_AFTER_FOLDERS) spawnHelpers();
        if (Atomics.load(hungry, 0) > 0 && own.walk.pending >= 2) pool.push(...own.walk.share());
        assign();
      }
      const busy = helpers.some((h) => h.state === 'busy');
      // Helpers still starting hold no folders: they are not waited for.
      if ((!own || ownIdle()) && pool.length === 0 && !busy) break;
      if (own && own.walk.pending > 0) await yieldToEventLoop();
      else if (inbox.length === 0 && !failure) await new Promise<void>((resolve) => { wake = resolve; });
    }
  } finally {
    options.signal?.removeEventListener('abort', notify);
    for (const h of helpers) {
      h.state = 'gone';
      void h.worker.terminate();
    }
  }
}
