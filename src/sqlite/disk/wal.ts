import { SqliteFileError } from '../os/errors';
import { ReadOnlyFile } from '../os/fileio';
import type { ShmIndex } from './shm';
import { READ_CHUNK, borrow, giveBack } from './readBuffer';
import { WAL_HEADER_SIZE, frameStillHolds, readWalHeader, walChecksum, walChecksumInto } from './walHeader';
import type { WalHeader, WalSummary } from '../../shared/reportTypes';
export type { WalHeader, WalSummary };

/**
 * Reader for the write-ahead log (https://www.sqlite.org/fileformat2.html#the_write_ahead_log).
 * It validates frames exactly as SQLite's WAL recovery does: salts must match
 * the header and the cumulative checksum must continue unbroken; the first
 * frame that fails ends the log. Only frames up to the last commit frame count.
 */
export const WAL_FRAME_HEADER_SIZE = 24;

export interface WalPageMap extends WalSummary {
  /** For each page, the byte offset of its newest committed frame's page data. */
  latestPageOffset: ReadonlyMap<number, number>;
}

/** Frames are read in batches of up to READ_CHUNK bytes (rounded to whole frames), the first of FIRST_CHUNK. */
const FIRST_CHUNK = 64 * 1024;

/** Above this size a consistent wal-index is trusted rather than checksumming every frame. */
export const TRUST_INDEX_ABOVE_BYTES = 8 * 1024 * 1024;

/**
 * 'full' checksums every frame (what a recovering connection does);
 * 'index-if-large' lets a wal-index verified against the log's tail stand in
 * for WALs above TRUST_INDEX_ABOVE_BYTES; 'index' at any size — a workspace
 * scan, which reads a hundred WALs to learn a few numbers of each, as
 * SQLite's own readers do whenever the index is intact.
 */
export type WalVerify = 'full' | 'index-if-large' | 'index';

export function mayUseIndex(verify: WalVerify, walBytes: number): boolean {
  return verify === 'index' || (verify === 'index-if-large' && walBytes > TRUST_INDEX_ABOVE_BYTES);
}

/**
 * A point in a WAL where a reader may resume: just after a commit frame (or
 * the header), with the running checksum there and the pages committed up
 * to it. Frames before it never change until the log restarts; frames after
 * it may (SQLite rewrites frames of a transaction that has not committed).
 */
export interface WalPosition {
  offset: number;
  checksum: [number, number];
  committedFrames: number;
  dbPagesAfterCommit?: number;
  /**
   * Page → offset of its newest committed frame, before pages beyond the
   * database's size are dropped. Owned by whoever holds the position: a walk
   * from it adds to it in place (copying a busy log's 15,000 entries on
   * every read was most of what following it allocated).
   */
  latest: Map<number, number>;
  /** The largest page number in `latest` (a database that shrank leaves pages beyond its size there). */
  maxPage: number;
  /** The committed frames up to here were taken from the wal-index, not walked. */
  fromIndex?: boolean;
}

export interface WalRead {
  index: WalPageMap;
  /** Where the next read of this log may resume; undefined for an empty or invalid log. */
  resume?: WalPosition;
  header?: WalHeader;
  /** Frame bytes read (the header and one frame header check not counted). */
  bytesRead: number;
}

export function emptyWalPageMap(fileBytes: number, invalidReason?: string): WalPageMap {
  return {
    fileBytes, validFrames: 0, committedFrames: 0, uncommittedFrames: 0, pagesChanged: 0,
    backfilledFrames: 0, uncheckpointedFrames: 0, uncheckpointedBytes: 0, latestPageOffset: new Map(),
    ...(invalidReason !== undefined && { invalidReason }),
  };
}

/** Index an open WAL file, from a matching wal-index when `verify` allows (see WalVerify). */
export async function indexWal(wal: ReadOnlyFile, shm?: ShmIndex, verify: WalVerify = 'full'): Promise<WalPageMap> {
  return (await readWal(wal, shm, verify)).index;
}


/** indexWal, plus where a later read may resume (see WalFollower). */
export async function readWal(wal: ReadOnlyFile, shm?: ShmIndex, verify: WalVerify = 'full', head?: Awaited<ReturnType<typeof readWalHeader>>): Promise<WalRead> {
  if (wal.size === 0) return { index: emptyWalPageMap(0), bytesRead: 0 };
  const parsed = head ?? (await readWalHeader(wal));
  if (!parsed.header) return { index: emptyWalPageMap(wal.size, parsed.invalidReason), bytesRead: 0 };
  const start: WalPosition = { offset: WAL_HEADER_SIZE, checksum: parsed.checksum!, committedFrames: 0, latest: new Map(), maxPage: 0 };
  return continueWal(wal, parsed.header, shm, verify, start);
}

/**
 * The log from `from` on (a position in this generation of it): from the
 * wal-index where `verify` allows and it matches, else by walking frames. A
 * follower of a busy large log then reads a few index entries per read, not
 * the megabytes the app appended.
 */
export async function continueWal(wal: ReadOnlyFile, header: WalHeader, shm: ShmIndex | undefined, verify: WalVerify, from: WalPosition): Promise<WalRead> {
  const fast = shm && mayUseIndex(verify, wal.size) ? await indexFromShm(wal, header, shm, from) : undefined;
  return fast ? { ...fast, header, bytesRead: 0 } : walkFrames(wal, header, shm, from);
}

/**
 * Checks frames from `from` on exactly as SQLite's WAL recovery does: salts
 * must match the header and the cumulative checksum must continue unbroken;
 * the first frame that fails ends the log.
 */
export async function walkFrames(wal: ReadOnlyFile, header: WalHeader, shm: ShmIndex | undefined, from: WalPosition): Promise<WalRead> {
  const fileBytes = wal.size;
  const sums = new Uint32Array(from.checksum);
  const frameSize = WAL_FRAME_HEADER_SIZE + header.pageSize;
  const framesPerChunk = Math.max(1, Math.floor(READ_CHUNK / frameSize));
  // A restarted log keeps the old generation's frames after the new ones: start small, grow while frames stay valid.
  let chunkFrames = Math.min(framesPerChunk, Math.max(1, Math.floor(FIRST_CHUNK / frameSize)));

  // Pages of the open transaction, in frame order (a later frame of a page wins), then those as of the last commit.
  const pendingPages: number[] = [];
  const pendingOffsets: number[] = [];
  const latest = from.latest;
  let maxPage = from.maxPage;
  let validFrames = from.committedFrames;
  let resume: WalPosition = from;
  let stoppedEarly: string | undefined;
  let offset = from.offset;
  let bytesRead = 0;

  let buf: Buffer | undefined;
  try {
    scan: while (offset + frameSize <= fileBytes) {
      const want = Math.min(chunkFrames * frameSize, fileBytes - offset);
      if (!buf || buf.length < want) {
        if (buf) giveBack(buf);
        buf = borrow(want);
      }
      const chunk = await wal.readInto(buf.subarray(0, want), offset);
      chunkFrames = Math.min(framesPerChunk, chunkFrames * 4);
      bytesRead += chunk.length;
      const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (let p = 0; p + frameSize <= chunk.length; p += frameSize, offset += frameSize) {
        const pgno = dv.getUint32(p, false);
        const commitSize = dv.getUint32(p + 4, false);
        if (dv.getUint32(p + 8, false) !== header.salt1 || dv.getUint32(p + 12, false) !== header.salt2) {
          stoppedEarly = `frame ${validFrames + 1} has salts from an earlier WAL generation`;
          break scan;
        }
        if (pgno === 0) {
          stoppedEarly = `frame ${validFrames + 1} names page 0`;
          break scan;
        }
        walChecksumInto(sums, dv, p, p + 8, header.bigEndianChecksums);
        walChecksumInto(sums, dv, p + WAL_FRAME_HEADER_SIZE, p + frameSize, header.bigEndianChecksums);
        if (sums[0] !== dv.getUint32(p + 16, false) || sums[1] !== dv.getUint32(p + 20, false)) {
          stoppedEarly = `frame ${validFrames + 1} fails its checksum (torn or partial write)`;
          break scan;
        }
        validFrames++;
        pendingPages.push(pgno);
        pendingOffsets.push(offset + WAL_FRAME_HEADER_SIZE);
        if (commitSize !== 0) {
          for (let i = 0; i < pendingPages.length; i++) {
            latest.set(pendingPages[i]!, pendingOffsets[i]!);
            maxPage = Math.max(maxPage, pendingPages[i]!);
          }
          pendingPages.length = pendingOffsets.length = 0;
          resume = { offset: offset + frameSize, checksum: [sums[0]!, sums[1]!], committedFrames: validFrames, dbPagesAfterCommit: commitSize, latest, maxPage, fromIndex: from.fromIndex };
        }
      }
      if (chunk.length < frameSize) break;
    }
  } finally {
    if (buf) giveBack(buf);
  }
  if (!stoppedEarly && offset < fileBytes) {
    stoppedEarly = `${fileBytes - offset} trailing bytes do not make a whole frame`;
  }
  const { committedFrames, dbPagesAfterCommit } = resume;
  // Pages beyond the committed database size are not part of the database.
  let shown = resume.latest;
  if (dbPagesAfterCommit !== undefined && resume.maxPage > dbPagesAfterCommit) {
    shown = new Map([...shown].filter(([pg]) => pg <= dbPagesAfterCommit));
  }
  const backfilledFrames = backfillFrom(shm, header, committedFrames);
  const uncheckpointedFrames = committedFrames - backfilledFrames;
  const index: WalPageMap = {
    fileBytes,
    header,
    validFrames,
    committedFrames,
    uncommittedFrames: validFrames - committedFrames,
    pagesChanged: shown.size,
    dbPagesAfterCommit,
    backfilledFrames,
    uncheckpointedFrames,
    uncheckpointedBytes: uncheckpointedFrames * frameSize,
    stoppedEarly,
    ...(from.fromIndex && { fromIndex: true }),
    latestPageOffset: shown,
  };
  return { index, resume, header, bytesRead };
}

/** nBackfill, trusted only when the wal-index describes this very log (same salts). */
function backfillFrom(shm: ShmIndex | undefined, header: WalHeader, committedFrames: number): number {
  if (!shm || shm.salt1 !== header.salt1 || shm.salt2 !== header.salt2) return 0;
  return Math.min(shm.nBackfill, committedFrames);
}

/**
 * For a large WAL, take the committed frames from the wal-index as SQLite's
 * readers do, instead of checksumming every frame: only when the index
 * matches this log (salts, page size), the log is long enough, the frame it
 * names as the last commit really is a commit frame of this log whose size
 * matches, and no valid frame follows it. Otherwise undefined, and the
 * caller walks the frames.
 */
async function indexFromShm(wal: ReadOnlyFile, header: WalHeader, shm: ShmIndex, from: WalPosition): Promise<{ index: WalPageMap; resume: WalPosition } | undefined> {
  const frameSize = WAL_FRAME_HEADER_SIZE + header.pageSize;
  const k = shm.mxFrame;
  if (k === 0 || k < from.committedFrames || shm.salt1 !== header.salt1 || shm.salt2 !== header.salt2 || shm.pageSize !== header.pageSize) return undefined;
  if (WAL_HEADER_SIZE + k * frameSize > wal.size) return undefined;
  const last = await wal.read(WAL_HEADER_SIZE + (k - 1) * frameSize, WAL_FRAME_HEADER_SIZE);
  const commitSize = last.readUInt32BE(4);
  if (commitSize === 0 || commitSize !== shm.nPage || last.readUInt32BE(8) !== header.salt1 || last.readUInt32BE(12) !== header.salt2) return undefined;
  if (last.readUInt32BE(0) !== shm.pageOfFrame(k)) return undefined;
  // A wal-index left by a crash can be self-consistent yet older than the log: if a valid frame
  // follows the last one it names (same salts, checksum continuing from that frame's), the log
  // goes on past the index, which is stale — walk the frames instead, as SQLite would rebuild it.
  const nextAt = WAL_HEADER_SIZE + k * frameSize;
  if (nextAt + frameSize <= wal.size) {
    const next = await wal.read(nextAt, frameSize);
    if (next.readUInt32BE(8) === header.salt1 && next.readUInt32BE(12) === header.salt2) {
      let sums: [number, number] = [last.readUInt32BE(16), last.readUInt32BE(20)];
      sums = walChecksum(next.subarray(0, 8), header.bigEndianChecksums, ...sums);
      sums = walChecksum(next.subarray(WAL_FRAME_HEADER_SIZE), header.bigEndianChecksums, ...sums);
      if (sums[0] === next.readUInt32BE(16) && sums[1] === next.readUInt32BE(20)) return undefined;
    }
  }
  // Every page number first: `from.latest` is changed only once the index is known to hold them all.
  const pages: number[] = [];
  for (let f = from.committedFrames + 1; f <= k; f++) {
    const pgno = shm.pageOfFrame(f);
    if (!pgno) return undefined;
    pages.push(pgno);
  }
  const latest = from.latest;
  let maxPage = from.maxPage;
  pages.forEach((pgno, i) => {
    latest.set(pgno, WAL_HEADER_SIZE + (from.committedFrames + i) * frameSize + WAL_FRAME_HEADER_SIZE);
    maxPage = Math.max(maxPage, pgno);
  });
  const shown = maxPage > commitSize ? new Map([...latest].filter(([pg]) => pg <= commitSize)) : latest;
  const backfilledFrames = Math.min(shm.nBackfill, k);
  const trailing = wal.size - (WAL_HEADER_SIZE + k * frameSize);
  const index: WalPageMap = {
    fileBytes: wal.size,
    header,
    validFrames: k,
    committedFrames: k,
    uncommittedFrames: 0,
    pagesChanged: shown.size,
    dbPagesAfterCommit: commitSize,
    backfilledFrames,
    uncheckpointedFrames: k - backfilledFrames,
    uncheckpointedBytes: (k - backfilledFrames) * frameSize,
    stoppedEarly: trailing > 0 ? `read from the wal-index (-shm); ${trailing} bytes after the last commit frame were not examined` : undefined,
    fromIndex: true,
    latestPageOffset: shown,
  };
  // Frame k's header holds the running checksum up to it: a later read goes on from there.
  const resume: WalPosition = { offset: nextAt, checksum: [last.readUInt32BE(16), last.readUInt32BE(20)], committedFrames: k, dbPagesAfterCommit: commitSize, latest, maxPage, fromIndex: true };
  return { index, resume };
}

/**
 * Reads the page of a committed frame found by indexWal, checking the frame
 * header again: once a checkpoint has copied everything, the next writer
 * restarts the log from its first frame, so an offset indexed a moment ago
 * may now hold another page of a newer generation.
 */
export async function readWalPage(wal: ReadOnlyFile, index: WalPageMap, pgno: number, offset: number): Promise<Buffer> {
  const h = index.header!;
  const frame = await wal.read(offset - WAL_FRAME_HEADER_SIZE, WAL_FRAME_HEADER_SIZE + h.pageSize);
  if (!frameStillHolds(frame, pgno, h, h.pageSize)) {
    throw new SqliteFileError('changing', wal.path, 'the -wal was restarted while it was being read');
  }
  return frame.subarray(WAL_FRAME_HEADER_SIZE);
}

/** The summary without the page map (what reports and JSON carry). */
export function summarizeWal(index: WalPageMap): WalSummary {
  const { latestPageOffset: _omit, ...summary } = index;
  return summary;
}
