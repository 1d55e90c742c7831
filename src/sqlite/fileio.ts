import { constants, promises as fsp } from 'node:fs';
import { SqliteFileError, describeError } from './errors';

/**
 * Read-only file access that is safe to point at anything a scan meets:
 * opening a FIFO or device named `x.db` must not block, and reading must never
 * change the file (we open O_RDONLY; atime may move, mtime never does).
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export class ReadOnlyFile {
  private constructor(readonly path: string, private readonly handle: fsp.FileHandle, readonly size: number, readonly mtimeMs: number, readonly dev: number, readonly ino: number) {}

  /** Throws SqliteFileError('unreadable') naming the file, never a bare errno. */
  static async open(path: string): Promise<ReadOnlyFile> {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(path, READ_FLAGS);
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      throw new SqliteFileError(missing ? 'missing' : 'unreadable', path, describeError(err));
    }
    const st = await handle.stat();
    if (!st.isFile()) {
      await handle.close();
      throw new SqliteFileError('unreadable', path, 'not a regular file (directory, pipe, socket or device)');
    }
    return new ReadOnlyFile(path, handle, st.size, st.mtimeMs, st.dev, st.ino);
  }

  /** Bytes [position, position+length), shorter if the file ends first. */
  async read(position: number, length: number): Promise<Buffer> {
    return this.readInto(Buffer.alloc(length), position);
  }

  /** Fills `buf` from `position` (a reused buffer keeps a long scan's memory flat); shorter if the file ends first. */
  async readInto(buf: Buffer, position: number): Promise<Buffer> {
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await this.handle.read(buf, got, buf.length - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === buf.length ? buf : buf.subarray(0, got);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** Like withFile, but a file that does not exist (any more) gives undefined: sidecars come and go. */
export async function withFileIfExists<T>(path: string, fn: (f: ReadOnlyFile) => Promise<T>): Promise<T | undefined> {
  try {
    return await withFile(path, fn);
  } catch (err) {
    if (err instanceof SqliteFileError && err.code === 'missing') return undefined;
    throw err;
  }
}

/** Open, run `fn`, always close. */
export async function withFile<T>(path: string, fn: (f: ReadOnlyFile) => Promise<T>): Promise<T> {
  const f = await ReadOnlyFile.open(path);
  try {
    return await fn(f);
  } finally {
    await f.close();
  }
}

/** size/mtime of a path, or undefined when it does not exist. */
export async function statIfExists(path: string): Promise<{ size: number; mtimeMs: number; isFile: boolean } | undefined> {
  try {
    const st = await fsp.stat(path);
    return { size: st.size, mtimeMs: st.mtimeMs, isFile: st.isFile() };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The file SQLite would open for this path: it resolves symbolic links and
 * keeps -wal, -shm and -journal beside the target. The path itself when it
 * cannot be resolved (missing: the caller's open reports that).
 */
export async function realPathOf(path: string): Promise<string> {
  return fsp.realpath(path).catch(() => path);
}
