import * as path from 'node:path';
import { SqliteFileError, describeError } from '../sqlite/os/errors';
import { withFile } from '../sqlite/os/fileio';
import { hasSqliteMagic } from '../sqlite/disk/header';
import { readDatabaseState } from '../sqlite/disk/state';
import { isCandidateName } from './candidates';
import type { ScanEvent } from './scanTypes';

/**
 * What one candidate file is: a database (by its magic bytes, never by name
 * alone) with its state, a problem worth a word (an impostor named like a
 * database, an empty file, an unreadable one), or nothing (with allFiles,
 * a file that is simply not SQLite).
 */
export async function classify(abs: string, rel: string, allFiles: boolean, realPath?: string): Promise<ScanEvent | undefined> {
  try {
    const magic = await withFile(abs, 'database', async (f) => ({ bytes: await f.read(0, 16), size: f.size }));
    if (!hasSqliteMagic(magic.bytes)) {
      // With --all-files most files are not databases: only database-named ones are worth a word.
      if (allFiles && !isCandidateName(path.basename(abs), false)) return undefined;
      const err = magic.size === 0
        ? new SqliteFileError('empty', rel, 'file is empty (0 bytes); SQLite treats it as a new, empty database with no tables')
        : new SqliteFileError('not-sqlite', rel, `named like a database but is not SQLite (starts with ${JSON.stringify(magic.bytes.toString('latin1').replace(/[^\x20-\x7e]/g, '.'))})`);
      return { kind: 'problem', relPath: rel, path: abs, code: err.code, error: err.message };
    }
    // A scan reads a hundred WALs for a few numbers each: a wal-index verified against the log's tail stands in for its frames.
    const state = await readDatabaseState(abs, { walVerify: 'index', realPath });
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
