import { DRIVERS, DefaultValue, SQLITE_DEFAULTS, driver } from './drivers';
import { SETTING_NAMES, Setting, SettingName } from './findings';

/**
 * A connection's effective settings from what its code sets, what it leaves
 * to run time, and its driver's defaults (src/advice/drivers.ts): never
 * "missing" for what cannot be known.
 */
export interface Observed {
  /** Settings the code sets: normalised value and file:line. */
  set: Partial<Record<SettingName, { value: string; at: string }>>;
  /** Settings that an expression computed at run time decides (or may decide). */
  unknown: Partial<Record<SettingName, { expression: string; at?: string }>>;
  /** When the whole configuration is computed at run time: every setting not set is unknown. */
  allUnknown?: { expression: string; at?: string };
  /** Framework defaults that replace the driver's (Rails by version, an option like timeout). */
  defaults?: Partial<Record<SettingName, DefaultValue>>;
}

export function effectiveSettings(driverId: string, o: Observed): Record<SettingName, Setting> {
  const d = DRIVERS.some((x) => x.id === driverId) ? driver(driverId).defaults : {};
  const out = {} as Record<SettingName, Setting>;
  for (const name of SETTING_NAMES) {
    const set = o.set[name];
    const unknown = o.unknown[name] ?? o.allUnknown;
    if (set) out[name] = { state: 'set', ...set };
    else if (unknown) out[name] = { state: 'unknown', ...unknown };
    else out[name] = { state: 'default', ...(o.defaults?.[name] ?? d[name] ?? SQLITE_DEFAULTS[name]) };
  }
  // better-sqlite3 is compiled with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1: in WAL mode its default synchronous is NORMAL.
  if (driverId === 'better-sqlite3' && out.synchronous.state === 'default' && out.journal_mode.state === 'set' && out.journal_mode.value === 'wal') {
    out.synchronous = { state: 'default', value: 'normal', source: 'better-sqlite3 docs/compilation.md: SQLITE_DEFAULT_WAL_SYNCHRONOUS=1 (NORMAL in WAL mode)' };
  }
  return out;
}

const SYNC: Record<string, string> = { 0: 'off', 1: 'normal', 2: 'full', 3: 'extra' };
const BOOL_ON = /^(on|1|true|yes)$/i;
const BOOL_OFF = /^(off|0|false|no)$/i;

/** A value as the code writes it → the normalised form (undefined when it is not a value SQLite takes). */
export function normalise(name: string, raw: string): string | undefined {
  const v = raw.trim().replace(/^['"]|['"]$/g, '').trim();
  switch (name) {
    case 'journal_mode': return /^(wal|delete|truncate|memory|persist|off)$/i.test(v) ? v.toLowerCase() : undefined;
    case 'synchronous': return SYNC[v] ?? (/^(off|normal|full|extra)$/i.test(v) ? v.toLowerCase() : undefined);
    case 'foreign_keys': return BOOL_ON.test(v) ? 'on' : BOOL_OFF.test(v) ? 'off' : undefined;
    case 'busy_timeout':
    case 'cache_size': return /^-?\d+$/.test(v) ? String(parseInt(v, 10)) : undefined;
    default: return v;
  }
}

/** The judged settings among raw pragmas: name → normalised value, each at `at` (or where `at` says that one is). */
export function judgedFrom(pragmas: Record<string, string>, at: string | ((name: SettingName) => string)): Observed['set'] {
  const out: Observed['set'] = {};
  for (const name of SETTING_NAMES) {
    const raw = pragmas[name];
    const value = raw === undefined ? undefined : normalise(name, raw);
    if (value !== undefined) out[name] = { value, at: typeof at === 'string' ? at : at(name) };
  }
  return out;
}
