/**
 * What VACUUM would give back, estimated from the b-tree walk. VACUUM
 * rebuilds every b-tree by appending its cells in key order (vacuum.c runs
 * INSERT … SELECT, which takes the transfer path of insert.c with append and
 * bulk-load hints): each page is filled with whole cells before the next is
 * started, the interior levels likewise, and overflow chains stay as they
 * are. A tree then needs about the pages its cells fill when packed tight;
 * what it holds beyond that (half-empty leaves after deletes, pages split by
 * random inserts), plus every free page, is what VACUUM frees.
 */

/** The cells of one b-tree as the walk found them; bytes include each cell's 2-byte pointer. */
export interface TreeCells {
  table: boolean;
  pages: number;
  overflowPages: number;
  leafCells: number;
  leafCellBytes: number;
  interiorCells: number;
  interiorCellBytes: number;
}

export const emptyTreeCells = (table: boolean): TreeCells => ({ table, pages: 0, overflowPages: 0, leafCells: 0, leafCellBytes: 0, interiorCells: 0, interiorCellBytes: 0 });

const LEAF_HEADER = 8;
const INTERIOR_HEADER = 12;
/** A table's interior cell: a 4-byte child, a rowid varint of about 3 bytes, its 2-byte pointer. */
const TABLE_INTERIOR_CELL = 9;

/** Pages the tree would take rebuilt tight. */
export function packedPages(t: TreeCells, usable: number): number {
  const leaves = pagesFor(t.leafCells, t.leafCellBytes, usable - LEAF_HEADER);
  const averageLeafCell = t.leafCells ? t.leafCellBytes / t.leafCells : 0;
  const interiorCell = t.interiorCells ? t.interiorCellBytes / t.interiorCells : t.table ? TABLE_INTERIOR_CELL : 4 + averageLeafCell;
  // An interior page with k cells has k + 1 children.
  const children = Math.max(2, Math.floor((usable - INTERIOR_HEADER) / interiorCell) + 1);
  let pages = leaves + t.overflowPages;
  for (let level = leaves; level > 1;) {
    level = Math.ceil(level / children);
    pages += level;
  }
  return pages;
}

/** Whole cells only: a page holds as many average cells as fit. An empty tree keeps its root page. */
function pagesFor(cells: number, bytes: number, capacity: number): number {
  if (!cells) return 1;
  const perPage = Math.max(1, Math.floor(capacity / (bytes / cells)));
  return Math.ceil(cells / perPage);
}

export interface VacuumEstimate {
  /** Bytes VACUUM would free, about. */
  bytes: number;
  freePages: number;
  /** Pages the tight rebuild of the b-trees saves (and the pointer-map pages it no longer needs). */
  repackPages: number;
}

/**
 * Free pages plus what repacking saves. A tree that would come out larger
 * than it is counts against the saving; the total is never below the free
 * pages, which VACUUM always gives back.
 */
export function estimateVacuum(trees: readonly TreeCells[], input: { pageSize: number; usable: number; freePages: number; pointerMapPages: number; pointerMapSpan: number }): VacuumEstimate {
  let saved = 0;
  let after = 0;
  for (const t of trees) {
    const packed = packedPages(t, input.usable);
    saved += t.pages - packed;
    after += packed;
  }
  if (input.pointerMapPages) saved += input.pointerMapPages - Math.ceil(after / input.pointerMapSpan);
  const repackPages = Math.max(0, saved);
  return { bytes: (input.freePages + repackPages) * input.pageSize, freePages: input.freePages, repackPages };
}
