/**
 * Where SQLite takes its locks: byte ranges of the database file and of the
 * -shm (os.h, os_unix.c, os_win.c). On Linux they show in /proc/locks; on
 * Windows the locks are mandatory, so a read of a locked byte fails while
 * another process holds it. The one table of these offsets: lock readers
 * name what they see with it, and every file read steps around it.
 */

/** Inclusive byte range. */
export interface ByteRange { start: number; end: number }

export const overlaps = (r: ByteRange, start: number, end = start): boolean => r.start <= end && r.end >= start;

// Database file: PENDING at 2^30, RESERVED next, then 510 SHARED bytes. The page holding them stores no data.
export const PENDING_BYTE = 0x40000000;
export const RESERVED_BYTE = PENDING_BYTE + 1;
export const SHARED_RANGE: ByteRange = { start: PENDING_BYTE + 2, end: PENDING_BYTE + 511 };

// -shm: WRITE, CHECKPOINT, RECOVER, READ0..READ4 from byte 120, then DMS, which every connection holds while it has the database open.
export const SHM_LOCK_NAMES = ['WRITE', 'CHECKPOINT', 'RECOVER', 'READ0', 'READ1', 'READ2', 'READ3', 'READ4'] as const;
export const SHM_LOCK_BASE = 120;
export const SHM_DMS_BYTE = SHM_LOCK_BASE + SHM_LOCK_NAMES.length;

/** What a file is to SQLite: a database, a -shm, or a log (-wal, -journal, anything else), which SQLite never locks by byte. */
export type FileRole = 'database' | 'shm' | 'log';

/** Bytes we never read, per kind of file: none of them holds anything we need (the -shm's DMS byte is nBackfillAttempted, unused here). */
export const LOCKED_BYTES: Record<FileRole, readonly ByteRange[]> = {
  database: [{ start: PENDING_BYTE, end: SHARED_RANGE.end }],
  shm: [{ start: SHM_LOCK_BASE, end: SHM_DMS_BYTE }],
  log: [],
};
