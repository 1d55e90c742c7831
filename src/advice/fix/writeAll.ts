import { constants, promises as fsp } from 'node:fs';
import * as path from 'node:path';

/**
 * Writes a run's files all or none: every file and its folder are checked
 * writable first (the first that is not is named, and nothing is written);
 * each file is then replaced atomically (temp file beside it, same mode,
 * rename), and a failure part-way puts back the files already replaced.
 */
export class WriteError extends Error {
  constructor(readonly file: string, message: string) { super(`${file}: ${message}`); }
}

export async function writeAll(root: string, files: readonly { rel: string; bytes: Buffer; original: Buffer }[]): Promise<void> {
  for (const f of files) {
    const abs = path.join(root, f.rel);
    try {
      await fsp.access(abs, constants.W_OK);
      await fsp.access(path.dirname(abs), constants.W_OK);
      // A file marked read-only stays so, even for a user (root) the system would let through.
      if (((await fsp.stat(abs)).mode & 0o222) === 0) throw Object.assign(new Error('read-only'), { code: 'read-only' });
    } catch (err) {
      throw new WriteError(f.rel, `not writable (${(err as NodeJS.ErrnoException).code ?? 'denied'}); nothing was written`);
    }
  }
  const done: typeof files[number][] = [];
  for (const f of files) {
    try {
      await replace(path.join(root, f.rel), f.bytes);
      done.push(f);
    } catch (err) {
      for (const d of done.reverse()) await replace(path.join(root, d.rel), d.original).catch(() => undefined);
      throw new WriteError(f.rel, `could not be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the files written before it were put back`);
    }
  }
}

async function replace(abs: string, bytes: Buffer): Promise<void> {
  const st = await fsp.stat(abs);
  const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.sqlite-doctor-${process.pid}.tmp`);
  try {
    await fsp.writeFile(tmp, bytes, { mode: st.mode & 0o7777, flag: 'wx' });
    await fsp.rename(tmp, abs);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}
