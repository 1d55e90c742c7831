import type { ScanBatch } from './scanPart';
import type { WalkDir } from './walk';

/**
 * Messages between a scan's coordinating thread and its helper threads
 * (scanThreads.ts ↔ scanWorker.ts): one file imported by both sides.
 */

export interface ScanJob {
  /** This helper's number (1, 2, …; 0 is the coordinating thread). */
  thread: number;
  allFiles: boolean;
  /** The root is its own real path (see ScanPart). */
  rootIsReal: boolean;
  exclude: string[];
  include: string[];
  /**
   * One Int32: how many threads are out of folders right now. A busy helper
   * reads it between slices and, when it is not 0, offers half its folders
   * (no round trip: the coordinator cannot interrupt a thread mid-slice).
   */
  hungry: SharedArrayBuffer;
}

/** Coordinator → helper: folders to walk. */
export interface WorkMessage {
  kind: 'work';
  dirs: WalkDir[];
}

/** Helper → coordinator: what a slice found, folders offered to others, and whether it has run out. */
export interface BatchMessage extends ScanBatch {
  kind: 'batch';
  offered: WalkDir[];
  idle: boolean;
}

export function isWorkMessage(m: unknown): m is WorkMessage {
  return typeof m === 'object' && m !== null && (m as WorkMessage).kind === 'work' && Array.isArray((m as WorkMessage).dirs);
}
