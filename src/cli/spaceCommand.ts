import { formatBytes, vacuumSavingSources } from '../shared/format';
import { readSpace } from '../sqlite/content/space';
import { CliIo, jsonText } from './io';
import { renderTable } from './table';

/** `sqlite-doctor space FILE [--json]`: pages, entries and bytes per table and index, largest first, and what VACUUM would free. */
export async function spaceCommand(io: CliIo, file: string, opts: { json: boolean }): Promise<number> {
  const r = await readSpace(file);
  if (opts.json) {
    const { pointerMapPages: _p, objects, ...rest } = r;
    io.out(jsonText({ path: file, ...rest, pointerMapPages: r.pointerMapPages, objects: objects.map(({ leafPages: _l, rootPage: _r, fragmentation, ...o }) => ({ ...o, fragmentation: Number(fragmentation.toFixed(3)) })) }));
    return 0;
  }
  const total = r.pageCount * r.pageSize;
  io.out(`${file}: ${formatBytes(total)} in ${r.pageCount} pages of ${formatBytes(r.pageSize)}; ${r.freePages} free page(s)${r.pointerMapPages ? `, ${r.pointerMapPages} pointer-map page(s)` : ''}`);
  io.out('');
  io.out(renderTable(['NAME', 'TYPE', 'TABLE', 'SIZE', 'SHARE', 'PAGES', 'OVERFLOW', 'ENTRIES', 'UNUSED', 'DEPTH', 'OUT OF ORDER'], r.objects.map((o) => [
    o.name, o.type, o.table === o.name ? '' : o.table, formatBytes(o.pages * r.pageSize), `${((100 * o.pages) / r.pageCount).toFixed(1)}%`,
    String(o.pages), String(o.overflowPages), o.entries.toLocaleString('en-US'), formatBytes(o.unusedBytes), String(o.depth), `${Math.round(o.fragmentation * 100)}%`,
  ])));
  io.out('');
  io.out(`VACUUM would free ≈ ${formatBytes(r.vacuumWouldFree)} (${vacuumSavingSources(r.freePages, r.repackPages)})${r.vacuumWouldFree ? '; `sqlite-doctor vacuum FILE` checks the free disk it needs first' : ''}.`);
  for (const p of r.problems) io.err(`problem: ${p}`);
  return 0;
}
