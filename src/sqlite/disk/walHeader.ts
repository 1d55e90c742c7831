import type { ReadOnlyFile } from '../os/fileio';
import type { WalHeader } from '../../shared/reportTypes';

/**
 * The WAL's 32-byte header (https://www.sqlite.org/fileformat2.html#walformat)
 * and the checksum SQLite chains from it through every frame: what tells a
 * log from garbage, and one generation of the log from the next (the salts).
 */
export const WAL_HEADER_SIZE = 32;
const WAL_MAGIC_LE = 0x377f0682;
const WAL_MAGIC_BE = 0x377f0683;
const WAL_VERSION = 3007000;

export function walChecksum(data: Uint8Array, bigEndian: boolean, s0: number, s1: number): [number, number] {
  const sums = new Uint32Array([s0, s1]);
  walChecksumInto(sums, new DataView(data.buffer, data.byteOffset, data.byteLength), 0, data.byteLength, bigEndian);
  return [sums[0]!, sums[1]!];
}

/**
 * walChecksum over bytes [start, end) of a view, continuing from and
 * leaving the running sums in `sums`: a follower checks every frame of a
 * busy log without making a view or an array per frame.
 */
export function walChecksumInto(sums: Uint32Array, dv: DataView, start: number, end: number, bigEndian: boolean): void {
  let s0 = sums[0]!, s1 = sums[1]!;
  for (let i = start; i < end; i += 8) {
    s0 = (s0 + dv.getUint32(i, !bigEndian) + s1) >>> 0;
    s1 = (s1 + dv.getUint32(i + 4, !bigEndian) + s0) >>> 0;
  }
  sums[0] = s0;
  sums[1] = s1;
}

function parseWalHeader(buf: Uint8Array): { header?: WalHeader; checksum?: [number, number]; invalidReason?: string } {
  if (buf.length < WAL_HEADER_SIZE) return { invalidReason: `WAL header is truncated (${buf.length} of ${WAL_HEADER_SIZE} bytes)` };
  const dv = new DataView(buf.buffer, buf.byteOffset, WAL_HEADER_SIZE);
  const magic = dv.getUint32(0, false);
  if (magic !== WAL_MAGIC_LE && magic !== WAL_MAGIC_BE) return { invalidReason: `not a WAL file (magic 0x${magic.toString(16)})` };
  const bigEndianChecksums = magic === WAL_MAGIC_BE;
  const version = dv.getUint32(4, false);
  if (version !== WAL_VERSION) return { invalidReason: `unsupported WAL format version ${version}` };
  const pageSize = dv.getUint32(8, false);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    return { invalidReason: `WAL page size ${pageSize} is not a power of two between 512 and 65536` };
  }
  const checksum = walChecksum(buf.subarray(0, 24), bigEndianChecksums, 0, 0);
  if (checksum[0] !== dv.getUint32(24, false) || checksum[1] !== dv.getUint32(28, false)) {
    return { invalidReason: 'WAL header checksum does not match' };
  }
  return {
    header: {
      bigEndianChecksums,
      version,
      pageSize,
      checkpointSequence: dv.getUint32(12, false),
      salt1: dv.getUint32(16, false),
      salt2: dv.getUint32(20, false),
    },
    checksum,
  };
}

/** The WAL's header as read now (the bytes too, so a follower can tell the log restarted). */
export async function readWalHeader(wal: ReadOnlyFile): Promise<{ bytes: Buffer; header?: WalHeader; checksum?: [number, number]; invalidReason?: string }> {
  const bytes = await wal.read(0, WAL_HEADER_SIZE);
  return { bytes, ...parseWalHeader(bytes) };
}

/**
 * Whether `frame` (its 24-byte header first) is still page `pgno`'s frame of
 * this log generation: the page number and both salts. A log restarted
 * since its page map was made fails this; the caller reads again.
 */
export function frameStillHolds(frame: Uint8Array, pgno: number, header: WalHeader, pageSize: number): boolean {
  if (frame.length !== 24 + pageSize) return false;
  const dv = new DataView(frame.buffer, frame.byteOffset, 16);
  return dv.getUint32(0, false) === pgno && dv.getUint32(8, false) === header.salt1 && dv.getUint32(12, false) === header.salt2;
}
