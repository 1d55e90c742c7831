/** Frames are read in batches of up to this many bytes: the most a lent buffer is kept at. */
export const READ_CHUNK = 4 * 1024 * 1024;

/**
 * One read buffer, lent to one reader at a time (a WAL walk, the page runs of
 * an image): a busy app appends megabytes a second, and a fresh buffer per
 * chunk made garbage collection the biggest cost of following its log
 * (bench/README.md). A reader that finds it lent out makes its own; the
 * largest buffer up to one chunk is kept.
 */
let spare: Buffer | undefined;

export function borrow(bytes: number): Buffer {
  if (spare && spare.length >= bytes) {
    const b = spare;
    spare = undefined;
    return b;
  }
  return Buffer.allocUnsafe(bytes);
}

export function giveBack(b: Buffer): void {
  if (b.length <= READ_CHUNK && (!spare || spare.length < b.length)) spare = b;
}
