/**
 * The grid's keyboard model (WAI-ARIA grid pattern, row by row): one tab
 * stop, arrows and Home/End move the selection, Enter or Space opens the
 * selected database's detail. Pure, so it is unit-tested without a browser.
 */
export type GridCommand = { move: number } | { open: true } | undefined;

/** What a key does in a grid of `count` rows whose selection is at `index` (-1: none yet). */
export function gridCommand(key: string, index: number, count: number, pageRows = 10): GridCommand {
  if (count === 0) return undefined;
  const last = count - 1;
  const from = Math.min(Math.max(index, 0), last);
  const to = (i: number) => ({ move: Math.min(Math.max(i, 0), last) });
  switch (key) {
    case 'ArrowDown': return index < 0 ? to(0) : to(from + 1);
    case 'ArrowUp': return index < 0 ? to(0) : to(from - 1);
    case 'Home': return to(0);
    case 'End': return to(last);
    case 'PageDown': return to(from + pageRows);
    case 'PageUp': return to(from - pageRows);
    case 'Enter':
    case ' ':
      return index < 0 ? undefined : { open: true };
    default: return undefined;
  }
}

/** The one row that takes Tab (roving tabindex): the selected one, else the first. */
export function tabStop(ids: readonly string[], selected: string | undefined): string | undefined {
  return selected !== undefined && ids.includes(selected) ? selected : ids[0];
}
