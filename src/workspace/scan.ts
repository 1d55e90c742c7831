import * as path from 'node:path';
import { SqliteFileError, describeError } from '../sqlite/errors';
import { realPathOf, statIfExists, withFile } from '../sqlite/fileio';
import { hasSqliteMagic } from '../sqlite/header';
import { DatabaseState, readDatabaseState } from '../sqlite/state';
import { GlobSet } from './glob';
import { childRel, walkTree } from './walk';

/**
 * Walks a folder tree and yields every SQLite database in it, identified by
 * its magic bytes (never by name alone), as a stream so a UI can show
 * progress. Sidecars are reported with their database, never as databases.
 */
export const DATABASE_EXTENSIONS = ['.db', '.sqlite', '.sqlite3', '.db3', '.s3db', '.sl3', '.sdb'] as const;
export const DEFAULT_EXCLUDES = ['**/node_modules', '**/.git', '**/.venv', '**/venv', '**/__pycache__', '**/dist', '**/out'] as const;
const SIDECAR_SUFFIXES = ['-wal', '-shm', '-journal'];

export interface ScanOptions {
  /** Check every file's magic bytes, not only database extensions. */
  allFiles?: boolean;
  /** Globs relative to the root; a matching folder is not entered, a matching file not read. */
  exclude?: readonly string[];
  /** When set, only files matching one of these globs are checked. */
  include?: readonly string[];
  /** Follow symbolic links (loops are detected); off by default. */
  followSymlinks?: boolean;
  /** Files checked at once. */
  concurrency?: number;
  signal?: AbortSignal;
}

export type ScanEvent =
  | { kind: 'database'; relPath: string; state: DatabaseState }
  | { kind: 'problem'; relPath: string; path: string; code: string; error: string }
  | { kind: 'progress'; directories: number; files: number; candidates: number };

export function toPosix(rel: string): string {
  return rel.split(path.sep).join('/');
}

function isCandidateName(name: string, allFiles: boolean): boolean {
  if (SIDECAR_SUFFIXES.some((s) => name.endsWith(s))) return false;
  if (allFiles) return true;
  const lower = name.toLowerCase();
  return DATABASE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * Whether a scan with these options would look at this file (POSIX path
 * relative to the root): the same test for a file the watcher reports as for
 * one the walk meets, so a database created under node_modules/ stays out.
 */
export function wouldScan(rel: string, options: Pick<ScanOptions, 'allFiles' | 'exclude' | 'include'>): boolean {
  const parts = rel.split('/');
  if (!isCandidateName(parts[parts.length - 1]!, options.allFiles ?? false)) return false;
  const exclude = new GlobSet(options.exclude ?? DEFAULT_EXCLUDES);
  for (let i = 1; i <= parts.length; i++) if (exclude.matches(parts.slice(0, i).join('/'))) return false;
  const include = new GlobSet(options.include ?? []);
  return include.empty || include.matches(rel);
}

export async function* scanWorkspace(root: string, options: ScanOptions = {}): AsyncGenerator<ScanEvent> {
  const exclude = new GlobSet(options.exclude ?? DEFAULT_EXCLUDES);
  const include = new GlobSet(options.include ?? []);
  const allFiles = options.allFiles ?? false;
  const concurrency = options.concurrency ?? 16;

  const out: ScanEvent[] = [];
  const inFlight = new Set<Promise<void>>();
  const links: { abs: string; rel: string }[] = [];
  const found: string[] = [];
  let directories = 0, files = 0, candidates = 0;

  for await (const ev of walkTree(path.resolve(root), { exclude, followSymlinks: options.followSymlinks, signal: options.signal })) {
    if (ev.kind === 'error') {
      out.push({ kind: 'problem', relPath: ev.rel, path: ev.abs, code: 'unreadable', error: describeError(ev.error, ev.rel) });
      continue;
    }
    for (const folder of ev.folders) {
      directories++;
      files += folder.files.length + folder.special.length;
      for (const name of folder.links) {
        const rel = childRel(folder, name);
        if (isCandidateName(name, allFiles) && !exclude.matches(rel) && (include.empty || include.matches(rel))) links.push({ abs: path.join(folder.abs, name), rel });
      }
      for (const [names, regular] of [[folder.files, true], [folder.special, false]] as const) {
        for (const name of names) {
          // Cheapest test first: most files are not named like databases.
          if (!isCandidateName(name, allFiles)) continue;
          const rel = childRel(folder, name);
          if (exclude.matches(rel) || (!include.empty && !include.matches(rel))) continue;
          const abs = path.join(folder.abs, name);
          if (!regular) {
            if (!allFiles) out.push({ kind: 'problem', relPath: rel, path: abs, code: 'unreadable', error: `${rel}: not a regular file (pipe, socket or device); not read` });
            continue;
          }
          if (inFlight.size >= concurrency) await Promise.race(inFlight);
          candidates++;
          const p: Promise<void> = classify(abs, rel, allFiles).then((e) => {
            if (e) out.push(e);
            if (e?.kind === 'database') found.push(abs);
          }).finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
      }
    }
    yield* out.splice(0);
    yield { kind: 'progress', directories, files, candidates };
  }
  await Promise.all(inFlight);
  yield* out.splice(0);
  yield* symlinkedDatabases(links, found, allFiles);
  yield { kind: 'progress', directories, files, candidates };
}

/**
 * A database reached through a symbolic link is listed once, by the link's
 * place with its real path in the state (SQLite resolves links and uses the
 * target's sidecars), unless its target was already found in the tree.
 */
async function* symlinkedDatabases(links: { abs: string; rel: string }[], found: string[], allFiles: boolean): AsyncGenerator<ScanEvent> {
  if (!links.length) return;
  const seen = new Set(await Promise.all(found.map(realPathOf)));
  for (const link of links) {
    const real = await realPathOf(link.abs);
    if (seen.has(real) || !(await statIfExists(real).catch(() => undefined))?.isFile) continue;
    seen.add(real);
    const ev = await classify(link.abs, link.rel, allFiles);
    if (ev?.kind === 'database') yield ev;
  }
}

async function classify(abs: string, rel: string, allFiles: boolean): Promise<ScanEvent | undefined> {
  try {
    const magic = await withFile(abs, async (f) => ({ bytes: await f.read(0, 16), size: f.size }));
    if (!hasSqliteMagic(magic.bytes)) {
      // With --all-files most files are not databases: only database-named ones are worth a word.
      if (allFiles && !isCandidateName(path.basename(abs), false)) return undefined;
      const err = magic.size === 0
        ? new SqliteFileError('empty', rel, 'file is empty (0 bytes); SQLite treats it as a new, empty database with no tables')
        : new SqliteFileError('not-sqlite', rel, `named like a database but is not SQLite (starts with ${JSON.stringify(magic.bytes.toString('latin1').replace(/[^\x20-\x7e]/g, '.'))})`);
      return { kind: 'problem', relPath: rel, path: abs, code: err.code, error: err.message };
    }
    const state = await readDatabaseState(abs);
    return { kind: 'database', relPath: rel, state };
  } catch (err) {
    const code = err instanceof SqliteFileError ? err.code : 'unreadable';
    if (code === 'missing' && rel.includes('\ufffd')) {
      // Node decodes directory entries as UTF-8; a name that is not valid UTF-8 cannot be reopened by that decoded name.
      return { kind: 'problem', relPath: rel, path: abs, code: 'unreadable', error: `${rel}: the file name is not valid UTF-8, so it cannot be opened; rename it to inspect it` };
    }
    // Name the sidecar when it is the one that failed (an unreadable -wal is not an unreadable database).
    const message = err instanceof SqliteFileError ? `${rel}: ${err.file === abs ? '' : `${path.basename(err.file)}: `}${err.detail}` : describeError(err, rel);
    return { kind: 'problem', relPath: rel, path: abs, code, error: message };
  }
}
