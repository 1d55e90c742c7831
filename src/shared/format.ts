/** Human sizes shared by the CLI, the tree and the panel: "4 KiB", "2.1 MiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v >= 100 || Number.isInteger(v) ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

/** Where VACUUM's estimated saving comes from, in words shared by `space`, `inspect` and the panel. */
export function vacuumSavingSources(freePages: number, repackPages: number): string {
  const free = freePages ? `${freePages.toLocaleString('en-US')} free page(s)` : 'no free pages';
  return repackPages ? `${free} + ${repackPages.toLocaleString('en-US')} page(s) from packing half-empty b-tree pages tight` : free;
}
