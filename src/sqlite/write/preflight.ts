import { constants, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { FsVerdict, MountInfo, judgeMount, mountOf, readMounts } from '../os/filesystem';
import { processesWithOpen } from '../os/openers';
import { DatabaseState, readDatabaseState } from '../disk/state';

/**
 * Everything worth knowing before changing a database's journal mode, shown
 * to the user before any write and by --dry-run. `blockers` are reasons to
 * refuse; `warnings` and `notes` are said but do not stop the write.
 */
export type Intent = 'enable-wal' | 'disable-wal' | 'checkpoint';

export interface Preflight {
  file: string;
  realPath: string;
  state: DatabaseState;
  fileWritable: boolean;
  dirWritable: boolean;
  filesystem: { type?: string; mountPoint?: string; verdict: FsVerdict['kind']; reason?: string };
  /** Other processes with the database or a sidecar open (Linux, best effort). */
  openBy?: number[];
  blockers: string[];
  warnings: string[];
  notes: string[];
}

export interface PreflightOptions {
  /** A mounts table to judge the filesystem by (tests simulate network mounts with it). */
  mounts?: MountInfo[];
}

export async function preflight(file: string, intent: Intent, options: PreflightOptions = {}): Promise<Preflight> {
  const state = await readDatabaseState(file, { withLocks: true });
  const realPath = state.realPath ?? path.resolve(file);
  const dir = path.dirname(realPath);
  const [fileWritable, dirWritable] = await Promise.all([writable(realPath, constants.W_OK), writable(dir, constants.W_OK | constants.X_OK)]);
  const mounts = options.mounts ?? (await readMounts());
  const mount = mounts && mountOf(realPath, mounts);
  const verdict = mounts ? judgeMount(mount, realPath) : { kind: 'unknown' as const, reason: 'the filesystem type cannot be read on this system' };
  const openBy = await processesWithOpen([realPath, `${realPath}-wal`, `${realPath}-shm`, `${realPath}-journal`]);

  const blockers: string[] = [];
  const warnings: string[] = [];
  const notes: string[] = [];
  for (const p of state.nonFileSidecars ?? []) blockers.push(`${p} is not a regular file (a pipe, socket or device); SQLite would hang or fail opening it, so remove it first`);
  if (state.header.writeVersion > 2) blockers.push(`the file uses write format version ${state.header.writeVersion}, newer than SQLite knows: SQLite opens it read-only`);
  if (!fileWritable) blockers.push(`the database file is read-only (${realPath}); make it writable first if you really mean to change it`);
  if (!dirWritable) blockers.push(`its folder is not writable (${dir}); SQLite must create ${intent === 'disable-wal' ? 'a -journal' : '-wal and -shm'} files beside the database`);
  if (mount?.readOnly) blockers.push(`the filesystem at ${mount.mountPoint} is mounted read-only`);
  if (verdict.kind === 'network' && intent === 'enable-wal') blockers.push(verdict.reason);
  else if (verdict.kind === 'network' || verdict.kind === 'caution') warnings.push(verdict.reason);
  if (state.hotJournal) notes.push('a hot journal is present: SQLite will first roll back the interrupted transaction, exactly as the app itself would on its next open');
  if (state.wal && state.wal.uncheckpointedFrames > 0) notes.push(`the -wal holds ${state.wal.uncheckpointedFrames} frame(s) not yet copied into the database${intent === 'disable-wal' ? '; they are checkpointed before leaving WAL' : ''}`);
  if (openBy && openBy.length) notes.push(`open in ${openBy.length} other process(es) (pid ${openBy.join(', ')}); SQLite's locks keep the change safe${intent === 'disable-wal' ? ', but leaving WAL needs them to close the database first' : ''}`);
  return {
    file,
    realPath,
    state,
    fileWritable,
    dirWritable,
    filesystem: { type: mount?.type, mountPoint: mount?.mountPoint, verdict: verdict.kind, reason: 'reason' in verdict ? verdict.reason : undefined },
    openBy,
    blockers,
    warnings,
    notes,
  };
}

/**
 * access() alone is not enough: it always succeeds for root, yet a file or
 * folder with no write bit at all is one the user marked read-only.
 */
async function writable(p: string, mode: number): Promise<boolean> {
  try {
    await fsp.access(p, mode);
    return ((await fsp.stat(p)).mode & 0o222) !== 0;
  } catch {
    return false;
  }
}
