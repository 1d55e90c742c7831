import { BigIntStats, closeSync, constants, fstatSync, openSync, promises as fsp, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { SqliteFileError, describeError } from './errors';
import { FileRole, LOCKED_BYTES } from './lockBytes';
export type { FileRole };

/**
 * Read-only file access that is safe to point at anything a scan meets:
 * opening a FIFO or device named `x.db` must not block, and reading must never
 * change the file (we open O_RDONLY; atime may move, mtime never does).
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Kept on the thread's global object, not in this module: the CLI's command
 * bundles each carry their own copy of this module, and the choice is the
 * thread's, made once by whoever owns it.
 */
const BLOCKING = Symbol.for('sqlite-doctor.blockingIo');

/**
 * How this thread reaches the file system. By default every call goes
 * through libuv's thread pool, so an event loop shared with a UI (VS Code's
 * extension host) never waits on a disk. A thread that does nothing but read
 * — a scan worker, the CLI — makes blocking calls instead: a stat or a
 * 100-byte read then costs microseconds rather than a thread-pool round trip
 * and two promises, and a missing sidecar is `undefined`, not an exception
 * with a stack trace. Results are the same either way.
 */
export function setBlockingIo(on: boolean): void {
  (globalThis as { [BLOCKING]?: boolean })[BLOCKING] = on;
}

function blocking(): boolean {
  return (globalThis as { [BLOCKING]?: boolean })[BLOCKING] === true;
}

interface RawFile {
  read(buf: Buffer, offset: number, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

function asyncRaw(handle: fsp.FileHandle): RawFile {
  return {
    read: async (buf, offset, length, position) => (await handle.read(buf, offset, length, position)).bytesRead,
    close: () => handle.close(),
  };
}

function blockingRaw(fd: number): RawFile {
  return {
    read: async (buf, offset, length, position) => readSync(fd, buf, offset, length, position),
    close: async () => closeSync(fd),
  };
}

async function openRaw(path: string): Promise<{ raw: RawFile; st: { size: number; mtimeMs: number; dev: number; ino: number; isFile(): boolean } }> {
  if (!blocking()) {
    const handle = await fsp.open(path, READ_FLAGS);
    return { raw: asyncRaw(handle), st: await handle.stat().catch(async (err: unknown) => { await handle.close(); throw err; }) };
  }
  const fd = openSync(path, READ_FLAGS);
  try {
    return { raw: blockingRaw(fd), st: fstatSync(fd) };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** Tests only: told of every read this thread makes (file, offset, length), to prove no read touches a lock byte. */
export type ReadListener = (path: string, position: number, length: number) => void;
let readListener: ReadListener | undefined;
export function setReadListener(listener: ReadListener | undefined): void {
  readListener = listener;
}

export class ReadOnlyFile {
  private constructor(readonly path: string, private readonly role: FileRole, private readonly raw: RawFile, readonly size: number, readonly mtimeMs: number, readonly dev: number, readonly ino: number) {}

  /**
   * Throws SqliteFileError('unreadable') naming the file, never a bare errno.
   * `role` says which bytes SQLite may hold locked (lockBytes.ts): reads step
   * around them and see zeros there.
   */
  static async open(path: string, role: FileRole): Promise<ReadOnlyFile> {
    let opened: Awaited<ReturnType<typeof openRaw>>;
    try {
      opened = await openRaw(path);
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      throw new SqliteFileError(missing ? 'missing' : 'unreadable', path, describeError(err));
    }
    const { raw, st } = opened;
    if (!st.isFile()) {
      await raw.close();
      throw new SqliteFileError('unreadable', path, 'not a regular file (directory, pipe, socket or device)');
    }
    return new ReadOnlyFile(path, role, raw, st.size, st.mtimeMs, st.dev, st.ino);
  }

  /** Bytes [position, position+length), shorter if the file ends first. */
  async read(position: number, length: number): Promise<Buffer> {
    return this.readInto(Buffer.alloc(length), position);
  }

  /** Fills `buf` from `position` (a reused buffer keeps a long scan's memory flat); shorter if the file ends first. */
  async readInto(buf: Buffer, position: number): Promise<Buffer> {
    let got = 0;
    while (got < buf.length) {
      const at = position + got;
      const locked = LOCKED_BYTES[this.role].find((r) => r.start <= at && at <= r.end);
      if (locked) {
        // Never read: zeros stand in, up to the end of the range or of the file.
        const skip = Math.min(buf.length - got, locked.end + 1 - at, Math.max(0, this.size - at));
        if (skip === 0) break;
        buf.fill(0, got, got + skip);
        got += skip;
        continue;
      }
      const nextLocked = LOCKED_BYTES[this.role].find((r) => r.start > at)?.start ?? Infinity;
      const length = Math.min(buf.length - got, nextLocked - at);
      readListener?.(this.path, at, length);
      const bytesRead = await this.raw.read(buf, got, length, at);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === buf.length ? buf : buf.subarray(0, got);
  }

  close(): Promise<void> {
    return this.raw.close();
  }
}

/** Like withFile, but a file that does not exist (any more) gives undefined: sidecars come and go. */
export async function withFileIfExists<T>(path: string, role: FileRole, fn: (f: ReadOnlyFile) => Promise<T>): Promise<T | undefined> {
  try {
    return await withFile(path, role, fn);
  } catch (err) {
    if (err instanceof SqliteFileError && err.code === 'missing') return undefined;
    throw err;
  }
}

/** Open, run `fn`, always close. */
export async function withFile<T>(path: string, role: FileRole, fn: (f: ReadOnlyFile) => Promise<T>): Promise<T> {
  const f = await ReadOnlyFile.open(path, role);
  try {
    return await fn(f);
  } finally {
    await f.close();
  }
}

/** size/mtime of a path, or undefined when it does not exist. */
export async function statIfExists(path: string): Promise<{ size: number; mtimeMs: number; isFile: boolean } | undefined> {
  let st;
  try {
    st = blocking() ? statSync(path, { throwIfNoEntry: false }) : await fsp.stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return st && { size: st.size, mtimeMs: st.mtimeMs, isFile: st.isFile() };
}

/** Nanosecond stats (file times change faster than milliseconds show), or undefined when the path cannot be stat'ed. */
export async function preciseStat(path: string): Promise<BigIntStats | undefined> {
  try {
    return blocking() ? statSync(path, { bigint: true, throwIfNoEntry: false }) : await fsp.stat(path, { bigint: true });
  } catch {
    return undefined;
  }
}

/** A small text file read whole (/proc/locks). */
export async function readText(path: string): Promise<string> {
  return blocking() ? readFileSync(path, 'utf8') : fsp.readFile(path, 'utf8');
}

/**
 * The file SQLite would open for this path: it resolves symbolic links and
 * keeps -wal, -shm and -journal beside the target. The path itself when it
 * cannot be resolved (missing: the caller's open reports that).
 */
export async function realPathOf(path: string): Promise<string> {
  if (!blocking()) return fsp.realpath(path).catch(() => path);
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}
