import { constants, promises as fsp } from 'node:fs';

/**
 * Read-only file access that is safe to point at anything a scan meets:
 * opening a FIFO or device named `x.db` must not block, and reading must never
 * change the file (we open O_RDONLY; atime may move, mtime never does).
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export class ReadOnlyFile {
  private constructor(readonly path: string, private readonly handle: fsp.FileHandle, readonly size: number, readonly mtimeMs: number) {}

  static async open(path: string): Promise<ReadOnlyFile> {
    const handle = await fsp.open(path, READ_FLAGS);
    try {
      const st = await handle.stat();
      if (!st.isFile()) {
        throw Object.assign(new Error('not a regular file'), { code: 'ENOTREG' });
      }
      return new ReadOnlyFile(path, handle, st.size, st.mtimeMs);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Bytes [position, position+length), shorter if the file ends first. */
  async read(position: number, length: number): Promise<Buffer> {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await this.handle.read(buf, got, length - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === length ? buf : buf.subarray(0, got);
  }

  async currentSize(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  close(): Promise<void> {
    return this.handle.close();
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
