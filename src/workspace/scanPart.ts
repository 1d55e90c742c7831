import { describeError } from '../sqlite/os/errors';
import { ScanFilter, isCandidateName } from './candidates';
import { classify } from './classify';
import { SLICE_MS, TreeWalk, WalkDir } from './walk';
import type { LinkCandidate, ScanEvent } from './scanTypes';

/** What one slice of a scan found; counts are for this slice only. */
export interface ScanBatch {
  /** Which thread walked it: 0 the coordinating thread, then each helper's number. */
  thread: number;
  events: ScanEvent[];
  links: LinkCandidate[];
  directories: number;
  files: number;
  candidates: number;
}

/** Candidates classified at once: overlaps thread-pool reads when this thread's I/O is not blocking. */
const CLASSIFY_AT_ONCE = 16;

/**
 * The part of a scan one thread does: walk a slice of folders, then read
 * the headers of the candidates met in it, so headers are read while the
 * rest of the tree is still being walked (by this thread's next slice, or by
 * the other threads meanwhile).
 */
export class ScanPart {
  readonly walk: TreeWalk;

  /**
   * `rootIsReal`: the root is its own real path, so a regular file met
   * through no link is too, and its reads need not resolve it.
   */
  constructor(private readonly thread: number, private readonly filter: ScanFilter, private readonly rootIsReal: boolean, followSymlinks: boolean, start: WalkDir[] = []) {
    this.walk = new TreeWalk({ exclude: filter.exclude, followSymlinks, keepFile: (name) => isCandidateName(name, filter.allFiles) }, start);
  }

  async step(): Promise<ScanBatch> {
    const { folders, errors } = this.walk.step(SLICE_MS);
    const batch: ScanBatch = { thread: this.thread, events: [], links: [], directories: folders.length, files: 0, candidates: 0 };
    for (const e of errors) batch.events.push({ kind: 'problem', relPath: e.rel, path: e.abs, code: 'unreadable', error: describeError(e.error, e.rel) });
    const files: { abs: string; rel: string }[] = [];
    for (const folder of folders) {
      batch.files += folder.fileCount;
      const picked = this.filter.pick(folder);
      files.push(...picked.files);
      batch.links.push(...picked.links);
      batch.events.push(...picked.problems);
    }
    batch.candidates = files.length;
    for (let i = 0; i < files.length; i += CLASSIFY_AT_ONCE) {
      const results = await Promise.all(files.slice(i, i + CLASSIFY_AT_ONCE).map((f) => classify(f.abs, f.rel, this.filter.allFiles, this.knownReal(f.abs))));
      for (const r of results) if (r) batch.events.push(r);
    }
    return batch;
  }

  private knownReal(abs: string): string | undefined {
    return this.rootIsReal && !this.walk.followsLinks ? abs : undefined;
  }
}

