import { Stats, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { processesWithOpen } from '../os/openers';

/**
 * Where a new database file (a backup, a VACUUM INTO copy) may be written,
 * judged on resolved paths: DEST through every symlink (of its folder when
 * DEST does not exist yet). Refused: the source itself and its -wal, -shm
 * and -journal (by path and by device and inode, so a hard link or a
 * symlinked folder is seen through), anything that is not a regular file
 * (a FIFO, a device, a folder, a dangling symlink), an existing file without
 * `replace`, a DEST another process has open, a DEST with a non-empty
 * -wal or -journal beside it (SQLite would apply them to the new file), and
 * a DEST named like a sidecar of another database beside it.
 */
export const SIDECARS = ['-wal', '-shm', '-journal'] as const;

export interface FileId { path: string; dev: number; ino: number }

export interface Target {
  /** DEST, resolved. */
  dest: string;
  folder: string;
  /** The DEST that exists now (to be replaced), by identity. */
  existing?: FileId;
  /** Empty sidecars of the existing DEST: removed after the rename if they are still these files. */
  staleSidecars: FileId[];
}

const id = (p: string, s: Stats): FileId => ({ path: p, dev: s.dev, ino: s.ino });
const same = (a: Stats | FileId, b: Stats | FileId) => a.dev === b.dev && a.ino === b.ino;

async function lstatOrNone(p: string): Promise<Stats | undefined> {
  try {
    return await fsp.lstat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function kindOf(s: Stats): string {
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isDirectory()) return 'a folder';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The target, or why not (a sentence without the final period). */
export async function resolveTarget(source: string, dest: string, replace: boolean): Promise<Target | string> {
  const sourceReal = await fsp.realpath(source);
  const given = path.resolve(dest);
  if (!path.basename(given) || given.endsWith(path.sep)) return `${dest} names a folder, not a file`;
  const link = await lstatOrNone(given);
  let real: string;
  if (link) {
    try {
      real = await fsp.realpath(given);
    } catch {
      return `${given} is a symbolic link to a file that does not exist; give the real path`;
    }
  } else {
    let folder: string;
    try {
      folder = await fsp.realpath(path.dirname(given));
    } catch {
      return `the folder ${path.dirname(given)} does not exist`;
    }
    real = path.join(folder, path.basename(given));
  }
  const stat = await lstatOrNone(real);
  const forbidden = [sourceReal, ...SIDECARS.map((s) => `${sourceReal}${s}`)];
  const names = ['the database itself', "the database's -wal", "the database's -shm", "the database's -journal"];
  for (const [i, p] of forbidden.entries()) {
    const s = await lstatOrNone(p);
    if (real === p || (stat && s && same(stat, s))) return `${given} is ${names[i]} (${p})`;
  }
  if (stat && !stat.isFile()) return `${given} is ${kindOf(stat)}; only a regular file can be replaced by a database`;
  // Beside a database, a file named like its sidecar is that sidecar to SQLite: replacing a -wal drops its commits, a new -journal is "rolled back" into it.
  for (const suffix of SIDECARS) {
    const owner = real.endsWith(suffix) ? await lstatOrNone(real.slice(0, -suffix.length)) : undefined;
    if (owner?.isFile()) return `${given} is the ${suffix} of the database ${real.slice(0, -suffix.length)}; choose another name`;
  }
  if (stat && !replace) return `${given} already exists (use --force to replace it)`;
  if (stat) {
    const open = await processesWithOpen([real, ...SIDECARS.map((s) => `${real}${s}`)]);
    if (open?.length) return `${given} is open in pid ${open.join(', ')}; replacing a database under a running process would corrupt its view of it`;
  }
  const staleSidecars: FileId[] = [];
  for (const suffix of SIDECARS) {
    const p = `${real}${suffix}`;
    const s = await lstatOrNone(p);
    if (!s) continue;
    if (!s.isFile()) return `${p} beside ${given} is ${kindOf(s)}; remove it first`;
    if (s.size > 0 && suffix !== '-shm') return `${p} beside ${given} is not empty (an interrupted or live transaction of that database); SQLite would apply it to the new file, so open ${given} with SQLite or remove it first`;
    staleSidecars.push(id(p, s));
  }
  return { dest: real, folder: path.dirname(real), existing: stat && id(real, stat), staleSidecars };
}

/** Right before the rename: DEST is still what was judged (absent, or the same file). */
export async function targetUnchanged(t: Target): Promise<boolean> {
  const now = await lstatOrNone(t.dest);
  return t.existing ? !!now && now.isFile() && same(now, t.existing) : !now;
}

/** After the rename: the old DEST's empty sidecars, only if they are still those files. */
export async function removeStaleSidecars(t: Target): Promise<void> {
  for (const f of t.staleSidecars) {
    const now = await lstatOrNone(f.path);
    if (now && same(now, f)) await fsp.rm(f.path, { force: true });
  }
}
