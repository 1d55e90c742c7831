import type { Log } from '../shared/log';
import type { DatabaseState } from '../sqlite/disk/state';

export interface ScanOptions {
  /** Check every file's magic bytes, not only database extensions. */
  allFiles?: boolean;
  /** Globs relative to the root; a matching folder is not entered, a matching file not read. */
  exclude?: readonly string[];
  /** When set, only files matching one of these globs are checked. */
  include?: readonly string[];
  /** Follow symbolic links (loops are detected); off by default. The walk then stays in this thread (see scanThreads.ts). */
  followSymlinks?: boolean;
  /**
   * Helper threads that walk and read headers beside this one; by default
   * one per spare core. 0 keeps the whole scan in this thread.
   */
  threads?: number;
  /**
   * Whether this thread walks too, with blocking file system calls in short
   * slices: right for the CLI, which has nothing else to do. A UI thread (the
   * extension host) leaves it off and only collects what its helpers find.
   */
  walkHere?: boolean;
  signal?: AbortSignal;
  /** Where the scan says what did not go as planned (a helper thread that could not start). */
  log?: Log;
}

export type ScanEvent =
  | { kind: 'database'; relPath: string; state: DatabaseState }
  | { kind: 'problem'; relPath: string; path: string; code: string; error: string }
  | { kind: 'progress'; directories: number; files: number; candidates: number; /** Threads that have walked folders so far. */ threads: number };

/** A symbolic link named like a database: resolved once the walk is done (scan.ts). */
export interface LinkCandidate {
  abs: string;
  rel: string;
}
