import type { Setting, SettingName } from './findings';

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
 * The recommended settings a connection leaves below the recommendation by
 * default (its driver's or SQLite's). What the app sets is its choice (a
 * wrong value is a misconfiguration, fixed apart); what is unknown is never
 * "missing".
 */
export function missingSettings(settings: Record<SettingName, Setting>): Recommended[] {
  return RECOMMENDED.filter((r) => {
    const s = settings[r.name];
    if (s.state !== 'default') return false;
    if (r.name === 'busy_timeout') return Number(s.value) < 1000;
    return s.value !== r.value.toLowerCase();
  });
}
