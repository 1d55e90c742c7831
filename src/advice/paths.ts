import * as path from 'node:path';

/** The nearest folder above a file (POSIX, relative to the root) among `dirs`, else the root ('.'). */
export function nearestDir(rel: string, dirs: ReadonlyMap<string, unknown>): string {
  let dir = path.posix.dirname(rel);
  for (;;) {
    if (dirs.has(dir)) return dir;
    if (dir === '.' || dir === '') return '.';
    dir = path.posix.dirname(dir);
  }
}
