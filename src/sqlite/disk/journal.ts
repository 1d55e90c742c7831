import { SqliteFileError } from '../os/errors';
import { ReadOnlyFile } from '../os/fileio';
import type { JournalHeader, JournalState } from '../../shared/reportTypes';
export type { JournalHeader, JournalState };

/**
 * Rollback journal (`-journal`) reading, as pager.c plays it back
 * (https://www.sqlite.org/fileformat2.html#the_rollback_journal).
 * A journal is hot when it is non-empty, its first byte is not zero, the
 * database is not empty, and no process holds a RESERVED lock (i.e. nobody
 * is in the middle of that transaction). The next connection then rolls the
 * database back to the pages saved in the journal.
 */
const JOURNAL_MAGIC = Buffer.from([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]);
const JOURNAL_HEADER_BYTES = 28;

function parseJournalHeader(buf: Uint8Array, offset = 0): JournalHeader | undefined {
  if (buf.length < offset + JOURNAL_HEADER_BYTES) return undefined;
  if (!Buffer.from(buf.subarray(offset, offset + 8)).equals(JOURNAL_MAGIC)) return undefined;
  const dv = new DataView(buf.buffer, buf.byteOffset + offset, JOURNAL_HEADER_BYTES);
  const header = {
    recordCount: dv.getUint32(8, false),
    nonce: dv.getUint32(12, false),
    initialPages: dv.getUint32(16, false),
    sectorSize: dv.getUint32(20, false),
    pageSize: dv.getUint32(24, false),
  };
  const pow2 = (n: number) => (n & (n - 1)) === 0;
  if (header.sectorSize < 32 || header.sectorSize > 65536 || !pow2(header.sectorSize)) return undefined;
  if (header.pageSize < 512 || header.pageSize > 65536 || !pow2(header.pageSize)) return undefined;
  return header;
}

export interface JournalFacts {
  bytes: number;
  firstBytes: Uint8Array;
  dbBytes: number;
  /** Lock held on the database by other processes, when known. */
  reservedHeld?: boolean;
}

/** Classify a journal the way hasHotJournal() in pager.c does. */
export function classifyJournal(facts: JournalFacts): JournalState {
  const { bytes } = facts;
  if (bytes === 0) return { bytes, status: 'inert', explanation: 'empty journal (left by journal_mode=TRUNCATE); nothing to roll back' };
  if (facts.firstBytes[0] === 0) return { bytes, status: 'inert', explanation: 'journal header is zeroed (journal_mode=PERSIST); the last transaction committed' };
  if (facts.dbBytes === 0) return { bytes, status: 'inert', explanation: 'database file is empty, so SQLite will discard this journal' };
  if (facts.reservedHeld) {
    return { bytes, status: 'live', explanation: 'a process is writing a transaction right now; this journal is its undo log, not a crash leftover' };
  }
  const header = parseJournalHeader(facts.firstBytes);
  return {
    bytes,
    status: 'hot',
    header,
    explanation: header
      ? 'hot journal: the last write transaction was interrupted (crash or power loss); the next SQLite connection will roll the database back to its state before that transaction'
      : 'hot journal with an unreadable header: the next SQLite connection will discard it without restoring anything',
  };
}

/** Where a hot journal's original pages are: page number → offset of the page's bytes in the journal. */
export interface RollbackIndex {
  journalPath: string;
  pageOffsets: Map<number, number>;
  /** The database's size in pages before the interrupted transaction (what a rollback truncates to). */
  truncateToPages: number;
}

/** Bytes read at a time while indexing: a journal of any size costs this much memory, not its size. */
const INDEX_READ_BYTES = 1 << 20;

/**
 * The original pages a rollback would write back, and the size to truncate
 * to, following pager_playback(): segments at sector-aligned offsets, each
 * record = pgno, page, checksum; the first bad record or header ends
 * playback. Only the index is kept (the first record of a page wins, as in
 * playback); the pages are read on demand with readRollbackPage.
 */
export async function indexRollback(journal: ReadOnlyFile, dbPageSize: number): Promise<RollbackIndex | undefined> {
  const first = parseJournalHeader(await journal.read(0, JOURNAL_HEADER_BYTES));
  if (!first || first.pageSize !== dbPageSize) return undefined;
  const pageOffsets = new Map<number, number>();
  const recordSize = 8 + dbPageSize;
  const buffer = Buffer.allocUnsafe(Math.max(1, Math.floor(INDEX_READ_BYTES / recordSize)) * recordSize);
  const size = journal.size;
  let headerOffset = 0;
  let header: JournalHeader | undefined = first;
  while (header) {
    let offset = headerOffset + header.sectorSize;
    let records = header.recordCount === 0xffffffff ? Math.floor((size - offset) / recordSize) : header.recordCount;
    let ok = true;
    while (ok && records > 0 && offset + recordSize <= size) {
      const batch = await journal.readInto(buffer.subarray(0, Math.min(records, buffer.length / recordSize) * recordSize), offset);
      const whole = Math.floor(batch.length / recordSize);
      if (whole === 0) break;
      for (let r = 0; r < whole; r++, records--, offset += recordSize) {
        const rec = batch.subarray(r * recordSize, (r + 1) * recordSize);
        const pgno = rec.readUInt32BE(0);
        if (pgno === 0 || rec.readUInt32BE(4 + dbPageSize) !== journalChecksum(header.nonce, rec.subarray(4, 4 + dbPageSize))) { ok = false; break; }
        if (!pageOffsets.has(pgno)) pageOffsets.set(pgno, offset + 4);
      }
    }
    if (!ok || header.recordCount === 0xffffffff || header.recordCount === 0) break;
    headerOffset = Math.ceil(offset / header.sectorSize) * header.sectorSize;
    if (headerOffset + JOURNAL_HEADER_BYTES > size) break;
    const next = parseJournalHeader(await journal.read(headerOffset, JOURNAL_HEADER_BYTES));
    header = next && next.pageSize === dbPageSize ? next : undefined;
  }
  return { journalPath: journal.path, pageOffsets, truncateToPages: first.initialPages };
}

/** One original page from the journal, at an offset indexRollback found. */
export async function readRollbackPage(journal: ReadOnlyFile, offset: number, pageSize: number): Promise<Buffer> {
  const page = await journal.read(offset, pageSize);
  if (page.length !== pageSize) throw new SqliteFileError('changing', journal.path, 'the -journal shrank while it was being read');
  return page;
}

/** pager_cksum(): the nonce plus every 200th byte, counting down from the end of the page. */
function journalChecksum(nonce: number, data: Uint8Array): number {
  let sum = nonce;
  for (let i = data.length - 200; i > 0; i -= 200) sum = (sum + data[i]!) >>> 0;
  return sum >>> 0;
}
