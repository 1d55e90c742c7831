import { varintLength, varintValue } from './record';
import { TreeCells, emptyTreeCells } from './vacuumEstimate';

/**
 * The walk of b-tree pages behind `space` (btree.ts): page ownership and
 * problems, the counts dbstat keeps per page and cell, overflow chains.
 */

/** Pages to walk: a PageSource over the files, or an image already in memory. */
export interface Pages {
  readonly pageSize: number;
  /** Pages that exist. */
  readonly pageCount: number;
  /** Pages the header (or the WAL's last commit) claims. */
  readonly claimedPageCount: number;
  /**
   * The page's bytes, valid until the next call: a source may reuse the
   * buffer for the pages it reads next (a bounded cache), so a caller that
   * holds a page while it reads others copies what it keeps.
   */
  page(pgno: number): Promise<Buffer | undefined>;
}

const LEAF_TABLE = 0x0d;
const INTERIOR_TABLE = 0x05;
const LEAF_INDEX = 0x0a;
const INTERIOR_INDEX = 0x02;
const MAX_PROBLEMS = 50;

const USED = 1;
const LEAF_NOT_COUNTED = 2;

export class Walk {
  /** Non-zero for every page something uses (a second claim is a problem); LEAF_NOT_COUNTED for a b-tree leaf whose order is still to count. */
  readonly owner: Uint8Array;
  readonly problems: string[] = [];
  readonly usable: number;
  /** The most payload a cell keeps on a table leaf, and on an index page; more spills to overflow pages. */
  readonly maxLocalTable: number;
  readonly maxLocalIndex: number;

  constructor(readonly src: Pages, reservedBytes: number) {
    this.owner = new Uint8Array(src.pageCount + 1);
    this.usable = src.pageSize - reservedBytes;
    this.maxLocalTable = this.usable - 35;
    this.maxLocalIndex = Math.floor(((this.usable - 12) * 64) / 255) - 23;
  }

  problem(text: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(text);
    else if (this.problems.length === MAX_PROBLEMS) this.problems.push('… more problems not listed');
  }

  /** Marks a page as used; false (with a problem naming `what()`) when it is out of range or already used. */
  claim(pgno: number, what: () => string): boolean {
    if (!Number.isInteger(pgno) || pgno < 1 || pgno > this.src.pageCount) {
      this.problem(`${what()} points at page ${pgno}, outside the database (1..${this.src.pageCount})`);
      return false;
    }
    if (this.owner[pgno]) {
      this.problem(`page ${pgno} is reached twice (${what()}); SQLite's integrity_check reports this as corruption`);
      return false;
    }
    this.owner[pgno] = USED;
    return true;
  }

  /** Bytes of a cell's payload stored on the b-tree page itself (fileformat2: "Cell Payload Overflow Pages"). */
  local(payload: number, leafTable: boolean): number {
    const u = this.usable;
    const x = leafTable ? this.maxLocalTable : this.maxLocalIndex;
    if (payload <= x) return payload;
    const m = Math.floor(((u - 12) * 32) / 255) - 23;
    const k = m + ((payload - m) % (u - 4));
    return k <= x ? k : m;
  }

  /** Follows an overflow chain; returns its pages' count and, when asked, the payload bytes it holds. */
  async overflow(first: number, remaining: number, what: string, collect: Buffer[] | undefined): Promise<{ pages: number; unused: number }> {
    let pages = 0;
    let unused = 0;
    let next = first;
    const chain = () => `the overflow chain of ${what}`;
    while (remaining > 0 && next !== 0) {
      if (!this.claim(next, chain)) break;
      const page = await this.src.page(next);
      if (!page) break;
      pages++;
      const here = Math.min(remaining, this.usable - 4);
      collect?.push(Buffer.from(page.subarray(4, 4 + here)));
      unused += this.usable - 4 - here;
      remaining -= here;
      next = page.readUInt32BE(0);
    }
    if (remaining > 0) this.problem(`the overflow chain of ${what} ends ${remaining} byte(s) early`);
    return { pages, unused };
  }
}

export interface TreeStats extends TreeCells { leafPages: number; entries: number; payloadBytes: number; unusedBytes: number; depth: number; leavesOutOfOrder: number }

/** A b-tree to walk: its root and name, and for sqlite_schema what to do with each record. */
interface TreeRoot { root: number; name: string; onRecord?: (record: Buffer) => void }

/** Frontier entries pack a page number and its tree's index into one exactly representable number, so a round sorts as a Float64Array. */
const TREE_SLOTS = 2 ** 21;

/**
 * Walks b-trees breadth first, all of them together, each round in page
 * order: the pages come off the disk in one forward sweep per level instead
 * of a jump per page (a table and its index fill the file interleaved), and
 * no recursion depth limit applies. A tree whose page cannot be decoded is
 * reported and left; the others go on.
 */
export async function walkTrees(w: Walk, roots: readonly TreeRoot[]): Promise<TreeStats[]> {
  const stats = roots.map((): TreeStats => ({ ...emptyTreeCells(true), leafPages: 0, entries: 0, payloadBytes: 0, unusedBytes: 0, depth: 0, leavesOutOfOrder: 0 }));
  // Interior page → its children in key order, per tree: the leaves' key order, for fragmentation, and the parent a problem names.
  const childrenOf = roots.map(() => new Map<number, number[]>());
  const stopped = new Set<number>();
  const parentOf = (tree: number, pgno: number) => [...childrenOf[tree]!].find(([, c]) => c.includes(pgno))?.[0];
  let frontier = Float64Array.from(roots, (r, tree) => (r.root >= 0 && r.root < 2 ** 32 ? r.root : 0) * TREE_SLOTS + tree);
  for (let depth = 1; frontier.length; depth++) {
    frontier.sort();
    const next: number[] = [];
    for (const code of frontier) {
      const pgno = Math.floor(code / TREE_SLOTS);
      const tree = code % TREE_SLOTS;
      const { name, onRecord } = roots[tree]!;
      if (stopped.has(tree)) continue;
      const what = () => {
        const parent = parentOf(tree, pgno);
        return parent ? `page ${parent} of ${name}` : `the root of ${name}`;
      };
      if (!w.claim(pgno, what)) continue;
      try {
        const children = await visitPage(w, pgno, name, stats[tree]!, onRecord);
        stats[tree]!.depth = Math.max(stats[tree]!.depth, depth);
        if (children === 'leaf') w.owner[pgno] = LEAF_NOT_COUNTED;
        if (!Array.isArray(children)) continue;
        childrenOf[tree]!.set(pgno, children);
        for (const child of children) next.push(child * TREE_SLOTS + tree);
      } catch (err) {
        w.problem(`${name}: a page could not be decoded (${err instanceof Error ? err.message : String(err)}); the walk of this b-tree stopped there`);
        stopped.add(tree);
      }
    }
    frontier = Float64Array.from(next);
  }
  roots.forEach((r, tree) => { stats[tree]!.leavesOutOfOrder = leavesOutOfOrder(w.owner, r.root, childrenOf[tree]!); });
  return stats;
}

/**
 * Leaves, in key order, that do not directly follow the previous leaf on
 * disk. Each interior page is expanded once and each leaf counted once, so a
 * damaged tree whose pointers loop ends too (`childrenOf` and the leaf marks are used up).
 */
function leavesOutOfOrder(owner: Uint8Array, root: number, childrenOf: Map<number, number[]>): number {
  let out = 0;
  let last = 0;
  const stack = [root];
  while (stack.length) {
    const pgno = stack.pop()!;
    const children = childrenOf.get(pgno);
    if (children) {
      childrenOf.delete(pgno);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    } else if (owner[pgno] === LEAF_NOT_COUNTED) {
      owner[pgno] = USED;
      if (last && pgno !== last + 1) out++;
      last = pgno;
    }
  }
  return out;
}

/** One b-tree page: its counts into `s`, its overflow chains followed; the children of an interior page in key order, 'leaf', or undefined for a page that is no b-tree page. */
async function visitPage(w: Walk, pgno: number, name: string, s: TreeStats, onRecord?: (record: Buffer) => void): Promise<number[] | 'leaf' | undefined> {
  let page = await w.src.page(pgno);
  if (!page) return undefined;
  let pageIsOurs = false;
  s.pages++;
  const h = pgno === 1 ? 100 : 0;
  const type = page[h]!;
  if (type !== LEAF_TABLE && type !== INTERIOR_TABLE && type !== LEAF_INDEX && type !== INTERIOR_INDEX) {
    w.problem(`page ${pgno} of ${name} has b-tree page type ${type}, which SQLite does not know`);
    return undefined;
  }
  const leaf = type === LEAF_TABLE || type === LEAF_INDEX;
  const table = type === LEAF_TABLE || type === INTERIOR_TABLE;
  s.table = table;
  const headerSize = leaf ? 8 : 12;
  const cells = (page[h + 3]! << 8) | page[h + 4]!;
  const contentStart = ((page[h + 5]! << 8) | page[h + 6]!) || 65536;
  if (h + headerSize + 2 * cells > w.usable) {
    w.problem(`page ${pgno} of ${name} claims ${cells} cells, more than fit`);
    return undefined;
  }
  // Unused as dbstat counts it: the gap before the cell content, the free blocks, the fragmented bytes.
  let unused = contentStart - (h + headerSize + 2 * cells) + page[h + 7]!;
  for (let fb = page.readUInt16BE(h + 1), guard = 0; fb && fb + 4 <= w.usable && guard < 10_000; guard++) {
    unused += page.readUInt16BE(fb + 2);
    fb = page.readUInt16BE(fb);
  }
  s.unusedBytes += Math.max(0, unused);
  // The rest of the page is cells and their pointers: what a tight rebuild has to place.
  const cellBytes = Math.max(0, w.usable - h - headerSize - unused);
  if (leaf) {
    s.leafPages++;
    s.leafCells += cells;
    s.leafCellBytes += cellBytes;
  } else {
    s.interiorCells += cells;
    s.interiorCellBytes += cellBytes;
  }
  const children: number[] = [];
  const scan = scanCells(w, page, pgno, name, { first: h + headerSize, cells, leaf, table, everyCell: !!onRecord }, children);
  s.entries += scan.entries;
  s.payloadBytes += scan.payloadBytes;
  for (const cell of scan.later) {
    if (cell.payload === cell.local) {
      onRecord?.(page.subarray(cell.at, cell.at + cell.payload));
      continue;
    }
    if (!pageIsOurs) {
      // Walking the overflow chain reads other pages: this one must outlive those reads.
      page = Buffer.from(page);
      pageIsOurs = true;
    }
    const collect = onRecord && [page.subarray(cell.at, cell.at + cell.local)];
    const o = await w.overflow(page.readUInt32BE(cell.at + cell.local), cell.payload - cell.local, `a cell on page ${pgno} (${name})`, collect);
    s.overflowPages += o.pages;
    s.pages += o.pages;
    s.unusedBytes += o.unused;
    if (collect) onRecord!(Buffer.concat(collect));
  }
  if (leaf) return 'leaf';
  children.push(page.readUInt32BE(h + 8));
  return children;
}

/** A cell left for after the count: one that spills to overflow pages, or any cell when its record is wanted. `at` is where its payload starts. */
interface LaterCell { at: number; payload: number; local: number }

/**
 * The cells of one page counted in one synchronous pass — the walk's hot
 * loop, a few nanoseconds a cell — and the children of an interior page
 * pushed in key order. What needs reading more pages is listed for after.
 */
function scanCells(w: Walk, page: Buffer, pgno: number, name: string, shape: { first: number; cells: number; leaf: boolean; table: boolean; everyCell: boolean }, children: number[]): { entries: number; payloadBytes: number; later: LaterCell[] } {
  const { first, cells, leaf, table, everyCell } = shape;
  const usable = w.usable;
  const maxLocal = table ? w.maxLocalTable : w.maxLocalIndex;
  const later: LaterCell[] = [];
  let entries = 0;
  let payloadBytes = 0;
  for (let i = 0; i < cells; i++) {
    const at = (page[first + 2 * i]! << 8) | page[first + 2 * i + 1]!;
    if (at < first || at >= usable) {
      w.problem(`cell ${i} of page ${pgno} (${name}) lies outside the page`);
      continue;
    }
    let p = at;
    if (!leaf) {
      children.push(page.readUInt32BE(p));
      if (table) continue; // interior table cells: a child and a rowid, no payload
      p += 4;
    }
    const payload = varintValue(page, p);
    p += varintLength(page, p);
    if (table) p += varintLength(page, p); // the rowid
    entries++;
    payloadBytes += payload;
    const local = payload <= maxLocal ? payload : w.local(payload, table);
    if (p + local > page.length) {
      w.problem(`cell ${i} of page ${pgno} (${name}) runs past the end of the page`);
      continue;
    }
    if (everyCell || payload !== local) later.push({ at: p, payload, local });
  }
  return { entries, payloadBytes, later };
}
