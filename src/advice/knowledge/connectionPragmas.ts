import { RECOMMENDED_BUSY_TIMEOUT_MS, recommendedValue } from './recommended';

/**
 * Pragmas that live in each connection, not in the file: no tool can read
 * them from disk, so we say so and give the value production apps should set,
 * with the reason. Sources: https://www.sqlite.org/pragma.html,
 * https://www.sqlite.org/wal.html and the "SQLite in production" advice.
 * The recommended values come from src/advice/recommended.ts.
 */
export interface ConnectionPragma {
  name: string;
  /** What SQLite uses when the app does not set it. */
  sqliteDefault: string;
  recommended: string;
  why: string;
  doc: string;
}

export const CONNECTION_PRAGMA_NOTE = 'set by each connection: not stored in the database file, so it cannot be read from it. Your app must set it every time it opens a connection.';

export const CONNECTION_PRAGMAS: readonly ConnectionPragma[] = [
  {
    name: 'busy_timeout',
    sqliteDefault: '0 (fail at once with "database is locked")',
    recommended: String(RECOMMENDED_BUSY_TIMEOUT_MS),
    why: `Waits up to ${RECOMMENDED_BUSY_TIMEOUT_MS / 1000} s for another connection's lock instead of failing immediately with SQLITE_BUSY; essential once a web server runs several workers.`,
    doc: 'https://www.sqlite.org/pragma.html#pragma_busy_timeout',
  },
  {
    name: 'synchronous',
    sqliteDefault: 'FULL (2)',
    recommended: `${recommendedValue('synchronous')} (1) in WAL mode`,
    why: 'In WAL mode NORMAL is still safe against corruption and only a power loss can undo the last commits; it avoids an fsync on every commit.',
    doc: 'https://www.sqlite.org/pragma.html#pragma_synchronous',
  },
  {
    name: 'foreign_keys',
    sqliteDefault: 'OFF',
    recommended: recommendedValue('foreign_keys'),
    why: 'SQLite does not enforce FOREIGN KEY constraints unless each connection turns them on.',
    doc: 'https://www.sqlite.org/pragma.html#pragma_foreign_keys',
  },
  {
    name: 'cache_size',
    sqliteDefault: '-2000 (about 2 MB), unless the file header sets a default',
    recommended: '-20000 (about 20 MB) or more for busy apps',
    why: 'A larger page cache keeps hot pages in memory; negative values are KiB.',
    doc: 'https://www.sqlite.org/pragma.html#pragma_cache_size',
  },
  {
    name: 'wal_autocheckpoint',
    sqliteDefault: '1000 pages',
    recommended: '1000 (the default) unless you checkpoint yourself',
    why: 'Keeps the -wal file from growing without bound; 0 disables automatic checkpoints.',
    doc: 'https://www.sqlite.org/pragma.html#pragma_wal_autocheckpoint',
  },
  {
    name: 'temp_store',
    sqliteDefault: 'DEFAULT (0, usually files)',
    recommended: 'MEMORY (2)',
    why: 'Temporary tables and indices for sorting stay in memory instead of temp files.',
    doc: 'https://www.sqlite.org/pragma.html#pragma_temp_store',
  },
  {
    name: 'mmap_size',
    sqliteDefault: '0 (no memory mapping)',
    recommended: '0, or e.g. 134217728 (128 MiB) on local disks for read-heavy apps',
    why: 'Memory-mapped I/O can speed up reads; an I/O error then surfaces as a signal rather than an error code.',
    doc: 'https://www.sqlite.org/pragma.html#pragma_mmap_size',
  },
];
