import { Dirent, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { GlobSet } from './glob';

/**
 * The directory walk shared by the database scan and the app config finder:
 * excluded folders are never entered, symbolic links are not followed unless
 * asked (then loops are cut by device:inode), and relative paths are built
 * by concatenation (POSIX separators) as the walk descends.
 *
 * Folders are read with blocking readdir in time slices. A readdir through
 * the thread pool costs a round trip and a promise per folder, and on a
 * 200,000-file tree that — not the kernel — was most of the time; a slice of
 * a few milliseconds keeps the calling thread's event loop responsive, and
 * `share()` hands folders still to read to another thread (scanThreads.ts).
 */

/**
 * One folder's files. Names only: consumers build a path for the few files
 * they care about, so a walk over 500,000 files allocates nothing per file.
 */
export interface WalkFolder {
  abs: string;
  /** POSIX path relative to the root ('' for the root). */
  rel: string;
  /** Regular files (those `keepFile` accepts, when it is set). */
  files: string[];
  /** Every file met: regular ones (kept or not) and special ones. */
  fileCount: number;
  /** Pipes, sockets and devices (never to be opened as files). */
  special: string[];
  /** Symbolic links, when links are not followed (a consumer may resolve the few it cares about). */
  links: string[];
}

/** A folder still to read. */
export interface WalkDir {
  abs: string;
  rel: string;
}

export interface WalkError {
  rel: string;
  abs: string;
  error: unknown;
}

export type WalkEvent =
  | { kind: 'folders'; folders: WalkFolder[] }
  | ({ kind: 'error' } & WalkError);

/** "dir/name" relative to the root. */
export function childRel(folder: WalkDir, name: string): string {
  return folder.rel ? `${folder.rel}/${name}` : name;
}

export interface WalkOptions {
  exclude: GlobSet;
  followSymlinks?: boolean;
  /** Which regular files' names to keep; the scan keeps the few named like databases, not 500,000 others. */
  keepFile?: (name: string) => boolean;
  signal?: AbortSignal;
}

/** Long enough to amortise the clock reads, short enough that a UI thread stays responsive. */
export const SLICE_MS = 4;

export class TreeWalk {
  /** Depth first: the stack's top is the next folder; its bottom holds the shallowest, largest subtrees. */
  private readonly stack: WalkDir[] = [];
  private readonly visited = new Set<string>();

  constructor(private readonly options: Pick<WalkOptions, 'exclude' | 'followSymlinks' | 'keepFile'>, start: WalkDir[] = []) {
    this.add(start);
  }

  /** Whether folders reached through symbolic links are walked (their files' paths are then not their real paths). */
  get followsLinks(): boolean {
    return this.options.followSymlinks === true;
  }

  get pending(): number {
    return this.stack.length;
  }

  /** Folders to read, in the order given. */
  add(dirs: WalkDir[]): void {
    for (let i = dirs.length - 1; i >= 0; i--) this.stack.push(dirs[i]!);
  }

  /**
   * About half of the folders still to read, taken from the bottom of the
   * stack (the shallowest, so the biggest subtrees), for another thread.
   */
  share(): WalkDir[] {
    return this.stack.splice(0, Math.floor(this.stack.length / 2)).reverse();
  }

  /** Reads folders until `budgetMs` has passed (at least one) or none are left. */
  step(budgetMs: number): { folders: WalkFolder[]; errors: WalkError[] } {
    const folders: WalkFolder[] = [];
    const errors: WalkError[] = [];
    const until = performance.now() + budgetMs;
    do {
      const dir = this.stack.pop()!;
      const read = this.read(dir);
      if (read === undefined) continue;
      if ('error' in read) errors.push(read);
      else folders.push(read);
    } while (this.stack.length > 0 && performance.now() < until);
    return { folders, errors };
  }

  private read(dir: WalkDir): WalkFolder | WalkError | undefined {
    const { exclude, followSymlinks, keepFile } = this.options;
    if (followSymlinks) {
      const st = statSync(dir.abs, { throwIfNoEntry: false });
      const key = st && `${st.dev}:${st.ino}`;
      if (key === undefined || this.visited.has(key)) return undefined;
      this.visited.add(key);
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(dir.abs, { withFileTypes: true });
    } catch (error) {
      return { rel: dir.rel || '.', abs: dir.abs, error };
    }
    const folder: WalkFolder = { abs: dir.abs, rel: dir.rel, files: [], fileCount: 0, special: [], links: [] };
    const addFile = (name: string) => {
      folder.fileCount++;
      if (!keepFile || keepFile(name)) folder.files.push(name);
    };
    const subdirs: WalkDir[] = [];
    for (const entry of entries) {
      const name = entry.name;
      // Most entries are files: one type test, then on to the next.
      if (entry.isFile()) { addFile(name); continue; }
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        if (!followSymlinks) { folder.links.push(name); continue; }
        const st = statSync(path.join(dir.abs, name), { throwIfNoEntry: false });
        if (st?.isFile()) { addFile(name); continue; }
        isDir = !!st?.isDirectory();
      }
      if (isDir) {
        const rel = childRel(dir, name);
        if (!exclude.matches(rel)) subdirs.push({ abs: path.join(dir.abs, name), rel });
      } else if (entry.isFIFO() || entry.isCharacterDevice() || entry.isBlockDevice() || entry.isSocket()) {
        folder.fileCount++;
        folder.special.push(name);
      }
    }
    this.add(subdirs);
    return folder;
  }
}

/** Lets timers, I/O callbacks and messages in between slices of blocking work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The whole walk in this thread, a slice at a time (the app config finder's walk). */
export async function* walkTree(rootAbs: string, options: WalkOptions): AsyncGenerator<WalkEvent> {
  const walk = new TreeWalk(options, [{ abs: rootAbs, rel: '' }]);
  while (walk.pending > 0 && !options.signal?.aborted) {
    const { folders, errors } = walk.step(SLICE_MS);
    for (const e of errors) yield { kind: 'error', ...e };
    yield { kind: 'folders', folders };
    await yieldToEventLoop();
  }
}
