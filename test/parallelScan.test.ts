import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { ScanFilter } from '../src/workspace/candidates';
import { ScanEvent, scanWorkspace } from '../src/workspace/scan';
import { scanInThreads } from '../src/workspace/scanThreads';
import { tempDir } from './helpers/fixtures';

/**
 * The scan's threads share the walk by handing folders to each other; the
 * result must not depend on who walked what. On a tree of 20,000 folders,
 * one thread alone and several threads (with and without this thread
 * walking) must report exactly the same databases, problems and counts.
 */
/** One line per database or problem: what must not depend on which thread found it. */
function line(ev: Exclude<ScanEvent, { kind: 'progress' }>): string {
  return ev.kind === 'database' ? `db ${ev.relPath} ${ev.state.journalMode} ${ev.state.pageCount}` : `problem ${ev.relPath} ${ev.code}`;
}

async function collect(root: string, options: { threads: number; walkHere: boolean }) {
  const found: string[] = [];
  let last: Extract<ScanEvent, { kind: 'progress' }> | undefined;
  for await (const ev of scanWorkspace(root, options)) {
    if (ev.kind === 'progress') last = ev;
    else found.push(line(ev));
  }
  assert.ok(last);
  return { found: found.sort(), directories: last.directories, files: last.files, candidates: last.candidates, threads: last.threads };
}

/** Folder and file counts as os.walk sees them (skipping node_modules), written independently of the scan. */
function pythonCounts(root: string): { directories: number; files: number } {
  const code = `
import os, sys, json
d = f = 0
for _, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [x for x in dirs if x != "node_modules"]
    d += 1
    f += len(files)
print(json.dumps({"directories": d, "files": f}))`;
  return JSON.parse(execFileSync('python3', ['-c', code, root], { encoding: 'utf8' })) as { directories: number; files: number };
}

describe('parallel scan', () => {
  let root: string;
  let made: { databases: string[]; impostors: string[] };
  before(() => {
    root = path.join(tempDir('sqlite-doctor-wide-'), 'tree');
    made = JSON.parse(execFileSync('python3', [path.join(__dirname, 'fixtures', 'wide_tree.py'), root, '20000'], { encoding: 'utf8' })) as typeof made;
  });

  it('finds exactly what one thread finds, whoever walks', async () => {
    const sequential = await collect(root, { threads: 0, walkHere: true });
    assert.equal(sequential.threads, 1);
    assert.deepEqual({ directories: sequential.directories, files: sequential.files }, pythonCounts(root));
    assert.deepEqual(sequential.found.filter((f) => f.startsWith('db ')).map((f) => f.split(' ')[1]), made.databases);
    assert.deepEqual(sequential.found.filter((f) => f.startsWith('problem ')), made.impostors.map((p) => `problem ${p} not-sqlite`));

    for (const options of [{ threads: 3, walkHere: true }, { threads: 3, walkHere: false }, { threads: 1, walkHere: false }]) {
      const parallel = await collect(root, options);
      assert.deepEqual(parallel.found, sequential.found, JSON.stringify(options));
      assert.deepEqual([parallel.directories, parallel.files, parallel.candidates], [sequential.directories, sequential.files, sequential.candidates], JSON.stringify(options));
      // Work really moved: with this thread out of the walk, every folder was read by helpers, and with 3 of them more than one had a share.
      if (!options.walkHere && options.threads > 1) assert.ok(parallel.threads > 1, `${parallel.threads} thread(s) walked`);
    }
  });

  it('stops when cancelled, without waiting for the rest of the tree', async () => {
    const controller = new AbortController();
    let progressEvents = 0, directories = 0;
    for await (const ev of scanWorkspace(root, { threads: 2, walkHere: false, signal: controller.signal })) {
      if (ev.kind !== 'progress') continue;
      directories = ev.directories;
      if (++progressEvents === 3) controller.abort();
    }
    assert.equal(progressEvents, 3, 'no events after the abort');
    assert.ok(directories > 0 && directories < pythonCounts(root).directories, `${directories} folders read before stopping`);
  });

  it('goes on in this thread when no helper thread can start, and says so', async () => {
    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (m: string) => warnings.push(m), error: () => undefined };
    const failing = () => new Worker('throw new Error("no threads here")', { eval: true });
    const found: string[] = [];
    let directories = 0;
    for await (const batch of scanInThreads(root, new ScanFilter({}), { threads: 2, walkHere: false, followSymlinks: false, log }, failing)) {
      directories += batch.directories;
      for (const ev of batch.events) if (ev.kind !== 'progress') found.push(line(ev));
    }
    const sequential = await collect(root, { threads: 0, walkHere: true });
    assert.deepEqual(found.sort(), sequential.found);
    assert.equal(directories, sequential.directories);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /helper thread could not start \(no threads here\); going on without it/);
  });
});
