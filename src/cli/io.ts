import type { Log } from '../shared/log';

/** Where the CLI writes; tests pass their own to capture output. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/**
 * Control characters from file content (a table named "\x1b]0;…\x07") must
 * not reach a terminal as escapes: shown as \xNN instead. Newlines, CRLF line
 * endings (a diff of a CRLF file must reach `patch` as it is) and tabs stay.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_BUT_LINE_BREAKS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)/g;
// eslint-disable-next-line no-control-regex -- likewise
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

export function terminalSafe(text: string): string {
  return text.replace(CONTROL_BUT_LINE_BREAKS, hexEscape);
}

/** For one table cell or one-line field: newlines and tabs are escaped too. */
export function cellSafe(text: string): string {
  return text.replace(CONTROL, hexEscape);
}

function hexEscape(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/**
 * JSON for stdout. JSON.stringify escapes C0 controls but leaves DEL and C1
 * (\x7f-\x9f) raw; as \u escapes they parse to the very same strings, so the
 * output stays exact and terminal-safe.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${terminalSafe(line)}\n`),
  err: (line) => process.stderr.write(`${terminalSafe(line)}\n`),
};

let guarded = false;

/**
 * `inspect --json | head -1` closes the pipe early: that is the reader's
 * choice, not an error, so EPIPE ends quietly. Any other write failure
 * (a full disk behind `> /dev/full`) is one line on stderr and exit 1.
 */
export function guardProcessOutput(): void {
  if (guarded) return;
  guarded = true;
  const onError = (stream: 'stdout' | 'stderr') => (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (stream === 'stdout') {
      try { process.stderr.write(`sqlite-doctor: cannot write the output: ${err.code ?? err.message}${err.code === 'ENOSPC' ? ' (no space left on device)' : ''}\n`); } catch { /* nowhere left to say it */ }
    }
    process.exit(1);
  };
  process.stdout.on('error', onError('stdout'));
  process.stderr.on('error', onError('stderr'));
}

/** The core's log for a CLI run: warnings and errors on stderr, progress chatter dropped. */
export function stderrLog(io: CliIo): Log {
  return { info: () => undefined, warn: (m) => io.err(`sqlite-doctor: ${m}`), error: (m) => io.err(`sqlite-doctor: ${m}`) };
}
