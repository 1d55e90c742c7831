import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { GlobSet } from './glob';

/**
 * Breadth-batched directory walk shared by the database scan and the app
 * config finder: excluded folders are never entered, symbolic links are not
 * followed unless asked (then loops are cut by device:inode), and relative
 * paths are built by concatenation (POSIX separators) as the walk descends.
 */
/**
 * One folder's files. Names only: consumers build a path for the few files
 * they care about, so a walk over 500,000 files allocates nothing per file.
 */
export interface WalkFolder {
  abs: string;
  /** POSIX path relative to the root ('' for the root). */
  rel: string;
  /** Regular files. */
  files: string[];
  /** Pipes, sockets and devices (never to be opened as files). */
  special: string[];
  /** Symbolic links, when links are not followed (a consumer may resolve the few it cares about). */
  links: string[];
}

export type WalkEvent =
  | { kind: 'folders'; folders: WalkFolder[] }
  | { kind: 'error'; rel: string; abs: string; error: unknown };

/** "dir/name" relative to the root. */
export function childRel(folder: WalkFolder, name: string): string {
  return folder.rel ? `${folder.rel}/${name}` : name;
}

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
    const folders: WalkFolder[] = [];
    const subdirs: { abs: string; rel: string }[] = [];
    for (const item of listed) {
      if (!item) continue;
      if ('error' in item) {
        yield { kind: 'error', rel: item.dir.rel || '.', abs: item.dir.abs, error: item.error };
        continue;
      }
      const folder: WalkFolder = { abs: item.dir.abs, rel: item.dir.rel, files: [], special: [], links: [] };
      for (const entry of item.entries) {
        const name = entry.name;
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          if (!options.followSymlinks) { folder.links.push(name); continue; }
          const st = await fsp.stat(path.join(folder.abs, name)).catch(() => undefined);
          isDir = !!st?.isDirectory();
          isFile = !!st?.isFile();
        }
        if (isFile) folder.files.push(name);
        else if (isDir) {
          const rel = childRel(folder, name);
          if (!options.exclude.matches(rel)) subdirs.push({ abs: path.join(folder.abs, name), rel });
        } else if (entry.isFIFO() || entry.isCharacterDevice() || entry.isBlockDevice() || entry.isSocket()) folder.special.push(name);
      }
      folders.push(folder);
    }
    // Reverse so the walk visits folders in directory order (the stack is LIFO).
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
    yield { kind: 'folders', folders };
  }
}
