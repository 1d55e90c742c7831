import { analyzeSpace, SpaceReport } from './btree';
import type { Pages } from './treeWalk';
import { PageSource, imagePages } from './pageSource';
import { CHANGING_WHILE_READ, readConsistently } from '../disk/consistentRead';
import { DatabaseState, readDatabaseLayersOnce } from '../disk/state';
import type { VacuumEstimate } from './vacuumEstimate';
export type { SpaceObject, SpaceReport } from './btree';
export type { VacuumEstimate };

/**
 * Where the bytes are, for a database of any size, in bounded memory: the
 * b-tree walk over the page source, inside one consistency check so the
 * layers and the pages come from the same moment.
 */
export async function readSpace(path: string): Promise<SpaceReport> {
  const r = await readConsistently(path, async () => {
    const layers = await readDatabaseLayersOnce(path, {});
    const src = await PageSource.open(path, layers);
    try {
      return await walk(src, layers.state);
    } finally {
      await src.close();
    }
  }, undefined, 4);
  if (!r.stable) r.value.problems.push(CHANGING_WHILE_READ);
  return r.value;
}

/** Space of an in-memory image (deep inspection's), read at the same moment as `state`. */
export function spaceOfImage(bytes: Uint8Array, state: DatabaseState): Promise<SpaceReport> {
  return walk(imagePages(bytes, state.pageSize), state);
}

function walk(src: Pages, state: DatabaseState): Promise<SpaceReport> {
  const h = state.header;
  return analyzeSpace({ src, encoding: state.encoding, reservedBytes: h.reservedBytes, autoVacuum: state.autoVacuum, firstFreelistTrunk: h.firstFreelistTrunk, freelistCount: state.freelistCount });
}

/** What VACUUM would free, estimated from a walk of the database now (for `vacuum --dry-run` and the like). */
export async function estimateVacuumSavings(path: string): Promise<VacuumEstimate> {
  const r = await readSpace(path);
  return { bytes: r.vacuumWouldFree, freePages: r.freePages, repackPages: r.repackPages };
}
