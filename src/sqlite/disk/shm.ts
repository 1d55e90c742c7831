/**
 * The wal-index (`-shm`): SQLite's own index of the WAL, shared by every
 * connection that has the database open (https://www.sqlite.org/walformat.html).
 * Readers trust it instead of re-reading the log, and so may we for a large
 * WAL: it names the last commit frame, the database size after it, the page
 * in every frame, and how far checkpoints have copied. Native byte order.
 *
 * Layout: 32 KiB blocks. Block 0 = two 48-byte header copies, 40 bytes of
 * checkpoint info (nBackfill first), then page numbers of frames 1..4062;
 * each later block holds page numbers of 4096 frames; hash tables follow.
 */
export const SHM_HEADER_BYTES = 136;
const BLOCK = 32768;
const FIRST_BLOCK_FRAMES = 4062;
const BLOCK_FRAMES = 4096;
const VERSION = 3007000;

export interface ShmIndex {
  mxFrame: number;
  nPage: number;
  pageSize: number;
  salt1: number;
  salt2: number;
  nBackfill: number;
  /**
   * aReadMark[0..4]: the last WAL frame each reader slot's snapshot includes
   * (a reader holding READi sees frames up to readMarks[i]; slot 0 reads the
   * database file alone). 0xffffffff marks an unused slot.
   */
  readMarks: number[];
  /** Page number held by frame k (1-based), or undefined past the bytes we have. */
  pageOfFrame(k: number): number | undefined;
}

/** Decodes the header; undefined unless both copies agree, it is initialised and its checksum holds. */
export function parseShm(bytes: Uint8Array | undefined): ShmIndex | undefined {
  if (!bytes || bytes.length < SHM_HEADER_BYTES) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = dv.getUint32(0, true) === VERSION;
  if (!le && dv.getUint32(0, false) !== VERSION) return undefined;
  if (!Buffer.from(bytes.subarray(0, 48)).equals(bytes.subarray(48, 96)) || bytes[12] !== 1) return undefined;
  // aCksum covers the first 40 bytes, read as native words.
  let s0 = 0, s1 = 0;
  for (let i = 0; i < 40; i += 8) {
    s0 = (s0 + dv.getUint32(i, le) + s1) >>> 0;
    s1 = (s1 + dv.getUint32(i + 4, le) + s0) >>> 0;
  }
  if (s0 !== dv.getUint32(40, le) || s1 !== dv.getUint32(44, le)) return undefined;
  const sz = dv.getUint16(14, le);
  return {
    mxFrame: dv.getUint32(16, le),
    nPage: dv.getUint32(20, le),
    pageSize: sz === 1 ? 65536 : sz,
    // Salts are copied from the WAL header byte for byte (big-endian).
    salt1: dv.getUint32(32, false),
    salt2: dv.getUint32(36, false),
    nBackfill: dv.getUint32(96, le),
    readMarks: [0, 1, 2, 3, 4].map((i) => dv.getUint32(100 + 4 * i, le)),
    pageOfFrame(k: number) {
      const offset = k <= FIRST_BLOCK_FRAMES
        ? SHM_HEADER_BYTES + 4 * (k - 1)
        : BLOCK * (1 + Math.floor((k - FIRST_BLOCK_FRAMES - 1) / BLOCK_FRAMES)) + 4 * ((k - FIRST_BLOCK_FRAMES - 1) % BLOCK_FRAMES);
      return offset + 4 <= bytes.length ? dv.getUint32(offset, le) : undefined;
    },
  };
}

/** Bytes of -shm that hold the page numbers of the first `frames` frames. */
export function shmBytesFor(frames: number): number {
  if (frames <= FIRST_BLOCK_FRAMES) return SHM_HEADER_BYTES + 4 * frames;
  return BLOCK * (1 + Math.ceil((frames - FIRST_BLOCK_FRAMES) / BLOCK_FRAMES));
}
