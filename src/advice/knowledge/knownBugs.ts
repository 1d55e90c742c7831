/**
 * SQLite versions with known data-loss bugs: the one table that the
 * checklist, `check`, the panel and the engine choice all read.
 *
 * The WAL-reset bug (https://sqlite.org/wal.html#walresetbug): a data race in
 * WAL mode, when two connections write or checkpoint at the same moment, can
 * corrupt the database. It affects 3.7.0 (2010) through 3.51.2 and is fixed
 * in 3.51.3 (2026-03-13; also in the withdrawn 3.52.0), with fixes reported
 * backported to 3.44.6 and 3.50.7. Only sourced versions are encoded.
 */
export interface KnownBug {
  id: 'wal-reset';
  name: string;
  firstFixed: string;
  url: string;
  /** Whether a database in this journal mode is exposed. */
  appliesTo: 'wal';
  affects(version: string): boolean;
  summary: string;
}

type V = [number, number, number];

export function parseVersion(v: string): V | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function cmp(a: V, b: V): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

const FIXED_ON_BRANCH: V[] = [[3, 44, 6], [3, 50, 7]];

export const WAL_RESET_BUG: KnownBug = {
  id: 'wal-reset',
  name: 'WAL-reset bug',
  firstFixed: '3.51.3',
  url: 'https://sqlite.org/wal.html#walresetbug',
  appliesTo: 'wal',
  summary: 'in WAL mode, two connections writing or checkpointing at the same moment can corrupt the database',
  affects(version) {
    const v = parseVersion(version);
    if (!v || cmp(v, [3, 7, 0]) < 0 || cmp(v, [3, 51, 2]) > 0) return false;
    return !FIXED_ON_BRANCH.some((f) => v[0] === f[0] && v[1] === f[1] && v[2] >= f[2]);
  },
};

export const KNOWN_BUGS: readonly KnownBug[] = [WAL_RESET_BUG];

/** The known bugs a SQLite version has, for a database in this journal mode. */
export function bugsOf(version: string, journalMode: string): KnownBug[] {
  return KNOWN_BUGS.filter((b) => b.appliesTo === journalMode && b.affects(version));
}
