/** SQLite's record format (https://www.sqlite.org/fileformat2.html#record_format), as the b-tree walk reads sqlite_schema. */
import type { TextEncoding } from '../../shared/reportTypes';

/** A SQLite varint at `at`: [value, bytes used]. Values above 2^53 lose precision (rowids only; never used as sizes). */
export function varint(b: Uint8Array, at: number): [number, number] {
  return [varintValue(b, at), varintLength(b, at)];
}

/** The varint's value alone (the walk's hot loop: no array allocated per cell). */
export function varintValue(b: Uint8Array, at: number): number {
  let v = 0;
  for (let i = 0; i < 8; i++) {
    const byte = b[at + i] ?? 0;
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) return v;
  }
  return v * 256 + (b[at + 8] ?? 0);
}

/** Bytes the varint at `at` takes: 1 to 9. */
export function varintLength(b: Uint8Array, at: number): number {
  for (let i = 0; i < 8; i++) if (!((b[at + i] ?? 0) & 0x80)) return i + 1;
  return 9;
}

function decodeText(b: Buffer, encoding: TextEncoding): string {
  if (encoding === 'UTF-8') return b.toString('utf8');
  if (encoding === 'UTF-16le') return b.toString('utf16le');
  const swapped = Buffer.from(b);
  swapped.swap16();
  return swapped.toString('utf16le');
}

/** The columns of one record, as strings or numbers (blobs as their size). */
export function decodeRecord(rec: Buffer, encoding: TextEncoding): (string | number | null)[] {
  const [headerSize, n0] = varint(rec, 0);
  const types: number[] = [];
  for (let p = n0; p < headerSize && p < rec.length;) {
    const [t, n] = varint(rec, p);
    types.push(t);
    p += n;
  }
  const out: (string | number | null)[] = [];
  let p = headerSize;
  const INT_SIZES = [0, 1, 2, 3, 4, 6, 8];
  for (const t of types) {
    if (t === 0) out.push(null);
    else if (t >= 1 && t <= 6) {
      const size = INT_SIZES[t]!;
      out.push(size <= 6 ? rec.readIntBE(p, size) : Number(rec.readBigInt64BE(p)));
      p += size;
    } else if (t === 7) { out.push(rec.readDoubleBE(p)); p += 8; }
    else if (t === 8 || t === 9) out.push(t - 8);
    else if (t >= 12) {
      const size = Math.floor((t - 12) / 2);
      out.push(t % 2 ? decodeText(rec.subarray(p, p + size), encoding) : size);
      p += size;
    } else out.push(null);
  }
  return out;
}
