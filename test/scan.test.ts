import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { ScanEvent, scanWorkspace, wouldScan } from '../src/workspace/scan';
import { makeFixtures, snapshotTree } from './helpers/fixtures';

async function collect(root: string, opts = {}): Promise<ScanEvent[]> {
  const out: ScanEvent[] = [];
  for await (const e of scanWorkspace(root, opts)) out.push(e);
  return out;
}
const databases = (evs: ScanEvent[]) => evs.flatMap((e) => (e.kind === 'database' ? [e.relPath] : [])).sort();
const problems = (evs: ScanEvent[]) => new Map(evs.flatMap((e) => (e.kind === 'problem' ? [[e.relPath, e] as const] : [])));

/** The oracle: today's `find … | file | grep SQLite` pipeline, written independently in Python. */
function pythonFind(root: string, allFiles: boolean): string[] {
  const code = `
import os, sys
root, all_files = sys.argv[1], sys.argv[2] == "1"
skip = {"node_modules", ".git", ".venv", "venv", "__pycache__", "dist", "out"}
exts = (".db", ".sqlite", ".sqlite3", ".db3", ".s3db", ".sl3", ".sdb")
for d, dirs, files in os.walk(root):
    dirs[:] = [x for x in dirs if x not in skip]
    for f in files:
        if f.endswith(("-wal", "-shm", "-journal")) or not (all_files or f.lower().endswith(exts)):
            continue
        with open(os.path.join(d, f), "rb") as fh:
            if fh.read(16) == b"SQLite format 3\\0":
                print(os.path.relpath(os.path.join(d, f), root))
`;
  return execFileSync('python3', ['-c', code, root, allFiles ? '1' : '0'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
}

describe('workspace scan', () => {
  let dir: string;
  before(() => { dir = makeFixtures(); });

  it('finds exactly the SQLite files with database extensions, skipping node_modules/.git/.venv', async () => {
    const evs = await collect(dir);
    const found = databases(evs);
    // Files with the magic but a header SQLite rejects are reported as problems, not databases.
    const brokenHeaders = [...problems(evs)].filter(([, e]) => e.kind === 'problem' && ['truncated', 'bad-header'].includes(e.code)).map(([p]) => p);
    assert.deepEqual(brokenHeaders.sort(), ['badpage.db', 'truncated-header.db']);
    assert.deepEqual([...found, ...brokenHeaders].sort(), pythonFind(dir, false));
    assert.ok(found.includes('nested/deeper/app.sqlite'));
    assert.ok(!found.some((p) => /node_modules|\.git\/|\.venv|(-wal|-shm|-journal)$|state\.bin/.test(p)));
  });

  it('finds databases by magic bytes alone with allFiles', async () => {
    const evs = await collect(dir, { allFiles: true });
    const found = databases(evs);
    const brokenHeaders = [...problems(evs).keys()].filter((p) => p === 'badpage.db' || p === 'truncated-header.db');
    assert.deepEqual([...found, ...brokenHeaders].sort(), pythonFind(dir, true));
    assert.ok(found.includes('state.bin'));
  });

  it('reports impostors and broken files as problems and carries on', async () => {
    const p = problems(await collect(dir));
    assert.equal(p.get('empty.db')?.code, 'empty');
    assert.equal(p.get('notes.db')?.code, 'not-sqlite');
    assert.equal(p.get('random.sqlite3')?.code, 'not-sqlite');
    assert.equal(p.get('truncated-header.db')?.code, 'truncated');
    assert.equal(p.get('badpage.db')?.code, 'bad-header');
    for (const [rel, e] of p) assert.ok(e.kind === 'problem' && e.error.startsWith(rel), `${rel} error names the file`);
  });

  it('groups sidecars with their database', async () => {
    const evs = await collect(dir);
    const wal = evs.find((e) => e.kind === 'database' && e.relPath === 'wal-pending.db');
    assert.ok(wal && wal.kind === 'database' && wal.state.sidecars.wal && wal.state.sidecars.shm);
    const hot = evs.find((e) => e.kind === 'database' && e.relPath === 'hot-journal.db');
    assert.ok(hot && hot.kind === 'database' && hot.state.hotJournal);
  });

  it('applies exclude globs and survives symlink loops', async () => {
    mkdirSync(path.join(dir, 'loop'), { recursive: true });
    symlinkSync('..', path.join(dir, 'loop', 'up'));
    const plain = databases(await collect(dir));
    const followed = databases(await collect(dir, { followSymlinks: true }));
    assert.deepEqual(followed.filter((p) => !p.startsWith('loop/')), plain);
    const excluded = databases(await collect(dir, { exclude: ['**/nested/**', 'nested', '**/node_modules'] }));
    assert.ok(!excluded.includes('nested/deeper/app.sqlite'));
    assert.ok(excluded.includes('rollback.db'));
  });

  it('streams progress events', async () => {
    const evs = await collect(dir);
    const last = evs.filter((e) => e.kind === 'progress').at(-1);
    assert.ok(last && last.kind === 'progress' && last.files > 20 && last.directories > 2);
  });

  it('changes nothing on disk', async () => {
    const before = snapshotTree(dir);
    await collect(dir, { allFiles: true });
    assert.deepEqual(snapshotTree(dir), before);
  });

  it('judges a single path (a file the watcher reports) as the walk does', async () => {
    const exclude = ['**/nested/**', 'nested', '**/node_modules'];
    for (const p of databases(await collect(dir, { exclude }))) assert.ok(wouldScan(p, { exclude }), p);
    for (const p of ['node_modules/pkg/x.db', 'nested/deeper/app.sqlite', 'app.db-wal', 'notes.txt']) assert.equal(wouldScan(p, { exclude }), false, p);
    assert.equal(wouldScan('data/x.db', { include: ['data/**'] }), true);
    assert.equal(wouldScan('x.db', { include: ['data/**'] }), false);
    assert.equal(wouldScan('state.bin', { allFiles: true }), true);
  });
});
