import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { SIDECARS } from './backupTarget';

/**
 * A new file is written beside its final name, proved, synced, and only
 * then renamed over it: a crash or a failure at any step leaves the old
 * file as it was, and the folder's entry points at a whole file or the old one.
 */
export function tempBeside(dest: string): string {
  const base = path.basename(dest).slice(0, 80);
  return path.join(path.dirname(dest), `.${base}.sqlite-doctor-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** The temporary file and whatever SQLite left beside it. */
export async function removeWithSidecars(file: string): Promise<void> {
  await Promise.all(['', ...SIDECARS].map((s) => fsp.rm(`${file}${s}`, { force: true })));
}

export async function syncFile(file: string): Promise<void> {
  const f = await fsp.open(file, 'r+');
  try { await f.sync(); } finally { await f.close(); }
}

/** The folder entry itself (the rename) is durable once its folder is synced; Windows cannot open a folder for that. */
export async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const d = await fsp.open(dir, 'r');
  try { await d.sync(); } finally { await d.close(); }
}
