/**
 * The plain data the core reports (no behaviour, no imports of Node APIs), so
 * the webview bundle can share these types without pulling in `node:fs`.
 */
import type { ConnectionPragma } from '../advice/knowledge/connectionPragmas';

export type TextEncoding = 'UTF-8' | 'UTF-16le' | 'UTF-16be';

export interface WalHeader {
  bigEndianChecksums: boolean;
  version: number;
  pageSize: number;
  checkpointSequence: number;
  salt1: number;
  salt2: number;
}

export interface WalSummary {
  fileBytes: number;
  header?: WalHeader;
  /** Why the log holds nothing usable (bad magic, short header…), if so. */
  invalidReason?: string;
  /** Frames that pass salt + checksum, in order. */
  validFrames: number;
  /** Frames up to and including the last commit frame: what readers see. */
  committedFrames: number;
  /** Valid frames after the last commit (a transaction still being written, or abandoned). */
  uncommittedFrames: number;
  /** Distinct pages changed by the committed frames. */
  pagesChanged: number;
  /** Database size in pages after the last commit, when there is one. */
  dbPagesAfterCommit?: number;
  /** Committed frames already copied into the database (from -shm, when it agrees with the log). */
  backfilledFrames: number;
  /** Committed frames not yet checkpointed into the database file. */
  uncheckpointedFrames: number;
  uncheckpointedBytes: number;
  /** Why the scan of frames stopped before the end of the file, if it did. */
  stoppedEarly?: string;
  /** True when the figures come from the wal-index (-shm) rather than a walk of every frame. */
  fromIndex?: boolean;
}

export interface JournalHeader {
  /** Page records in this segment; 0xffffffff means "up to end of file". */
  recordCount: number;
  nonce: number;
  /** Database size in pages before the interrupted transaction. */
  initialPages: number;
  sectorSize: number;
  pageSize: number;
}

export interface JournalState {
  bytes: number;
  /** 'hot': will be rolled back; 'live': a writer holds the transaction open; 'inert': zeroed/empty/irrelevant. */
  status: 'hot' | 'live' | 'inert';
  explanation: string;
  header?: JournalHeader;
  /** Pages the rollback would restore (hot journals only). */
  pagesToRestore?: number;
}

/**
 * Which SQLite lock other processes hold on a database file, read from Linux's
 * /proc/locks (best effort: undefined where it cannot be known). SQLite's
 * POSIX locks sit on fixed bytes of the file (os_unix.c): PENDING at 2^30,
 * RESERVED at 2^30+1, SHARED from 2^30+2 for 510 bytes.
 */
export type LockLevel = 'none' | 'shared' | 'reserved' | 'pending' | 'exclusive';

export interface FileLocks {
  level: LockLevel;
  /** Processes holding any SQLite lock on the file. */
  pids: number[];
}

/** A process that has a database open, with SQLite's names for the locks it holds (see lockHolders.ts). */
export type Role = 'writer' | 'checkpointer' | 'reader' | 'open';

export interface LockHolder {
  pid: number;
  /** The process's command line, shortened. */
  command: string;
  /** SQLite's names: SHARED, RESERVED, PENDING, EXCLUSIVE (database file); WRITE, CHECKPOINT, RECOVER, READ0..READ4 (-shm). */
  locks: string[];
  role: Role;
}

/**
 * What a fresh SQLite connection would see in a database, worked out from the
 * file's header and its sidecars alone (no SQL, no full read of the main file).
 */
export type JournalMode = 'wal' | 'delete';

export interface SidecarFile {
  path: string;
  bytes: number;
  mtimeMs: number;
}

/**
 * Deep inspection: schema, row counts and integrity from an in-memory image
 * (see image.ts) opened with sql.js. Pragma values are what a fresh real
 * SQLite connection to the file would return.
 */
export interface Sidecars { wal?: SidecarFile; shm?: SidecarFile; journal?: SidecarFile }

export type IntegrityMode = 'quick' | 'full' | 'none';

/** Begins the problem reported when integrity is unknown because no consistent copy could be had. */
export const CHANGING_ON_EVERY_READ = 'the database changed on every read, so no consistent copy could be checked';

export interface TableInfo { name: string; rows: number | null; error?: string }

export interface SchemaObject { name: string; table: string }

/** The file-level pragmas, with the values a fresh SQLite connection's PRAGMA returns. */
export interface FilePragmas {
  journalMode: JournalMode;
  pageSize: number;
  pageCount: number;
  freelistCount: number;
  encoding: TextEncoding;
  userVersion: number;
  applicationId: number;
  autoVacuum: 0 | 1 | 2;
  schemaVersion: number;
}

/**
 * Where a database's bytes are, from a walk of its b-trees (see btree.ts):
 * per table and index what SQLite's dbstat counts.
 */
export interface SpaceObject {
  name: string;
  type: 'table' | 'index';
  /** The table an index belongs to (itself for a table). */
  table: string;
  rootPage: number;
  /** B-tree pages plus overflow pages, as dbstat counts them. */
  pages: number;
  overflowPages: number;
  leafPages: number;
  /** Rows of a rowid table; entries of an index or WITHOUT ROWID table. */
  entries: number;
  payloadBytes: number;
  unusedBytes: number;
  depth: number;
  /** Leaf pages that do not directly follow the previous leaf on disk (0..1). */
  fragmentation: number;
}

export interface SpaceReport {
  pageSize: number;
  pageCount: number;
  freePages: number;
  pointerMapPages: number;
  objects: SpaceObject[];
  /** Bytes VACUUM would free, estimated: the free pages plus `repackPages` (see vacuumEstimate.ts). */
  vacuumWouldFree: number;
  /** Pages a tight rebuild of the b-trees would save: half-empty leaves after deletes, pages split by random inserts. */
  repackPages: number;
  /** Names of the schema's views and triggers (they own no pages). */
  views: string[];
  triggers: { name: string; table: string }[];
  problems: string[];
}

export interface InspectReport extends FilePragmas {
  path: string;
  fileBytes: number;
  lastWriterVersion: string;
  tables: TableInfo[];
  views: string[];
  indexes: SchemaObject[];
  triggers: SchemaObject[];
  /** "ok", the messages quick_check/integrity_check returned, or null when not run. */
  integrity: 'ok' | string[] | null;
  integrityMode: IntegrityMode;
  wal: WalSummary | null;
  hotJournal: boolean;
  journal: JournalState | null;
  sidecars: Sidecars;
  locks: FileLocks | null;
  deep: { ran: boolean; layers: string[]; skipped?: string };
  /** Space per table and index (a b-tree walk, any size, bounded memory); null when it could not be read. */
  space: SpaceReport | null;
  connectionPragmas: { note: string; pragmas: readonly ConnectionPragma[] };
  problems: string[];
}
