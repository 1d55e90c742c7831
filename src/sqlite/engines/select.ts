import { EngineId, ENGINE_IDS, SqlEngine } from './engine';
import { probeNodeSqlite } from './nodeSqlite';
import { probePython } from './pythonSqlite';
import { probeSqliteShell } from './sqliteShell';

/**
 * Picks the first real SQLite engine that works here, in order of
 * preference: node:sqlite (no extra process type needed), the sqlite3 shell,
 * python3. A caller may insist on one.
 */
export interface EngineChoice {
  /** 'auto' or one engine. */
  prefer?: EngineId | 'auto';
  /** Node binary for node:sqlite (defaults to the running one). */
  nodePath?: string;
}

const PROBES: Record<EngineId, (c: EngineChoice) => Promise<SqlEngine | undefined>> = {
  'node:sqlite': (c) => probeNodeSqlite(c.nodePath),
  'sqlite3-shell': () => probeSqliteShell(),
  python3: () => probePython(),
};

const cache = new Map<string, Promise<SqlEngine | undefined>>();

export function findEngine(choice: EngineChoice = {}): Promise<SqlEngine | undefined> {
  const key = `${choice.prefer ?? 'auto'}|${choice.nodePath ?? ''}`;
  let found = cache.get(key);
  if (!found) {
    found = (async () => {
      const order = !choice.prefer || choice.prefer === 'auto' ? ENGINE_IDS : [choice.prefer];
      for (const id of order) {
        const engine = await PROBES[id](choice);
        if (engine) return engine;
      }
      return undefined;
    })();
    cache.set(key, found);
  }
  return found;
}
