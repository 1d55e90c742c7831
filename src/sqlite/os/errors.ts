/**
 * Typed errors for files that are not (or not yet) readable SQLite databases.
 * Each carries a `code` a caller can switch on and a message a person can read
 * without a stack trace; the file name is always part of the message.
 */
export type SqliteFileErrorCode =
  | 'empty'            // zero bytes: SQLite treats it as an empty database
  | 'not-sqlite'       // magic string missing
  | 'truncated'        // shorter than the 100-byte header or than one page
  | 'bad-header'       // header values SQLite would reject
  | 'missing'          // does not exist (or vanished between listing and reading)
  | 'unreadable'       // permission denied, not a regular file, I/O error
  | 'changing';        // rewritten under us on every read attempt (a busy app): not a fault of the file

export class SqliteFileError extends Error {
  constructor(
    readonly code: SqliteFileErrorCode,
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'SqliteFileError';
  }
}

/** Turn any thrown value into one line a person can read (never a stack). */
export function describeError(err: unknown, file?: string): string {
  if (err instanceof SqliteFileError) return err.message;
  const e = err as NodeJS.ErrnoException;
  const reason = errnoReason(e?.code) ?? (e instanceof Error ? e.message : String(err));
  return file ? `${file}: ${reason}` : reason;
}

function errnoReason(code: string | undefined): string | undefined {
  switch (code) {
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'ENOENT': return 'file does not exist (or was deleted while being read)';
    case 'EISDIR': return 'is a directory, not a file';
    case 'ELOOP': return 'too many levels of symbolic links';
    case 'ENAMETOOLONG': return 'path is too long';
    case 'EIO': return 'input/output error while reading';
    default: return undefined;
  }
}
