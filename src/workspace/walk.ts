import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { GlobSet } from './glob';

/**
 * Breadth-batched directory walk shared by the database scan and the app
 * config finder: excluded folders are never entered, symbolic links are not
 * followed unless asked (then loops are cut by device:inode), and relative
 * paths are built by concatenation (POSIX separators) as the walk descends.
 */
export interface WalkEntry {
  name: string;
  /** POSIX path relative to the root. */
  rel: string;
  abs: string;
  /** A regular file (false: pipe, socket or device). */
  regular: boolean;
}

export type WalkEvent =
  | { kind: 'files'; directories: number; entries: WalkEntry[] }
  | { kind: 'error'; rel: string; abs: string; error: unknown };

export interface WalkOptions {
  exclude: GlobSet;
  followSymlinks?: boolean;
  signal?: AbortSignal;
}

/** Folders read at once: overlaps the file system's latency without flooding it. */
const DIR_BATCH = 8;

export async function* walkTree(rootAbs: string, options: WalkOptions): AsyncGenerator<WalkEvent> {
  const visited = new Set<string>();
  const stack: { abs: string; rel: string }[] = [{ abs: rootAbs, rel: '' }];
  while (stack.length > 0 && !options.signal?.aborted) {
    const batch = stack.splice(Math.max(0, stack.length - DIR_BATCH)).reverse();
    const listed = await Promise.all(batch.map(async (d) => {
      if (options.followSymlinks) {
        const key = await fsp.stat(d.abs).then((st) => `${st.dev}:${st.ino}`, () => undefined);
        if (key === undefined || visited.has(key)) return undefined;
        visited.add(key);
      }
      try {
        return { dir: d, entries: await fsp.readdir(d.abs, { withFileTypes: true }) };
      } catch (error) {
        return { dir: d, error };
      }
    }));
    const files: WalkEntry[] = [];
    const subdirs: { abs: string; rel: string }[] = [];
    let directories = 0;
    for (const item of listed) {
      if (!item) continue;
      if ('error' in item) {
        yield { kind: 'error', rel: item.dir.rel || '.', abs: item.dir.abs, error: item.error };
        continue;
      }
      directories++;
      const { dir, entries } = item;
      for (const entry of entries) {
        const name = entry.name;
        const rel = dir.rel ? `${dir.rel}/${name}` : name;
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          if (!options.followSymlinks) continue;
          const st = await fsp.stat(path.join(dir.abs, name)).catch(() => undefined);
          isDir = !!st?.isDirectory();
          isFile = !!st?.isFile();
        }
        if (isDir) {
          if (!options.exclude.matches(rel)) subdirs.push({ abs: path.join(dir.abs, name), rel });
        } else if (isFile || entry.isFIFO() || entry.isCharacterDevice() || entry.isBlockDevice() || entry.isSocket()) {
          files.push({ name, rel, abs: path.join(dir.abs, name), regular: isFile });
        }
      }
    }
    // Reverse so the walk visits folders in directory order (the stack is LIFO).
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
    yield { kind: 'files', directories, entries: files };
  }
}
