import { readdirSync, readlinkSync, statSync } from 'node:fs';

/**
 * Progress of a long engine run, where SQLite gives it: page counts from
 * the backup API, else the bytes it has written so far — the files it grows
 * (a -journal, a -wal, a VACUUM INTO target) and, on Linux, the deleted
 * temporary file VACUUM builds its new copy in (seen in /proc/PID/fd).
 */
export interface Progress {
  pages?: { done: number; total: number };
  bytesWritten?: number;
}

export type ProgressListener = (p: Progress) => void;

/** A script's progress line: {"progress":[done,total]}. */
export function progressLine(listener: ProgressListener): (line: string) => void {
  return (line) => {
    if (!line.startsWith('{"progress"')) return;
    try {
      const [done, total] = (JSON.parse(line) as { progress: [number, number] }).progress;
      listener({ pages: { done, total } });
    } catch { /* not a progress line after all */ }
  };
}

/** Polls the size of `paths` and of the child's deleted temporary files. */
export function growthTicker(paths: readonly string[], listener: ProgressListener): (pid: number) => void {
  let last = -1;
  return (pid) => {
    const bytes = paths.reduce((n, p) => n + sizeOf(p), 0) + deletedTempBytes(pid);
    if (bytes !== last) listener({ bytesWritten: (last = bytes) });
  };
}

function sizeOf(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
}

function deletedTempBytes(pid: number): number {
  if (process.platform !== 'linux') return 0;
  let total = 0;
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const link = `/proc/${pid}/fd/${fd}`;
      try {
        if (readlinkSync(link).endsWith(' (deleted)')) total += statSync(link).size;
      } catch { /* closed meanwhile */ }
    }
  } catch { /* the child is gone, or not ours to read */ }
  return total;
}
