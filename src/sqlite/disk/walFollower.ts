import type { ReadOnlyFile } from '../os/fileio';
import { WAL_FRAME_HEADER_SIZE, WalPageMap, WalPosition, WalVerify, continueWal, readWal } from './wal';
import { readWalHeader } from './walHeader';
import type { ShmIndex } from './shm';

/**
 * Follows one growing WAL: each read checks only the frames appended since
 * the last commit it verified, instead of the whole log. An app committing
 * 20 times a second then costs a few frames per read, not megabytes.
 *
 * It resumes only where it is sure nothing before that point changed: the
 * same file (inode), the same 32 header bytes (a checkpoint that restarts
 * the log writes new salts there), a file at least that long (a TRUNCATE
 * checkpoint shrinks it) and the same commit frame header at the resume
 * point (salts and running checksum). Anything else starts over, so a
 * follower's answer equals a fresh full read's.
 */
interface Followed {
  ino: number;
  headerBytes: Buffer;
  at: WalPosition;
  /** The commit frame just before `at`: where its 24-byte header is, and those bytes (none when `at` is the header's end). */
  frameHeader?: { offset: number; bytes: Buffer };
}

export class WalFollower {
  private followed: Followed | undefined;
  /** Frame bytes read so far (what a busy app costs us). */
  bytesRead = 0;
  /** Reads that started over from the first frame. */
  fullReads = 0;

  constructor(private readonly verify: WalVerify = 'full') {}

  /** Reads through this follower, one at a time (each walk adds to the last position's page map in place). */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * The log's page map as of now. Its `latestPageOffset` is this follower's
   * own and changes at its next read: use it before asking again.
   */
  index(wal: ReadOnlyFile, shm?: ShmIndex): Promise<WalPageMap> {
    const next = this.queue.then(() => this.indexNow(wal, shm));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async indexNow(wal: ReadOnlyFile, shm?: ShmIndex): Promise<WalPageMap> {
    try {
      return await this.read(wal, shm);
    } catch (err) {
      // A walk that failed half-way may have added to the page map: start over next time.
      this.followed = undefined;
      throw err;
    }
  }

  private async read(wal: ReadOnlyFile, shm?: ShmIndex): Promise<WalPageMap> {
    const head = wal.size === 0 ? undefined : await readWalHeader(wal);
    const from = head?.header && (await this.resumePoint(wal, head.bytes));
    const read = from
      ? await continueWal(wal, head.header!, shm, this.verify, from)
      : await readWal(wal, shm, this.verify, head);
    if (!from) this.fullReads++;
    this.bytesRead += read.bytesRead;
    let next: Followed | undefined;
    if (head?.header && read.resume) {
      const at = read.resume;
      const offset = at.offset - (WAL_FRAME_HEADER_SIZE + head.header.pageSize);
      const frameHeader = at.committedFrames > 0 ? { offset, bytes: await wal.read(offset, WAL_FRAME_HEADER_SIZE) } : undefined;
      next = { ino: wal.ino, headerBytes: head.bytes, at, frameHeader };
    }
    this.followed = next;
    return read.index;
  }

  /** Forget the log (its database is no longer followed). */
  reset(): void {
    this.followed = undefined;
  }

  private async resumePoint(wal: ReadOnlyFile, headerBytes: Buffer): Promise<WalPosition | undefined> {
    const f = this.followed;
    if (!f || f.ino !== wal.ino || wal.size < f.at.offset || !f.headerBytes.equals(headerBytes)) return undefined;
    if (f.frameHeader && !(await wal.read(f.frameHeader.offset, WAL_FRAME_HEADER_SIZE)).equals(f.frameHeader.bytes)) return undefined;
    return f.at;
  }
}
