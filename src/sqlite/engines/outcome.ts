import type { ChildExit } from './child';

/**
 * What really happened to one engine run, and the one place its words are
 * made. A lock wait that ran out is not a stopped VACUUM, and neither is a
 * cancel: each says so.
 */
export type StatementRows = unknown[][];

export type Outcome =
  | { code: 'ok'; rows: StatementRows[]; ms: number }
  /** SQLite gave up waiting for another connection's lock (busy_timeout ran out, or it could not wait). */
  | { code: 'locked'; message: string; ms: number }
  /** We stopped it (the user cancelled): SQLite rolls back what was not committed. */
  | { code: 'cancelled'; ms: number }
  /** It ran past the deadline set for it and was stopped. */
  | { code: 'deadline'; ms: number }
  | { code: 'failed'; message: string; ms: number; errcode?: number };

export type Stopped = Exclude<Outcome, { code: 'ok' }>;

/**
 * The envelope every engine answers in, whatever it is: our node:sqlite and
 * python3 scripts print it as their last stdout line; the sqlite3 shell's
 * output is turned into it. `errcode` is SQLite's (extended) result code when
 * the engine exposes it.
 */
export interface Envelope { ok: boolean; results?: StatementRows[]; error?: string; errcode?: number | null }

const BUSY_MESSAGE = /database (table )?is locked|SQLITE_BUSY|SQLITE_LOCKED|database is busy/i;

/** SQLITE_BUSY (5) and SQLITE_LOCKED (6), with any extended code; by the message where the code is not given. */
export function isBusy(errcode: number | null | undefined, message: string): boolean {
  if (typeof errcode === 'number') return (errcode & 0xff) === 5 || (errcode & 0xff) === 6;
  return BUSY_MESSAGE.test(message);
}

const CANNOT_WRITE_MESSAGE = /readonly|read-only|unable to open/i;

/** SQLITE_READONLY (8) and SQLITE_CANTOPEN (14), with any extended code; by SQLite's message where the code is not given (the sqlite3 shell). */
export function isCannotWrite(errcode: number | null | undefined, message: string): boolean {
  if (typeof errcode === 'number') return (errcode & 0xff) === 8 || (errcode & 0xff) === 14;
  return CANNOT_WRITE_MESSAGE.test(message);
}

export function outcomeOf(exit: ChildExit, envelope: Envelope | string): Outcome {
  if (exit.stop) return { code: exit.stop, ms: exit.ms };
  if (typeof envelope === 'string') return { code: 'failed', message: envelope, ms: exit.ms };
  if (envelope.ok) return { code: 'ok', rows: envelope.results ?? [], ms: exit.ms };
  const message = envelope.error ?? 'unknown error';
  if (isBusy(envelope.errcode, message)) return { code: 'locked', message, ms: exit.ms };
  return { code: 'failed', message, ms: exit.ms, ...(typeof envelope.errcode === 'number' && { errcode: envelope.errcode }) };
}

/** The last line of a script's stdout that is its envelope, or why there is none. */
export function parseEnvelope(stdout: string, stderr: string, engine: string): Envelope | string {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(line) as Envelope;
    if (typeof parsed.ok === 'boolean') return parsed;
  } catch { /* said below */ }
  return `${engine} failed: ${(stderr.trim() || stdout.trim() || 'no output').split('\n').pop()}`;
}

/** One clause for a message: "the database stayed locked for the 5 s we waited", … */
export function describeOutcome(o: Stopped, busyTimeoutMs: number): string {
  switch (o.code) {
    case 'locked': return `the database stayed locked for the ${busyTimeoutMs / 1000} s we waited (busy timeout)`;
    case 'cancelled': return 'cancelled; SQLite rolled the unfinished change back';
    case 'deadline': return `SQLite did not finish within the ${(o.ms / 1000).toFixed(1)} s allowed and was stopped; it rolled the unfinished change back`;
    case 'failed': return `SQLite reported "${o.message}"`;
  }
}

export class EngineError extends Error {
  constructor(readonly outcome: Stopped, busyTimeoutMs: number) {
    super(outcome.code === 'failed' || outcome.code === 'locked' ? outcome.message : describeOutcome(outcome, busyTimeoutMs));
    this.name = 'EngineError';
  }

  get busy(): boolean {
    return this.outcome.code === 'locked';
  }

  /** SQLite could not write the file here (permissions, a read-only mount or file). */
  get cannotWrite(): boolean {
    return this.outcome.code === 'failed' && isCannotWrite(this.outcome.errcode, this.outcome.message);
  }
}
