import { resolve } from 'node:path';
import { ReadOnlyFile, realPathOf, statIfExists, withFile, withFileIfExists } from '../os/fileio';
import { DatabaseHeader, HEADER_SIZE, pageCountFromFile, parseHeader } from './header';
import { JournalState, RollbackIndex, classifyJournal, indexRollback, readRollbackPage } from './journal';
import { FileLocks, readSqliteLocks, shmIsLive } from '../os/locks';
import { readConsistently } from './consistentRead';
import { StateProblem, addStateProblem, stateProblem, stateProblemText } from './stateProblems';
import { WalPageMap, WalSummary, WalVerify, indexWal, mayUseIndex, readWalPage, summarizeWal } from './wal';
import type { WalFollower } from './walFollower';
import { SHM_HEADER_BYTES, ShmIndex, parseShm, shmBytesFor } from './shm';
import type { FilePragmas, JournalMode, SidecarFile, Sidecars } from '../../shared/reportTypes';
export type { JournalMode, SidecarFile, Sidecars };



export interface DatabaseState extends FilePragmas {
  path: string;
  /** The file a symbolic link at `path` leads to (its sidecars are the ones SQLite uses); absent when `path` is no link. */
  realPath?: string;
  fileBytes: number;
  mtimeMs: number;
  /** Header as stored in the main file. */
  fileHeader: DatabaseHeader;
  /** Header a connection sees: page 1 from the WAL or from a hot journal's rollback when those override the file. */
  header: DatabaseHeader;
  sidecars: Sidecars;
  /** Sidecar names taken by a pipe, socket or device: SQLite would block or fail on them. */
  nonFileSidecars?: string[];
  wal?: WalSummary;
  journal?: JournalState;
  hotJournal: boolean;
  /** Other processes' SQLite locks on the file (Linux only). */
  locks?: FileLocks;
  /** What is wrong, as data: decisions read these. */
  issues: StateProblem[];
  /** The same problems in words (stateProblemText), for the surfaces that print them. */
  problems: string[];
}

/** Internal: the state plus what an image builder needs to reconstruct pages. */
export interface DatabaseLayers {
  state: DatabaseState;
  walPageMap?: WalPageMap;
  rollback?: RollbackIndex;
}

export interface ReadOptions {
  /**
   * Read other processes' locks (/proc/locks) even when there is no
   * -journal to classify; the lock table is read once per database, so a
   * workspace scan leaves it off.
   */
  withLocks?: boolean;
  /** 'full' checksums every WAL frame; the default trusts a verified wal-index for large WALs (see WalVerify). */
  walVerify?: WalVerify;
  /**
   * The file's real path, when the caller knows it without asking the file
   * system: a scan that reached a regular file from a resolved root through
   * no link (resolving costs a readlink per path component, twice a read).
   */
  realPath?: string;
  /** Follows this database's WAL across reads: only frames appended since the last read are checked (see WalFollower). */
  walFollower?: WalFollower;
}

export async function readDatabaseState(path: string, options: ReadOptions = {}): Promise<DatabaseState> {
  const result = await readConsistently(path, () => readDatabaseLayersOnce(path, options), options.realPath);
  if (!result.stable) addStateProblem(result.value.state, stateProblem('changing'));
  return result.value.state;
}

/** One read attempt, unchecked: callers wrap it (with more reads) in readConsistently. */
export async function readDatabaseLayersOnce(path: string, options: ReadOptions): Promise<DatabaseLayers> {
  return withFile(path, 'database', async (db) => {
    const first = await db.read(0, HEADER_SIZE);
    const fileHeader = parseHeader(first, path, db.size);
    const realPath = options.realPath ?? (await realPathOf(path));
    const { sidecars, special } = await findSidecars(realPath);
    const issues: StateProblem[] = special.map((p) => stateProblem('not-a-file', { path: p }));
    const locks = options.withLocks || sidecars.journal ? await readSqliteLocks({ path: realPath, dev: db.dev, ino: db.ino }) : undefined;

    let header = fileHeader;
    let pageCount = pageCountFromFile(fileHeader, db.size);
    const filePages = Math.floor(db.size / fileHeader.pageSize);

    let journal: JournalState | undefined;
    let rollback: DatabaseLayers['rollback'];
    const journalRead = sidecars.journal && (await readJournal(sidecars.journal.path, db.size, fileHeader.pageSize, locks));
    if (journalRead) {
      ({ journal, rollback } = journalRead);
      if (rollback) {
        const page1 = rollback.pageOffsets.get(1);
        if (page1 !== undefined) header = await withFile(rollback.journalPath, 'log', async (j) => parseHeader((await readRollbackPage(j, page1, fileHeader.pageSize)).subarray(0, HEADER_SIZE), path, db.size));
        pageCount = rollback.truncateToPages;
      }
    }
    if (header.writeVersion > 2) issues.push(stateProblem('newer-write-format', { writeVersion: header.writeVersion }));
    const hotJournal = journal?.status === 'hot';
    if (hotJournal) issues.push(stateProblem('hot-journal', { explanation: journal!.explanation }));

    // pager.c opens a WAL whenever a -wal file exists beside a non-empty database.
    const verify = options.walVerify ?? 'index-if-large';
    const shm = sidecars.shm && (await readShm(sidecars.shm.path, mayUseIndex(verify, sidecars.wal?.bytes ?? 0)));
    const walPageMap: WalPageMap | undefined = sidecars.wal && (await withFileIfExists(sidecars.wal.path, 'log', (w) => (options.walFollower ? options.walFollower.index(w, shm) : indexWal(w, shm, verify))));
    if (walPageMap) {
      if (walPageMap.invalidReason) {
        issues.push(stateProblem('wal-ignored', { reason: walPageMap.invalidReason }));
      } else if (walPageMap.header && walPageMap.header.pageSize !== header.pageSize && walPageMap.committedFrames > 0) {
        issues.push(stateProblem('wal-page-size', { walPageSize: walPageMap.header.pageSize, pageSize: header.pageSize }));
      } else if (walPageMap.committedFrames > 0) {
        pageCount = walPageMap.dbPagesAfterCommit!;
        const page1Offset = walPageMap.latestPageOffset.get(1);
        if (page1Offset !== undefined) {
          header = await withFile(sidecars.wal!.path, 'log', async (w) => parseHeader(await readWalPage(w, walPageMap, 1, page1Offset), path, db.size));
        }
      }
      // A transaction being written right now (a connection holds the wal-index) is no problem.
      if (walPageMap.uncommittedFrames > 0 && !(sidecars.shm && (await shmIsLive(sidecars.shm.path)))) {
        issues.push(stateProblem('wal-uncommitted', { frames: walPageMap.uncommittedFrames }));
      }
    }

    const walCovers = (walPageMap?.committedFrames ?? 0) > 0;
    if (!walCovers && !rollback && fileHeader.pageCountValid && fileHeader.headerPageCount > filePages) {
      issues.push(stateProblem('truncated', { headerPages: fileHeader.headerPageCount, filePages }));
    } else if (db.size % fileHeader.pageSize !== 0) {
      issues.push(stateProblem('size-not-page-multiple', { fileBytes: db.size, pageSize: fileHeader.pageSize }));
    }

    const state: DatabaseState = {
      path,
      ...(realPath !== resolve(path) && { realPath }),
      fileBytes: db.size,
      mtimeMs: db.mtimeMs,
      fileHeader,
      header,
      journalMode: header.readVersion === 2 ? 'wal' : 'delete',
      pageSize: header.pageSize,
      pageCount,
      freelistCount: header.freelistCount,
      encoding: header.encoding,
      userVersion: header.userVersion,
      applicationId: header.applicationId,
      autoVacuum: header.autoVacuum,
      schemaVersion: header.schemaCookie,
      sidecars,
      ...(special.length && { nonFileSidecars: special }),
      wal: walPageMap && summarizeWal(walPageMap),
      journal,
      hotJournal,
      locks,
      issues,
      problems: issues.map(stateProblemText),
    };
    return { state, walPageMap: walCovers ? walPageMap : undefined, rollback };
  });
}

/** Sidecars beside the (resolved) database; `special` lists sidecar names taken by something that is not a file. */
async function findSidecars(path: string): Promise<{ sidecars: Sidecars; special: string[] }> {
  const sidecars: Sidecars = {};
  const special: string[] = [];
  await Promise.all((['wal', 'shm', 'journal'] as const).map(async (kind) => {
    const p = `${path}-${kind}`;
    const st = await statIfExists(p);
    if (st?.isFile) sidecars[kind] = { path: p, bytes: st.size, mtimeMs: st.mtimeMs };
    else if (st) special.push(p);
  }));
  return { sidecars, special: special.sort() };
}

async function readJournal(journalPath: string, dbBytes: number, pageSize: number, locks: FileLocks | undefined): Promise<{ journal: JournalState; rollback?: DatabaseLayers['rollback'] } | undefined> {
  return withFileIfExists(journalPath, 'log', async (j: ReadOnlyFile) => {
    const firstBytes = await j.read(0, 512);
    const reservedHeld = locks ? ['reserved', 'pending', 'exclusive'].includes(locks.level) : undefined;
    const journal = classifyJournal({ bytes: j.size, firstBytes, dbBytes, reservedHeld });
    if (journal.status !== 'hot' || !journal.header) return { journal };
    const rollback = await indexRollback(j, pageSize);
    if (rollback) journal.pagesToRestore = rollback.pageOffsets.size;
    return { journal, rollback };
  });
}

/**
 * The wal-index header and checkpoint info, plus — when it will be used to
 * index a large WAL — the page numbers of every committed frame (a few
 * hundred KiB for a 100 MiB WAL). A missing or unreadable -shm is no index.
 */
async function readShm(shmPath: string, withFrames: boolean): Promise<ShmIndex | undefined> {
  try {
    return await withFile(shmPath, 'shm', async (f) => {
      const head = parseShm(await f.read(0, SHM_HEADER_BYTES));
      // Whether it may stand in for the WAL (live, or verified against the log's tail) is indexWal's call.
      if (!head || !withFrames) return head;
      return parseShm(await f.read(0, shmBytesFor(head.mxFrame)));
    });
  } catch {
    return undefined;
  }
}
