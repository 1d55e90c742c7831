import { constants, promises as fsp } from 'node:fs';

/**
 * A source file's text and how to write it back byte-for-byte outside an
 * edit: its encoding (UTF-8, else Latin-1 — every byte is a character, so a
 * Latin-1 file round-trips exactly) and a UTF-8 byte-order mark. Only
 * regular files are opened, and without blocking: a FIFO or device named
 * like a config file is never read.
 */
export interface SourceText {
  text: string;
  encoding: 'utf8' | 'latin1';
  bom: boolean;
  /** The line ending new lines get: the file's own. */
  eol: '\n' | '\r\n';
}

export class SourceError extends Error {}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export async function readSource(abs: string, maxBytes: number): Promise<SourceText> {
  const handle = await fsp.open(abs, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0)).catch((err: NodeJS.ErrnoException) => {
    throw new SourceError(err.code === 'ELOOP' ? 'a symbolic link (not followed)' : `cannot be opened (${err.code ?? err.message})`);
  });
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new SourceError('not a regular file (never read)');
    if (st.size > maxBytes) throw new SourceError(`${Math.round(st.size / 1024)} KiB, over the ${Math.round(maxBytes / 1024)} KiB limit for config files`);
    const bytes = await handle.readFile();
    return decodeSource(bytes);
  } finally {
    await handle.close();
  }
}

export function decodeSource(bytes: Buffer): SourceText {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  let text: string;
  let encoding: SourceText['encoding'] = 'utf8';
  try {
    text = UTF8.decode(body);
  } catch {
    if (body.includes(0)) throw new SourceError('binary (NUL bytes), not source text');
    text = body.toString('latin1');
    encoding = 'latin1';
  }
  const crlf = text.indexOf('\r\n');
  const lf = text.indexOf('\n');
  return { text, encoding, bom, eol: crlf >= 0 && crlf + 1 === lf ? '\r\n' : '\n' };
}

/** The bytes of `text` in the file's own encoding; a character the encoding cannot hold is refused, not replaced. */
export function encodeSource(src: SourceText, text: string): Buffer {
  if (src.encoding === 'latin1' && [...text].some((c) => c.charCodeAt(0) > 0xff)) throw new SourceError('the edit holds characters Latin-1 cannot encode');
  const body = Buffer.from(text, src.encoding);
  return src.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}
