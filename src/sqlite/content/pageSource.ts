import type { Pages } from './treeWalk';
import { ReadOnlyFile } from '../os/fileio';
import { OverlayFiles, PageLocation, overlayPages, pageLocation } from '../disk/pageLayers';
import { DatabaseLayers } from '../disk/state';

/**
 * Page N of a database as a fresh connection would see it now (see
 * pageLayers.ts for which layer wins), read on demand — never the whole
 * file. A page that follows closely after the last one read brings its
 * chunk of pages with it (b-trees written in order, and overflow chains, lie
 * mostly in order on disk) into a small bounded cache; a page far from the
 * last is read alone (an index filled in random order is scattered, and a
 * chunk per page would read the file many times over). Memory stays flat
 * whatever the database's size.
 */
const CHUNK_PAGES = 64;
const CACHE_CHUNKS = 32;

export class PageSource implements Pages {
  private readonly chunks = new Map<number, Buffer>();
  /** The page read alone last: reused for the next, which the Pages contract allows. */
  private readonly single: Buffer;
  private lastRead = 0;
  private recent: { chunk: number; bytes: Buffer } | undefined;
  private readonly overlaid: boolean;
  /** Pages that exist somewhere: a header may claim billions more than the file, WAL and journal hold. */
  readonly pageCount: number;

  private constructor(
    private readonly layers: DatabaseLayers,
    private readonly db: ReadOnlyFile,
    private readonly overlays: OverlayFiles,
  ) {
    let last = Math.floor(db.size / layers.state.fileHeader.pageSize);
    let overlaid = false;
    for (const [pgno] of overlayPages(layers)) {
      last = Math.max(last, pgno);
      overlaid = true;
    }
    this.pageCount = Math.min(layers.state.pageCount, last);
    this.overlaid = overlaid;
    this.single = Buffer.allocUnsafe(this.pageSize);
  }

  /** `layers` from readDatabaseLayersOnce, read inside the same consistency check as the pages. */
  static async open(path: string, layers: DatabaseLayers): Promise<PageSource> {
    const db = await ReadOnlyFile.open(path, 'database');
    const overlays = await OverlayFiles.open(layers).catch(async (err) => { await db.close(); throw err; });
    return new PageSource(layers, db, overlays);
  }

  get pageSize(): number {
    return this.layers.state.pageSize;
  }

  /** The page count a connection would use (the header's, or the WAL's after its last commit). */
  get claimedPageCount(): number {
    return this.layers.state.pageCount;
  }

  /** The page's bytes, or undefined for a page number outside the database. */
  async page(pgno: number): Promise<Buffer | undefined> {
    if (this.overlaid || pgno < 1 || pgno > this.layers.state.pageCount) {
      const at: PageLocation | undefined = pageLocation(this.layers, pgno);
      if (!at) return undefined;
      if (at.layer !== 'file') return this.overlays.read(pgno, at);
    }
    const chunk = Math.floor((pgno - 1) / CHUNK_PAGES);
    const near = pgno > this.lastRead && pgno - this.lastRead <= CHUNK_PAGES;
    this.lastRead = pgno;
    let bytes = this.cached(chunk);
    if (!bytes && !near) {
      const page = await this.db.readInto(this.single, (pgno - 1) * this.pageSize);
      return page.length === this.pageSize ? page : undefined;
    }
    bytes ??= await this.readChunk(chunk);
    const start = ((pgno - 1) % CHUNK_PAGES) * this.pageSize;
    const page = bytes.subarray(start, start + this.pageSize);
    return page.length === this.pageSize ? page : undefined;
  }

  /** A cached chunk, made the most recently used; a run of pages in the chunk used last (an overflow chain) skips the bookkeeping. */
  private cached(chunk: number): Buffer | undefined {
    if (chunk === this.recent?.chunk) return this.recent.bytes;
    const bytes = this.chunks.get(chunk);
    if (bytes) {
      // Most recently used goes last: the first key is the one to evict.
      this.chunks.delete(chunk);
      this.chunks.set(chunk, bytes);
      this.recent = { chunk, bytes };
    }
    return bytes;
  }

  /** The least recently used chunk's buffer is reused: a walk of any size allocates CACHE_CHUNKS buffers in all. */
  private async readChunk(chunk: number): Promise<Buffer> {
    const size = CHUNK_PAGES * this.pageSize;
    let buffer: Buffer | undefined;
    if (this.chunks.size >= CACHE_CHUNKS) {
      const oldest = this.chunks.keys().next().value!;
      const reused = this.chunks.get(oldest)!;
      this.chunks.delete(oldest);
      // A short chunk (the file's end) is a view of a full-size buffer: take the whole of it back.
      if (reused.byteOffset === 0 && reused.buffer.byteLength === size) buffer = Buffer.from(reused.buffer as ArrayBuffer, 0, size);
    }
    const bytes = await this.db.readInto(buffer ?? Buffer.allocUnsafe(size), chunk * CHUNK_PAGES * this.pageSize);
    this.chunks.set(chunk, bytes);
    this.recent = { chunk, bytes };
    return bytes;
  }

  async close(): Promise<void> {
    await Promise.all([this.db.close(), this.overlays.close()]);
  }
}

/** The pages of an image already in memory (deep inspection's), so its space is walked without reading the files again. */
export function imagePages(bytes: Uint8Array, pageSize: number): Pages {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pageCount = Math.floor(buf.length / pageSize);
  return {
    pageSize,
    pageCount,
    claimedPageCount: pageCount,
    page: async (pgno) => (pgno >= 1 && pgno <= pageCount ? buf.subarray((pgno - 1) * pageSize, pgno * pageSize) : undefined),
  };
}
