import { BackupFinding } from '../findings';

/** litestream.yml: `dbs: [{ path: /data/db.sqlite3, replicas: [...] }]`. */
export async function parseLitestream(text: string, rel: string): Promise<BackupFinding | undefined> {
  const { parse } = await import('yaml');
  try {
    const doc = parse(text) as { dbs?: { path?: unknown }[] } | null;
    const dbs = (doc?.dbs ?? []).map((d) => d?.path).filter((p): p is string => typeof p === 'string');
    return { file: rel, databases: dbs };
  } catch {
    return undefined;
  }
}
