import * as path from 'node:path';
import { ConnectionFinding, lineOf, parsePragmas } from '../findings';

/**
 * Node: `new Database('file')` from better-sqlite3 (busy timeout 5000 ms by
 * default, `timeout` option) or `new DatabaseSync('file')` from node:sqlite
 * (no busy timeout unless `timeout` is given), with `.pragma('…')` and
 * `.exec('PRAGMA …')` calls in the same file. Relative paths resolve against
 * the folder holding the nearest package.json (where `node` usually runs).
 */
export function mentionsSqliteModule(text: string): boolean {
  return /['"](better-sqlite3|node:sqlite)['"]/.test(text);
}

export function parseNodeSource(text: string, rel: string, root: string, packageDir: string): ConnectionFinding[] {
  const better = /['"]better-sqlite3['"]/.test(text);
  const pragmas: Record<string, string> = {};
  for (const m of text.matchAll(/\.pragma\(\s*(['"`])([^'"`]{1,400})\1/g)) Object.assign(pragmas, parsePragmas(`PRAGMA ${m[2]}`));
  for (const m of text.matchAll(/\.exec\(\s*(['"`])([^'"`]{0,2000})\1/g)) if (/PRAGMA/i.test(m[2]!)) Object.assign(pragmas, parsePragmas(m[2]!));
  const out: ConnectionFinding[] = [];
  for (const m of text.matchAll(/new\s+(Database|DatabaseSync|sqlite\.DatabaseSync)\s*\(\s*(['"`])([^'"`]{1,1000})\2\s*(?:,\s*\{([^}]{0,1000})\})?/g)) {
    const file = m[3]!;
    const timeout = /timeout\s*:\s*(\d+)/.exec(m[4] ?? '')?.[1];
    const isBetter = m[1] === 'Database' && better;
    out.push({
      stack: 'node',
      file: rel,
      line: lineOf(text, m.index!),
      databaseExpr: file,
      database: file === ':memory:' ? undefined : path.resolve(root, packageDir, file),
      pragmas: { ...pragmas },
      defaults: { busy_timeout: timeout ? `${timeout} (timeout option)` : isBetter ? '5000 (better-sqlite3 default)' : '0 (node:sqlite default)' },
      notes: [isBetter ? 'better-sqlite3' : 'node:sqlite'],
    });
  }
  return out;
}
