import { parse } from 'yaml';
import { BackupFinding } from '../findings';

/** litestream.yml: `dbs: [{ path: /data/db.sqlite3, replicas: [...] }]`. */
export function parseLitestream(text: string, rel: string): BackupFinding | undefined {
  try {
    const doc = parse(text) as { dbs?: { path?: unknown }[] } | null;
    const dbs = (doc?.dbs ?? []).map((d) => d?.path).filter((p): p is string => typeof p === 'string');
    return { file: rel, databases: dbs };
  } catch {
    return undefined;
  }
}
