import { PENDING_BYTE } from './lockBytes';
import { decodeRecord, varintLength, varintValue } from './record';
import type { SpaceObject, SpaceReport, TextEncoding } from './reportTypes';
import { TreeCells, emptyTreeCells, estimateVacuum } from './vacuumEstimate';
export type { SpaceObject, SpaceReport };

/**
 * Walks every b-tree of a database from its pages alone
 * (https://www.sqlite.org/fileformat2.html#b_tree_pages): sqlite_schema
 * first, then each table and index from its root page, following overflow
 * chains, plus the freelist and the pointer-map pages of auto_vacuum files.
 * Per object it counts what SQLite's dbstat counts: pages (b-tree and
 * overflow), entries, payload and unused bytes, depth. Damaged structure — a
 * page reached twice, a loop, a child out of range, a bad page type — is
 * reported as a problem and the walk goes on; it never hangs or throws.
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

interface SchemaRow { type: string; name: string; table: string; rootPage: number; sql: string }

const LEAF_TABLE = 0x0d;
const INTERIOR_TABLE = 0x05;
const LEAF_INDEX = 0x0a;
const INTERIOR_INDEX = 0x02;
const MAX_PROBLEMS = 50;

class Walk {
  /** 1 for every page something uses: a second claim is a problem. */
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
    this.owner[pgno] = 1;
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

interface TreeStats extends TreeCells { leafPages: number; entries: number; payloadBytes: number; unusedBytes: number; depth: number; lastLeaf: number; leavesOutOfOrder: number }

/** A page whose bytes make no sense is a problem to report, not an exception: the walk goes on. */
async function walkTree(w: Walk, root: number, name: string, onRecord?: (record: Buffer) => void): Promise<TreeStats> {
  const s: TreeStats = { ...emptyTreeCells(true), leafPages: 0, entries: 0, payloadBytes: 0, unusedBytes: 0, depth: 0, lastLeaf: 0, leavesOutOfOrder: 0 };
  try {
    await walkPages(w, root, name, s, onRecord);
  } catch (err) {
    w.problem(`${name}: a page could not be decoded (${err instanceof Error ? err.message : String(err)}); the walk of this b-tree stopped there`);
  }
  return s;
}

async function walkPages(w: Walk, root: number, name: string, s: TreeStats, onRecord?: (record: Buffer) => void): Promise<void> {
  // Depth-first, left to right, with an explicit stack: leaves come out in key order, and no recursion depth limit applies.
  const stack: { pgno: number; depth: number; parent: number }[] = [{ pgno: root, depth: 1, parent: 0 }];
  while (stack.length) {
    const { pgno, depth, parent } = stack.pop()!;
    if (!w.claim(pgno, () => (parent ? `page ${parent} of ${name}` : `the root of ${name}`))) continue;
    let page = await w.src.page(pgno);
    if (!page) continue;
    let pageIsOurs = false;
    s.pages++;
    s.depth = Math.max(s.depth, depth);
    const h = pgno === 1 ? 100 : 0;
    const type = page[h]!;
    if (type !== LEAF_TABLE && type !== INTERIOR_TABLE && type !== LEAF_INDEX && type !== INTERIOR_INDEX) {
      w.problem(`page ${pgno} of ${name} has b-tree page type ${type}, which SQLite does not know`);
      continue;
    }
    const leaf = type === LEAF_TABLE || type === LEAF_INDEX;
    const table = type === LEAF_TABLE || type === INTERIOR_TABLE;
    s.table = table;
    const headerSize = leaf ? 8 : 12;
    const cells = (page[h + 3]! << 8) | page[h + 4]!;
    const contentStart = ((page[h + 5]! << 8) | page[h + 6]!) || 65536;
    if (h + headerSize + 2 * cells > w.usable) {
      w.problem(`page ${pgno} of ${name} claims ${cells} cells, more than fit`);
      continue;
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
      if (s.lastLeaf && pgno !== s.lastLeaf + 1) s.leavesOutOfOrder++;
      s.lastLeaf = pgno;
      s.leafCells += cells;
      s.leafCellBytes += cellBytes;
    } else {
      s.interiorCells += cells;
      s.interiorCellBytes += cellBytes;
    }
    const maxLocal = table ? w.maxLocalTable : w.maxLocalIndex;
    const children: number[] = [];
    const pointers = h + headerSize;
    for (let i = 0; i < cells; i++) {
      const at = (page[pointers + 2 * i]! << 8) | page[pointers + 2 * i + 1]!;
      if (at < pointers || at >= w.usable) {
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
      s.entries++;
      s.payloadBytes += payload;
      const local = payload <= maxLocal ? payload : w.local(payload, table);
      if (p + local > page.length) {
        w.problem(`cell ${i} of page ${pgno} (${name}) runs past the end of the page`);
        continue;
      }
      if (payload === local) {
        onRecord?.(page.subarray(p, p + payload));
        continue;
      }
      if (!pageIsOurs) {
        // Walking the overflow chain reads other pages: this one must outlive those reads.
        page = Buffer.from(page);
        pageIsOurs = true;
      }
      const collect = onRecord && [page.subarray(p, p + local)];
      const o = await w.overflow(page.readUInt32BE(p + local), payload - local, `a cell on page ${pgno} (${name})`, collect);
      s.overflowPages += o.pages;
      s.pages += o.pages;
      s.unusedBytes += o.unused;
      if (collect) onRecord!(Buffer.concat(collect));
    }
    if (!leaf) children.push(page.readUInt32BE(h + 8));
    for (let i = children.length - 1; i >= 0; i--) stack.push({ pgno: children[i]!, depth: depth + 1, parent: pgno });
  }
}

/** Pages one pointer-map page covers, itself included: five bytes per page it maps. */
const pointerMapSpan = (usable: number) => Math.floor(usable / 5) + 1;

/** Pointer-map pages of an auto_vacuum database: page 2, then one every usable/5 + 1 pages (btree.c ptrmapPageno). */
function pointerMapPageNumbers(pageCount: number, usable: number, lockPage: number): number[] {
  const span = pointerMapSpan(usable);
  const out: number[] = [];
  // A pointer-map page that would fall on the lock-byte page moves to the next one.
  for (let p = 2; p <= pageCount; p += span) out.push(p === lockPage ? p + 1 : p);
  return out;
}

export interface WalkInput {
  src: Pages;
  encoding: TextEncoding;
  reservedBytes: number;
  autoVacuum: number;
  firstFreelistTrunk: number;
  freelistCount: number;
}

export async function analyzeSpace(input: WalkInput): Promise<SpaceReport> {
  const { src } = input;
  const w = new Walk(src, input.reservedBytes);
  if (src.claimedPageCount > src.pageCount) w.problem(`the database claims ${src.claimedPageCount} pages but only ${src.pageCount} exist (truncated); SQLite reports it as malformed`);
  // The page holding the lock bytes is never used by SQLite.
  const lockPage = Math.floor(PENDING_BYTE / src.pageSize) + 1;
  if (lockPage <= src.pageCount) w.owner[lockPage] = 1;

  const schema: SchemaRow[] = [];
  const schemaStats = await walkTree(w, 1, 'sqlite_schema', (rec) => {
    const [type, name, table, rootPage, sql] = decodeRecord(rec, input.encoding);
    schema.push({ type: String(type), name: String(name), table: String(table), rootPage: Number(rootPage) || 0, sql: String(sql ?? '') });
  });
  const objects: SpaceObject[] = [toObject('sqlite_schema', 'table', 'sqlite_schema', 1, schemaStats)];
  const trees: TreeCells[] = [schemaStats];
  for (const row of schema) {
    if ((row.type !== 'table' && row.type !== 'index') || row.rootPage <= 0) continue;
    const stats = await walkTree(w, row.rootPage, row.name);
    objects.push(toObject(row.name, row.type, row.table, row.rootPage, stats));
    trees.push(stats);
  }

  let pointerMapPages = 0;
  if (input.autoVacuum) {
    for (const p of pointerMapPageNumbers(src.pageCount, w.usable, lockPage)) if (w.claim(p, () => 'the pointer map')) pointerMapPages++;
  }
  let freePages = 0;
  for (let trunk = input.firstFreelistTrunk, guard = 0; trunk !== 0 && guard <= src.pageCount; guard++) {
    if (!w.claim(trunk, () => 'the freelist')) break;
    const page = await src.page(trunk);
    if (!page) break;
    freePages++;
    const leaves = page.readUInt32BE(4);
    if (leaves > (w.usable - 8) / 4) {
      w.problem(`freelist trunk page ${trunk} claims ${leaves} leaves, more than fit`);
      break;
    }
    for (let i = 0; i < leaves; i++) if (w.claim(page.readUInt32BE(8 + 4 * i), () => `freelist trunk page ${trunk}`)) freePages++;
    trunk = page.readUInt32BE(0);
  }
  if (freePages !== input.freelistCount) w.problem(`the freelist holds ${freePages} page(s) but the header says ${input.freelistCount}`);
  let lost = 0;
  for (let p = 1; p <= src.pageCount; p++) if (!w.owner[p]) lost++;
  if (lost) w.problem(`${lost} page(s) are used by nothing (neither a b-tree, the freelist nor the pointer map)`);

  objects.sort((a, b) => b.pages - a.pages || a.name.localeCompare(b.name));
  const views = schema.filter((r) => r.type === 'view').map((r) => r.name);
  const triggers = schema.filter((r) => r.type === 'trigger').map((r) => ({ name: r.name, table: r.table }));
  const vacuum = estimateVacuum(trees, { pageSize: src.pageSize, usable: w.usable, freePages, pointerMapPages, pointerMapSpan: pointerMapSpan(w.usable) });
  return { pageSize: src.pageSize, pageCount: src.pageCount, freePages, pointerMapPages, objects, vacuumWouldFree: vacuum.bytes, repackPages: vacuum.repackPages, views, triggers, problems: w.problems };
}

function toObject(name: string, type: 'table' | 'index', table: string, rootPage: number, s: TreeStats): SpaceObject {
  return {
    name, type, table, rootPage,
    pages: s.pages, overflowPages: s.overflowPages, leafPages: s.leafPages, entries: s.entries,
    payloadBytes: s.payloadBytes, unusedBytes: s.unusedBytes, depth: s.depth,
    fragmentation: s.leafPages > 1 ? s.leavesOutOfOrder / (s.leafPages - 1) : 0,
  };
}
