import { ReadOnlyFile } from '../os/fileio';
import { readRollbackPage } from './journal';
import type { DatabaseLayers } from './state';
import { readWalPage } from './wal';

/**
 * Which layer holds page N as a fresh connection would see it now — the one
 * place that decides, for the in-memory image and for the page source alike:
 * a committed WAL frame wins; else, when a hot journal will be rolled back,
 * its original page; else the database file. Pages past the database's size
 * after those layers do not exist.
 */
export type PageLocation =
  | { layer: 'wal'; offset: number }
  | { layer: 'rollback'; offset: number }
  | { layer: 'file'; offset: number };

export function pageLocation(layers: DatabaseLayers, pgno: number): PageLocation | undefined {
  if (pgno < 1 || pgno > layers.state.pageCount) return undefined;
  const walOffset = layers.walPageMap?.latestPageOffset.get(pgno);
  if (walOffset !== undefined) return { layer: 'wal', offset: walOffset };
  const original = layers.rollback?.pageOffsets.get(pgno);
  if (original !== undefined) return { layer: 'rollback', offset: original };
  return { layer: 'file', offset: (pgno - 1) * layers.state.fileHeader.pageSize };
}

/** Pages that do not come from the file, in the order they must be laid over a copy of it (later wins). */
export function* overlayPages(layers: DatabaseLayers): Generator<[number, PageLocation]> {
  for (const [pgno, offset] of layers.rollback?.pageOffsets ?? []) if (pgno <= layers.state.pageCount) yield [pgno, { layer: 'rollback', offset }];
  for (const [pgno, offset] of layers.walPageMap?.latestPageOffset ?? []) yield [pgno, { layer: 'wal', offset }];
}

/** The -wal and hot -journal of one read, open for the pages they hold (each read on demand: neither is loaded whole). */
export class OverlayFiles {
  private constructor(private readonly layers: DatabaseLayers, private readonly wal?: ReadOnlyFile, private readonly journal?: ReadOnlyFile) {}

  static async open(layers: DatabaseLayers): Promise<OverlayFiles> {
    const walPath = layers.walPageMap && layers.state.sidecars.wal?.path;
    const wal = walPath ? await ReadOnlyFile.open(walPath, 'log') : undefined;
    const journal = layers.rollback ? await ReadOnlyFile.open(layers.rollback.journalPath, 'log').catch(async (err) => { await wal?.close(); throw err; }) : undefined;
    return new OverlayFiles(layers, wal, journal);
  }

  /** A fresh buffer with the page's bytes from its overlay layer. */
  read(pgno: number, at: Exclude<PageLocation, { layer: 'file' }>): Promise<Buffer> {
    if (at.layer === 'wal') return readWalPage(this.wal!, this.layers.walPageMap!, pgno, at.offset);
    return readRollbackPage(this.journal!, at.offset, this.layers.state.fileHeader.pageSize);
  }

  async close(): Promise<void> {
    await Promise.all([this.wal?.close(), this.journal?.close()]);
  }
}
