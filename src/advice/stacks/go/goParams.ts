import { driver } from '../../drivers';

/** mattn/go-sqlite3 reads `_name=value`; the others `_pragma=name(value)` (each driver's `spelling` in drivers.ts). */
export function readsMattnDsn(driverId: string): boolean {
  return driver(driverId).spelling === 'mattn-dsn';
}

/** DSN parameters for the recommended settings, in the driver's own spelling. */
export function goParams(driverId: string, missing: readonly { name: string; value: string }[]): string[] {
  const value = (r: { name: string; value: string }) => (r.name === 'foreign_keys' ? '1' : r.value);
  const mattn = readsMattnDsn(driverId);
  return missing.map((r) => (mattn ? `_${r.name}=${value(r)}` : `_pragma=${r.name}(${value(r)})`));
}
