import { parentPort, workerData } from 'node:worker_threads';
import { setBlockingIo } from '../sqlite/os/fileio';
import { ScanFilter } from './candidates';
import { ScanPart } from './scanPart';
import { BatchMessage, ScanJob, isWorkMessage } from './scanProtocol';

/**
 * A scan helper thread (bundled as dist/scanWorker.js): walks the folders it
 * is given and reads the headers of the databases it meets. This thread does
 * nothing else, so its file system calls block: far cheaper per call than
 * thread-pool round trips, and no event loop here has anyone to keep waiting.
 */
setBlockingIo(true);
const job = workerData as ScanJob;
const hungry = new Int32Array(job.hungry);
const part = new ScanPart(job.thread, new ScanFilter(job), job.rootIsReal, false);
const port = parentPort!;
let running = false;

port.on('message', (m: unknown) => {
  if (!isWorkMessage(m)) return;
  part.walk.add(m.dirs);
  if (!running) void run();
});
post({ kind: 'batch', thread: job.thread, events: [], links: [], directories: 0, files: 0, candidates: 0, offered: [], idle: true });

async function run(): Promise<void> {
  running = true;
  while (part.walk.pending > 0) {
    const batch = await part.step();
    const offered = Atomics.load(hungry, 0) > 0 && part.walk.pending >= 2 ? part.walk.share() : [];
    post({ kind: 'batch', ...batch, offered, idle: part.walk.pending === 0 });
  }
  running = false;
}

function post(m: BatchMessage): void {
  port.postMessage(m);
}
