import * as path from 'node:path';
import { GlobSet } from './glob';
import { WalkFolder, childRel } from './walk';
import type { LinkCandidate, ScanEvent, ScanOptions } from './scanTypes';

/**
 * Which files a scan looks at: named like a database (or any file with
 * allFiles), not a sidecar, not excluded, included when an include list is
 * set. Decided from names alone, so most of a tree is never opened.
 */
export const DATABASE_EXTENSIONS = ['.db', '.sqlite', '.sqlite3', '.db3', '.s3db', '.sl3', '.sdb'] as const;
export const DEFAULT_EXCLUDES = ['**/node_modules', '**/.git', '**/.venv', '**/venv', '**/__pycache__', '**/dist', '**/out'] as const;
const SIDECAR_SUFFIXES = ['-wal', '-shm', '-journal'];
const EXTENSION_SET: ReadonlySet<string> = new Set(DATABASE_EXTENSIONS);
const LONGEST_EXTENSION = Math.max(...DATABASE_EXTENSIONS.map((e) => e.length));
/** Last characters of our extensions, both cases: most names are turned away by one charCodeAt. */
const LAST_CHARS: ReadonlySet<number> = new Set(DATABASE_EXTENSIONS.flatMap((e) => [e.toLowerCase(), e.toUpperCase()].map((x) => x.charCodeAt(x.length - 1))));

/** Called for every file in the tree, so it allocates nothing for names that cannot match (a sidecar's "x.db-wal" ends in none of ours). */
export function isCandidateName(name: string, allFiles: boolean): boolean {
  if (allFiles) return !SIDECAR_SUFFIXES.some((s) => name.endsWith(s));
  if (!LAST_CHARS.has(name.charCodeAt(name.length - 1))) return false;
  const dot = name.lastIndexOf('.');
  return dot >= 0 && name.length - dot <= LONGEST_EXTENSION && EXTENSION_SET.has(name.slice(dot).toLowerCase());
}

export type FilterOptions = Pick<ScanOptions, 'allFiles' | 'exclude' | 'include'>;

export class ScanFilter {
  readonly allFiles: boolean;
  readonly excludeGlobs: readonly string[];
  readonly includeGlobs: readonly string[];
  readonly exclude: GlobSet;
  private readonly include: GlobSet;

  constructor(options: FilterOptions) {
    this.allFiles = options.allFiles ?? false;
    this.excludeGlobs = options.exclude ?? DEFAULT_EXCLUDES;
    this.includeGlobs = options.include ?? [];
    this.exclude = new GlobSet(this.excludeGlobs);
    this.include = new GlobSet(this.includeGlobs);
  }

  /** `rel`: a file's POSIX path relative to the root, whose name passed isCandidateName. */
  private wantsPath(rel: string): boolean {
    return !this.exclude.matches(rel) && (this.include.empty || this.include.matches(rel));
  }

  /**
   * The files in one folder worth opening, the links worth resolving later,
   * and the special files (pipes, sockets, devices) named like databases,
   * which are reported and never opened.
   */
  pick(folder: WalkFolder): { files: LinkCandidate[]; links: LinkCandidate[]; problems: ScanEvent[] } {
    // Cheapest test first: most names are not named like databases, and only the rest get a path.
    const picked = (names: string[]) => names.filter((n) => isCandidateName(n, this.allFiles))
      .map((name) => ({ abs: path.join(folder.abs, name), rel: childRel(folder, name) }))
      .filter((c) => this.wantsPath(c.rel));
    const problems: ScanEvent[] = this.allFiles ? [] : picked(folder.special).map((c) => (
      { kind: 'problem', relPath: c.rel, path: c.abs, code: 'unreadable', error: `${c.rel}: not a regular file (pipe, socket or device); not read` }));
    return { files: picked(folder.files), links: picked(folder.links), problems };
  }

  /** The same test for one path the walk did not produce (a file the watcher reports). */
  wants(rel: string): boolean {
    const parts = rel.split('/');
    if (!isCandidateName(parts[parts.length - 1]!, this.allFiles) || !this.wantsPath(rel)) return false;
    for (let i = 1; i < parts.length; i++) if (this.exclude.matches(parts.slice(0, i).join('/'))) return false;
    return true;
  }
}

/**
 * Whether a scan with these options would look at this file (POSIX path
 * relative to the root): the same test for a file the watcher reports as for
 * one the walk meets, so a database created under node_modules/ stays out.
 */
export function wouldScan(rel: string, options: FilterOptions): boolean {
  // Most files the watcher reports are not named like databases: no globs compiled for them.
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  return isCandidateName(name, options.allFiles ?? false) && new ScanFilter(options).wants(rel);
}
