import * as path from 'node:path';
import { ConnectionFinding, lineOf } from '../findings';

/**
 * Go: `sql.Open("sqlite3" | "sqlite", "<dsn>")` with a literal DSN. Both
 * drivers' spellings: `_pragma=busy_timeout(5000)` (modernc.org/sqlite, and
 * mattn/go-sqlite3 too) and mattn's `_busy_timeout`, `_journal_mode`,
 * `_synchronous`, `_foreign_keys` / `_fk`.
 */
const MATTN: Record<string, string> = {
  _busy_timeout: 'busy_timeout', _timeout: 'busy_timeout', _journal_mode: 'journal_mode', _journal: 'journal_mode',
  _synchronous: 'synchronous', _sync: 'synchronous', _foreign_keys: 'foreign_keys', _fk: 'foreign_keys', _txlock: 'transaction_mode',
};

export function parseGoSource(text: string, rel: string, root: string): ConnectionFinding[] {
  const out: ConnectionFinding[] = [];
  for (const m of text.matchAll(/sql\.Open\(\s*"(sqlite3?|libsql)"\s*,\s*(?:"([^"]*)"|`([^`]*)`)/g)) {
    const dsn = m[2] ?? m[3] ?? '';
    const [target = '', query = ''] = dsn.split('?');
    const file = target.replace(/^file:/, '');
    const pragmas: Record<string, string> = {};
    for (const part of query.split('&')) {
      const [k = '', v = ''] = part.split('=').map(decodeURIComponent);
      if (k === '_pragma') {
        const p = /^(\w+)\((.*)\)$/.exec(v);
        if (p) pragmas[p[1]!.toLowerCase()] = p[2]!;
      } else if (MATTN[k]) pragmas[MATTN[k]] = v;
    }
    out.push({
      stack: 'go',
      file: rel,
      line: lineOf(text, m.index!),
      databaseExpr: dsn,
      database: file && !file.startsWith(':memory:') ? path.resolve(root, path.dirname(rel), file) : undefined,
      pragmas,
      defaults: { busy_timeout: '0 (Go drivers set none unless the DSN does)' },
      notes: ['relative DSN paths resolve against the process working directory; assumed to be the package folder'],
    });
  }
  return out;
}
