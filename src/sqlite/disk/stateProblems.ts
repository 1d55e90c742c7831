import { CHANGING_WHILE_READ } from './consistentRead';

/**
 * What can be wrong with a database as read from disk, as data: where a
 * problem is found it is a code with its arguments, and decisions (is it
 * corrupt?) read the code's severity, never the words, which can hold a
 * file name. The words are made here, once, for every surface that prints
 * them (CLI, JSON, tree, panel).
 */
export type StateProblemCode = 'not-a-file' | 'newer-write-format' | 'hot-journal' | 'wal-ignored' | 'wal-page-size' | 'wal-uncommitted' | 'truncated' | 'size-not-page-multiple' | 'changing';

/** 'damage': the file itself is broken, SQLite reports it malformed; 'warning': worth saying, the data is whole. */
export type ProblemSeverity = 'damage' | 'warning';

export interface StateProblem {
  code: StateProblemCode;
  severity: ProblemSeverity;
  args: Readonly<Record<string, string | number>>;
}

const PROBLEMS: Record<StateProblemCode, { severity: ProblemSeverity; text: (a: Readonly<Record<string, string | number>>) => string }> = {
  'not-a-file': { severity: 'warning', text: (a) => `${a.path} is not a regular file (a pipe, socket or device): SQLite would block or fail on it; remove it` },
  'newer-write-format': { severity: 'warning', text: (a) => `read-only for this SQLite version: the header's write format version is ${a.writeVersion} (SQLite knows 1 and 2), so SQLite opens it read-only` },
  'hot-journal': { severity: 'warning', text: (a) => `${a.explanation}.` },
  'wal-ignored': { severity: 'warning', text: (a) => `-wal file ignored: ${a.reason}; SQLite will reset it` },
  'wal-page-size': { severity: 'warning', text: (a) => `-wal page size ${a.walPageSize} differs from the database page size ${a.pageSize}` },
  'wal-uncommitted': { severity: 'warning', text: (a) => `-wal ends with ${a.frames} frame(s) of a transaction that never committed; SQLite ignores them` },
  'truncated': { severity: 'damage', text: (a) => `file is truncated: the header says ${a.headerPages} pages but the file holds ${a.filePages}; SQLite will report "database disk image is malformed"` },
  'size-not-page-multiple': { severity: 'damage', text: (a) => `file size ${a.fileBytes} is not a multiple of the page size ${a.pageSize} (truncated, or bytes appended)` },
  'changing': { severity: 'warning', text: () => CHANGING_WHILE_READ },
};

export function stateProblem(code: StateProblemCode, args: Record<string, string | number> = {}): StateProblem {
  return { code, severity: PROBLEMS[code].severity, args };
}

/** The problem in words, for the surfaces that print it. */
export function stateProblemText(p: StateProblem): string {
  return PROBLEMS[p.code].text(p.args);
}

/** Records a problem found after the state was made (a read that never held still). */
export function addStateProblem(state: { issues: StateProblem[]; problems: string[] }, p: StateProblem): void {
  state.issues.push(p);
  state.problems.push(stateProblemText(p));
}
