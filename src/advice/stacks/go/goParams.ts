/** DSN parameters for the recommended settings, in the driver's own spelling. */
export function goParams(driverId: string, missing: readonly { name: string; value: string }[]): string[] {
  const value = (r: { name: string; value: string }) => (r.name === 'foreign_keys' ? '1' : r.value);
  return missing.map((r) => (driverId === 'mattn/go-sqlite3' ? `_${r.name}=${value(r)}` : `_pragma=${r.name}(${value(r)})`));
}
