import { cellSafe } from './io';

/** Plain-text table for terminals: left-aligned columns, two spaces apart; a newline in a name cannot break a row. */
export function renderTable(headers: string[], cells: string[][]): string {
  const rows = cells.map((r) => r.map(cellSafe));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
