/**
 * The per-connection settings a production app should apply, with where the
 * recommendation comes from: the one list the checklist, the snippets and
 * the fixes all read.
 */
export interface Recommended {
  name: 'journal_mode' | 'synchronous' | 'busy_timeout' | 'foreign_keys';
  value: string;
  source: string;
}

export const RECOMMENDED: readonly Recommended[] = [
  { name: 'journal_mode', value: 'WAL', source: 'https://www.sqlite.org/wal.html (persistent, but harmless to repeat on every connection)' },
  { name: 'synchronous', value: 'NORMAL', source: 'https://www.sqlite.org/pragma.html#pragma_synchronous (safe in WAL mode)' },
  { name: 'busy_timeout', value: '5000', source: 'https://www.sqlite.org/pragma.html#pragma_busy_timeout; Rails 8 and the "SQLite in production" advice' },
  { name: 'foreign_keys', value: 'ON', source: 'https://www.sqlite.org/foreignkeys.html (off unless each connection turns it on)' },
];

/** "journal_mode=WAL" etc., in the recommended order. */
export const PRODUCTION_PRAGMAS = RECOMMENDED.map((r) => `${r.name}=${r.value}`);

/**
 * The recommended settings an app configuration does not set, by its own
 * pragmas or its stack's defaults. A busy timeout of 0 (node:sqlite, Go
 * drivers) is a default that sets nothing.
 */
export function missingSettings(pragmas: Record<string, string>, defaults: Record<string, string>): Recommended[] {
  return RECOMMENDED.filter((r) => {
    const value = pragmas[r.name] ?? defaults[r.name];
    if (value === undefined) return true;
    return r.name === 'busy_timeout' && Number(/^\s*(\d+)/.exec(value)?.[1] ?? '0') === 0;
  });
}
