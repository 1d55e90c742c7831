import { SqliteFileError } from '../os/errors';
import { ReadOnlyFile } from '../os/fileio';
import { readRollbackPage } from './journal';
import type { DatabaseLayers } from './state';
import { WAL_FRAME_HEADER_SIZE, readWalPage } from './wal';
import { frameStillHolds } from './walHeader';
import { READ_CHUNK, borrow, giveBack } from './readBuffer';

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

  /**
   * Every committed WAL page, handed to `use` (the bytes are valid until it
   * returns): frames at consecutive offsets are read together, up to
   * READ_CHUNK bytes at a time into the lent read buffer, instead of one read and one buffer per page (an image of a
   * 64 MB log took 16,000 reads).
   */
  async eachWalPage(use: (pgno: number, page: Uint8Array) => void): Promise<void> {
    const header = this.layers.walPageMap?.header;
    if (!header || !this.wal) return;
    const frameSize = WAL_FRAME_HEADER_SIZE + header.pageSize;
    const frames = [...this.layers.walPageMap!.latestPageOffset].map(([pgno, offset]) => [pgno, offset - WAL_FRAME_HEADER_SIZE] as const).sort((a, b) => a[1] - b[1]);
    const perRead = Math.max(1, Math.floor(READ_CHUNK / frameSize));
    const buf = borrow(Math.min(frames.length, perRead) * frameSize);
    try {
      for (let i = 0; i < frames.length;) {
        let j = i + 1;
        while (j < frames.length && j - i < perRead && frames[j]![1] === frames[j - 1]![1] + frameSize) j++;
        const run = await this.wal.readInto(buf.subarray(0, (j - i) * frameSize), frames[i]![1]);
        for (let k = i; k < j; k++) {
          const frame = run.subarray((k - i) * frameSize, (k - i + 1) * frameSize);
          if (!frameStillHolds(frame, frames[k]![0], header, header.pageSize)) throw new SqliteFileError('changing', this.wal.path, 'the -wal was restarted while it was being read');
          use(frames[k]![0], frame.subarray(WAL_FRAME_HEADER_SIZE));
        }
        i = j;
      }
    } finally {
      giveBack(buf);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.wal?.close(), this.journal?.close()]);
  }
}
