import { analyzeSpace, SpaceReport } from './btree';
import { PageSource } from './pageSource';
import { CHANGING_WHILE_READ, readConsistently } from './snapshot';
import { readDatabaseLayersOnce } from './state';
export type { SpaceObject, SpaceReport } from './btree';

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
      const h = layers.state.header;
      return await analyzeSpace({ src, encoding: layers.state.encoding, reservedBytes: h.reservedBytes, autoVacuum: layers.state.autoVacuum, firstFreelistTrunk: h.firstFreelistTrunk, freelistCount: layers.state.freelistCount });
    } finally {
      await src.close();
    }
  }, 4);
  if (!r.stable) r.value.problems.push(CHANGING_WHILE_READ);
  return r.value;
}
