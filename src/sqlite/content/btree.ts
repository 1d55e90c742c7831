import { PENDING_BYTE } from '../os/lockBytes';
import { decodeRecord } from './record';
import type { SpaceObject, SpaceReport, TextEncoding } from '../../shared/reportTypes';
import { Pages, TreeStats, Walk, walkTrees } from './treeWalk';
import { TreeCells, estimateVacuum } from './vacuumEstimate';
export type { SpaceObject, SpaceReport };

/**
 * Walks every b-tree of a database from its pages alone
 * (https://www.sqlite.org/fileformat2.html#b_tree_pages): sqlite_schema
 * first, then every table and index from its root page (all together, level
 * by level in page order), following overflow chains, plus the freelist and
 * the pointer-map pages of auto_vacuum files.
 * Per object it counts what SQLite's dbstat counts: pages (b-tree and
 * overflow), entries, payload and unused bytes, depth. Damaged structure — a
 * page reached twice, a loop, a child out of range, a bad page type — is
 * reported as a problem and the walk goes on; it never hangs or throws.
 */
interface SchemaRow { type: string; name: string; table: string; rootPage: number; sql: string }

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
  const [schemaStats] = await walkTrees(w, [{ root: 1, name: 'sqlite_schema', onRecord: (rec) => {
    const [type, name, table, rootPage, sql] = decodeRecord(rec, input.encoding);
    schema.push({ type: String(type), name: String(name), table: String(table), rootPage: Number(rootPage) || 0, sql: String(sql ?? '') });
  } }]);
  const owners = schema.filter((row) => (row.type === 'table' || row.type === 'index') && row.rootPage > 0);
  const stats = await walkTrees(w, owners.map((row) => ({ root: row.rootPage, name: row.name })));
  const objects: SpaceObject[] = [toObject('sqlite_schema', 'table', 'sqlite_schema', 1, schemaStats!), ...owners.map((row, i) => toObject(row.name, row.type as 'table' | 'index', row.table, row.rootPage, stats[i]!))];
  const trees: TreeCells[] = [schemaStats!, ...stats];

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
