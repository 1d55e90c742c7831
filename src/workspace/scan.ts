import * as path from 'node:path';
import { realPathOf, statIfExists } from '../sqlite/os/fileio';
import { ScanFilter } from './candidates';
import { classify } from './classify';
import { defaultHelpers, scanInThreads } from './scanThreads';
import type { LinkCandidate, ScanEvent, ScanOptions } from './scanTypes';

/**
 * Walks a folder tree and yields every SQLite database in it, identified by
 * its magic bytes (never by name alone), as a stream so a UI can show
 * progress. Sidecars are reported with their database, never as databases.
 */
export { DATABASE_EXTENSIONS, DEFAULT_EXCLUDES, wouldScan } from './candidates';
export type { ScanEvent, ScanOptions };

export function toPosix(rel: string): string {
  return rel.split(path.sep).join('/');
}

export async function* scanWorkspace(root: string, options: ScanOptions = {}): AsyncGenerator<ScanEvent> {
  const filter = new ScanFilter(options);
  const links: LinkCandidate[] = [];
  const found: string[] = [];
  let directories = 0, files = 0, candidates = 0;
  const walkers = new Set<number>();
  const threads = { threads: options.threads ?? defaultHelpers(), walkHere: options.walkHere ?? false, followSymlinks: options.followSymlinks ?? false, signal: options.signal, log: options.log };
  for await (const batch of scanInThreads(path.resolve(root), filter, threads)) {
    directories += batch.directories;
    if (batch.directories) walkers.add(batch.thread);
    files += batch.files;
    candidates += batch.candidates;
    links.push(...batch.links);
    for (const ev of batch.events) {
      if (ev.kind === 'database') found.push(ev.state.path);
      yield ev;
    }
    yield { kind: 'progress', directories, files, candidates, threads: walkers.size };
  }
  if (options.signal?.aborted) return;
  yield* symlinkedDatabases(links, found, filter.allFiles);
  yield { kind: 'progress', directories, files, candidates, threads: walkers.size };
}

/**
 * A database reached through a symbolic link is listed once, by the link's
 * place with its real path in the state (SQLite resolves links and uses the
 * target's sidecars), unless its target was already found in the tree.
 */
async function* symlinkedDatabases(links: LinkCandidate[], found: string[], allFiles: boolean): AsyncGenerator<ScanEvent> {
  if (!links.length) return;
  const seen = new Set(await Promise.all(found.map(realPathOf)));
  for (const link of links) {
    const real = await realPathOf(link.abs);
    if (seen.has(real) || !(await statIfExists(real).catch(() => undefined))?.isFile) continue;
    seen.add(real);
    const ev = await classify(link.abs, link.rel, allFiles);
    if (ev?.kind === 'database') yield ev;
  }
}
