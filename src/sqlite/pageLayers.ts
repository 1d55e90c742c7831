import type { DatabaseLayers } from './state';

/**
 * Which layer holds page N as a fresh connection would see it now — the one
 * place that decides, for the in-memory image and for the page source alike:
 * a committed WAL frame wins; else, when a hot journal will be rolled back,
 * its original page; else the database file. Pages past the database's size
 * after those layers do not exist.
 */
export type PageLocation =
  | { layer: 'wal'; offset: number }
  | { layer: 'rollback'; page: Buffer }
  | { layer: 'file'; offset: number };

export function pageLocation(layers: DatabaseLayers, pgno: number): PageLocation | undefined {
  if (pgno < 1 || pgno > layers.state.pageCount) return undefined;
  const walOffset = layers.walIndex?.latestPageOffset.get(pgno);
  if (walOffset !== undefined) return { layer: 'wal', offset: walOffset };
  const original = layers.rollback?.pages.get(pgno);
  if (original) return { layer: 'rollback', page: original };
  return { layer: 'file', offset: (pgno - 1) * layers.state.fileHeader.pageSize };
}

/** Pages that do not come from the file, in the order they must be laid over a copy of it (later wins). */
export function* overlayPages(layers: DatabaseLayers): Generator<[number, PageLocation]> {
  for (const [pgno, page] of layers.rollback?.pages ?? []) if (pgno <= layers.state.pageCount) yield [pgno, { layer: 'rollback', page }];
  for (const [pgno, offset] of layers.walIndex?.latestPageOffset ?? []) yield [pgno, { layer: 'wal', offset }];
}
