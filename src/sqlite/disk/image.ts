import { withFile } from '../os/fileio';
import { formatBytes } from '../../shared/format';
import { readConsistently } from './consistentRead';
import { addStateProblem, stateProblem } from './stateProblems';
import { DatabaseLayers, DatabaseState, readDatabaseLayersOnce } from './state';
import { OverlayFiles, overlayPages } from './pageLayers';

/**
 * An in-memory copy of a database as a fresh SQLite connection would see it
 * right now: a hot journal's original pages put back, then the WAL's committed
 * frames laid over the file. The files themselves are only read.
 */
export interface DatabaseImage {
  state: DatabaseState;
  /** Undefined when the database is above the size bound (`skipped` says so); the state is exact either way. */
  bytes?: Uint8Array;
  skipped?: string;
  /** How the image was assembled, for the report. */
  layers: string[];
  /** False when the files changed during every read attempt: the copy may mix two states. */
  stable: boolean;
}

export async function readDatabaseImage(path: string, maxBytes: number): Promise<DatabaseImage> {
  // One consistency check around both reads: the layers and the pages must come from the same moment.
  // A large log's frames come from its wal-index when that matches the log (as the model's and the
  // scan's reads do, and as SQLite's own readers do), instead of checksumming every frame again.
  const result = await readConsistently(path, async () => assemble(path, await readDatabaseLayersOnce(path, { withLocks: true, walVerify: 'index-if-large' }), maxBytes));
  if (!result.stable) addStateProblem(result.value.state, stateProblem('changing'));
  return { ...result.value, stable: result.stable };
}

async function assemble(path: string, source: DatabaseLayers, maxBytes: number): Promise<Omit<DatabaseImage, 'stable'>> {
  const { state, walPageMap, rollback } = source;
  const pageSize = state.fileHeader.pageSize;
  const imageBytes = state.pageCount * state.pageSize;
  const largest = Math.max(imageBytes, state.fileBytes);
  if (largest > maxBytes) {
    return { state, layers: [], skipped: `deep inspection skipped: ${formatBytes(largest)} is above the ${formatBytes(maxBytes)} limit (header facts are still exact)` };
  }
  const layers: string[] = ['database file'];
  const bytes = new Uint8Array(imageBytes);
  await withFile(path, 'database', async (db) => {
    const data = await db.read(0, Math.min(db.size, imageBytes));
    bytes.set(data);
  });
  let restored = 0;
  const overlays = await OverlayFiles.open(source);
  try {
    // A hot journal's originals first, then the WAL's pages over them (later wins, as in overlayPages).
    for (const [pgno, at] of overlayPages(source)) {
      if (at.layer !== 'rollback') continue;
      restored++;
      bytes.set((await overlays.read(pgno, at)).subarray(0, pageSize), (pgno - 1) * pageSize);
    }
    await overlays.eachWalPage((pgno, page) => bytes.set(page, (pgno - 1) * pageSize));
  } finally {
    await overlays.close();
  }
  if (rollback) layers.push(`hot journal rolled back (${restored} page(s) restored)`);
  if (walPageMap) layers.push(`${walPageMap.committedFrames} committed WAL frame(s) applied`);
  // The copy is opened without a -wal beside it: mark it rollback-mode so the
  // engine reads it as a plain file (the real file's mode is in `state`).
  if (bytes.length >= 100) {
    bytes[18] = 1;
    bytes[19] = 1;
  }
  return { state, bytes, layers };
}
