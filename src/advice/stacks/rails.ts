import * as path from 'node:path';
import { ConnectionFinding } from '../findings';

/**
 * Rails: config/database.yml entries with the sqlite3 adapter (anchors and
 * `<<:` merges resolved by the YAML parser; ERB is left as text). Rails 7.1+
 * applies journal_mode=WAL, synchronous=NORMAL and foreign_keys=ON by
 * default (its SQLite3 adapter's DEFAULT_PRAGMAS); `timeout` is the busy
 * timeout in milliseconds; `pragmas:` overrides.
 */
export async function parseDatabaseYml(text: string, rel: string, root: string, railsVersion?: string): Promise<ConnectionFinding[]> {
  // The YAML parser loads only when a database.yml is found.
  const { parseDocument } = await import('yaml');
  let doc: unknown;
  try {
    doc = parseDocument(text, { merge: true, prettyErrors: false }).toJS({ maxAliasCount: 100 });
  } catch {
    return [];
  }
  if (!doc || typeof doc !== 'object') return [];
  const railsRoot = path.join(root, path.dirname(path.dirname(rel)));
  const modern = railsVersion !== undefined && compareVersion(railsVersion, '7.1') >= 0;
  const out: ConnectionFinding[] = [];
  const lines = text.split('\n');
  for (const [env, cfg] of Object.entries(doc as Record<string, unknown>)) {
    if (!cfg || typeof cfg !== 'object') continue;
    const c = cfg as Record<string, unknown>;
    if (c.adapter !== 'sqlite3' || typeof c.database !== 'string') continue;
    const pragmas: Record<string, string> = {};
    if (c.pragmas && typeof c.pragmas === 'object') {
      for (const [k, v] of Object.entries(c.pragmas as Record<string, unknown>)) pragmas[k.toLowerCase()] = String(v);
    }
    const defaults: Record<string, string> = {};
    if (c.timeout !== undefined) defaults.busy_timeout = `${c.timeout} (database.yml timeout)`;
    if (modern) {
      defaults.journal_mode = 'WAL (Rails 7.1+ default)';
      defaults.synchronous = 'NORMAL (Rails 7.1+ default)';
      defaults.foreign_keys = 'ON (Rails 7.1+ default)';
    }
    const db = c.database;
    const erb = db.includes('<%');
    out.push({
      stack: 'rails',
      file: rel,
      line: Math.max(1, lines.findIndex((l) => l.startsWith(`${env}:`)) + 1),
      databaseExpr: `${env}: ${db}`,
      database: erb || db === ':memory:' ? undefined : path.resolve(railsRoot, db),
      pragmas,
      defaults,
      notes: railsVersion ? [`Rails ${railsVersion} (Gemfile.lock)`] : ['Rails version unknown (no Gemfile.lock): 7.1+ defaults not assumed'],
    });
  }
  return out;
}

/** "rails (7.1.3)" in Gemfile.lock. */
export function railsVersionFromLock(text: string): string | undefined {
  return /^\s{4}rails \((\d+\.\d+[^)]*)\)/m.exec(text)?.[1];
}

function compareVersion(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
