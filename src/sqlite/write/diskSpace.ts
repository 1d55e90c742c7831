import { promises as fsp } from 'node:fs';
import { formatBytes } from '../../shared/format';

/**
 * Free space for a write that grows files: VACUUM writes a whole new copy
 * (in a temporary file and in the journal or WAL) before it frees the old
 * one, so it may need up to twice the database's size.
 * https://www.sqlite.org/lang_vacuum.html
 */
export type FreeSpace = (dir: string) => Promise<number | undefined>;

/** Bytes available to this user on the filesystem holding `dir` (statfs), or undefined where it cannot be told. */
export const statfsFree: FreeSpace = async (dir) => {
  try {
    const s = await fsp.statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
};

/** A refusal when `needed` bytes do not fit, else undefined (unknown free space is not a refusal, but is said). */
export async function spaceBlocker(dir: string, needed: number, what: string, freeSpace: FreeSpace = statfsFree): Promise<{ blocker?: string; note: string }> {
  const free = await freeSpace(dir);
  if (free === undefined) return { note: `free space on ${dir} is unknown here; ${what} needs up to ${formatBytes(needed)}` };
  if (free < needed) return { blocker: `${what} needs up to ${formatBytes(needed)} free on the filesystem of ${dir}, and only ${formatBytes(free)} is available`, note: '' };
  return { note: `${formatBytes(free)} free on the filesystem of ${dir}; ${what} needs up to ${formatBytes(needed)}` };
}
