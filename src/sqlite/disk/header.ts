import { SqliteFileError } from '../os/errors';
import type { TextEncoding } from '../../shared/reportTypes';
export type { TextEncoding };

/**
 * The 100-byte database header (https://www.sqlite.org/fileformat2.html#the_database_header),
 * decoded without SQL. Field names follow the format document; derived values
 * are named after the PRAGMA that reports them.
 */
export const SQLITE_MAGIC = 'SQLite format 3\0';
export const HEADER_SIZE = 100;


export interface DatabaseHeader {
  pageSize: number;
  writeVersion: number;        // 1 = rollback journal, 2 = WAL
  readVersion: number;
  reservedBytes: number;
  fileChangeCounter: number;
  /** Page count stored in the header; only trustworthy when `pageCountValid`. */
  headerPageCount: number;
  versionValidFor: number;
  pageCountValid: boolean;
  firstFreelistTrunk: number;
  freelistCount: number;
  schemaCookie: number;
  schemaFormat: number;
  defaultCacheSize: number;
  largestRootPage: number;
  /** 0 none, 1 full, 2 incremental: what PRAGMA auto_vacuum returns. */
  autoVacuum: 0 | 1 | 2;
  textEncoding: number;
  encoding: TextEncoding;
  userVersion: number;
  applicationId: number;
  sqliteVersionNumber: number;
  /** "3.45.1" from SQLITE_VERSION_NUMBER of the library that last wrote the file. */
  sqliteVersion: string;
}

const ENCODINGS: Record<number, TextEncoding> = { 0: 'UTF-8', 1: 'UTF-8', 2: 'UTF-16le', 3: 'UTF-16be' };

export function hasSqliteMagic(bytes: Uint8Array): boolean {
  if (bytes.length < 16) return false;
  for (let i = 0; i < 16; i++) if (bytes[i] !== SQLITE_MAGIC.charCodeAt(i)) return false;
  return true;
}

/**
 * Decode and validate a header. `fileSize` is the main file's size (used to
 * derive the page count when the header's copy is stale). Throws SqliteFileError.
 */
export function parseHeader(bytes: Uint8Array, file: string, fileSize: number): DatabaseHeader {
  if (fileSize === 0 || bytes.length === 0) {
    throw new SqliteFileError('empty', file, 'file is empty (0 bytes); SQLite treats it as a new, empty database with no tables');
  }
  if (!hasSqliteMagic(bytes)) {
    throw new SqliteFileError('not-sqlite', file, `not an SQLite database (starts with ${describeMagic(bytes)})`);
  }
  if (bytes.length < HEADER_SIZE) {
    throw new SqliteFileError('truncated', file, `truncated: only ${bytes.length} bytes, the SQLite header needs ${HEADER_SIZE}`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, HEADER_SIZE);
  const u32 = (o: number) => dv.getUint32(o, false);
  const rawPageSize = dv.getUint16(16, false);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const bad = (what: string) => new SqliteFileError('bad-header', file, `corrupt header: ${what}`);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw bad(`page size ${rawPageSize} is not a power of two between 512 and 65536`);
  }
  const writeVersion = bytes[18]!;
  const readVersion = bytes[19]!;
  // btree.c: a read version above 2 cannot be read at all; a write version
  // above 2 (a newer format) is opened read-only.
  if (readVersion < 1 || readVersion > 2 || writeVersion < 1) {
    throw bad(`file format versions ${writeVersion}/${readVersion} (expected 1 = rollback journal or 2 = WAL)`);
  }
  const reservedBytes = bytes[20]!;
  if (pageSize - reservedBytes < 480) {
    throw bad(`${reservedBytes} reserved bytes leave less than 480 usable bytes in a ${pageSize}-byte page`);
  }
  if (bytes[21] !== 64 || bytes[22] !== 32 || bytes[23] !== 32) {
    throw bad(`payload fractions ${bytes[21]}/${bytes[22]}/${bytes[23]} (must be 64/32/32)`);
  }
  const textEncoding = u32(56);
  const encoding = ENCODINGS[textEncoding];
  if (encoding === undefined) throw bad(`text encoding ${textEncoding} (must be 1, 2 or 3)`);
  const schemaFormat = u32(44);
  if (schemaFormat > 4) throw bad(`schema format ${schemaFormat} (must be 1 to 4)`);

  const fileChangeCounter = u32(24);
  const headerPageCount = u32(28);
  const versionValidFor = u32(92);
  const pageCountValid = headerPageCount > 0 && versionValidFor === fileChangeCounter;
  const largestRootPage = u32(52);
  const incremental = u32(64);
  const sqliteVersionNumber = u32(96);
  return {
    pageSize,
    writeVersion,
    readVersion,
    reservedBytes,
    fileChangeCounter,
    headerPageCount,
    versionValidFor,
    pageCountValid,
    firstFreelistTrunk: u32(32),
    freelistCount: u32(36),
    schemaCookie: u32(40),
    schemaFormat,
    defaultCacheSize: dv.getInt32(48, false),
    largestRootPage,
    autoVacuum: largestRootPage === 0 ? 0 : incremental ? 2 : 1,
    textEncoding,
    encoding,
    userVersion: dv.getInt32(60, false),
    applicationId: dv.getInt32(68, false),
    sqliteVersionNumber,
    sqliteVersion: formatVersionNumber(sqliteVersionNumber),
  };
}

/**
 * What SQLite uses as the database size in pages when no WAL overrides it:
 * the header's count when valid, else the file size (btree.c lockBtree).
 */
export function pageCountFromFile(h: DatabaseHeader, fileSize: number): number {
  return h.pageCountValid ? h.headerPageCount : Math.floor(fileSize / h.pageSize);
}

function formatVersionNumber(n: number): string {
  if (n === 0) return 'unknown';
  return `${Math.floor(n / 1_000_000)}.${Math.floor(n / 1000) % 1000}.${n % 1000}`;
}

function describeMagic(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.subarray(0, 16));
  const printable = /^[\x20-\x7e\t\r\n]*$/.test(head.toString('latin1'));
  return printable ? JSON.stringify(head.toString('latin1').replace(/\s+/g, ' ').trim().slice(0, 16)) : `bytes ${head.subarray(0, 8).toString('hex')}`;
}
