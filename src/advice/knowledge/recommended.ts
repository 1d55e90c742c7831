import type { Setting, SettingName } from '../findings';

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

/** The recommended value of one setting, as the table spells it ("WAL", "5000"). */
export function recommendedValue(name: Recommended['name']): string {
  return RECOMMENDED.find((r) => r.name === name)!.value;
}

/** "busy_timeout=5000": one setting as the advice spells it. */
export function recommendedSetting(name: Recommended['name']): string {
  return `${name}=${recommendedValue(name)}`;
}

/** The busy timeout to recommend, in milliseconds. */
export const RECOMMENDED_BUSY_TIMEOUT_MS = Number(recommendedValue('busy_timeout'));
/** Below this a busy timeout is too short to ride out another connection's commit: a warning, and "missing" when it is a driver's default. */
export const ENOUGH_BUSY_TIMEOUT_MS = 1000;

/** The settings each connection must set itself (every one but the persistent journal_mode). */
export const PER_CONNECTION = RECOMMENDED.filter((r) => r.name !== 'journal_mode');

/** "journal_mode=WAL" etc., in the recommended order. */
export const PRODUCTION_PRAGMAS = RECOMMENDED.map((r) => recommendedSetting(r.name));

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
    if (r.name === 'busy_timeout') return Number(s.value) < ENOUGH_BUSY_TIMEOUT_MS;
    return s.value !== r.value.toLowerCase();
  });
}
