import { WAL_RESET_BUG } from '../../advice/knowledge/knownBugs';
import { Log, SILENT } from '../../shared/log';
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
  /** Hears what each probe found, and why one failed. */
  log?: Log;
}

const PROBES: Record<EngineId, (c: EngineChoice) => Promise<SqlEngine | string>> = {
  'node:sqlite': (c) => probeNodeSqlite(c.nodePath),
  'sqlite3-shell': () => probeSqliteShell(),
  python3: () => probePython(),
};

/**
 * A found engine is kept for the session. A missing one is asked again
 * after a short while: the user may install sqlite3 while the window stays
 * open, and a probe costs one short child process.
 */
const MISSING_RETRY_MS = 10_000;
const cache = new Map<string, { found: Promise<SqlEngine | undefined>; at: number }>();

export function findEngine(choice: EngineChoice = {}): Promise<SqlEngine | undefined> {
  const key = `${choice.prefer ?? 'auto'}|${choice.nodePath ?? ''}`;
  const hit = cache.get(key);
  if (hit && (hit.found !== MISSING || Date.now() - hit.at < MISSING_RETRY_MS)) return hit.found;
  const found = probe(choice).then((engine) => {
    if (!engine) cache.set(key, { found: MISSING, at: Date.now() });
    return engine;
  });
  cache.set(key, { found, at: Date.now() });
  return found;
}

const MISSING: Promise<undefined> = Promise.resolve(undefined);

/**
 * In 'auto', every route is probed and the first whose SQLite has no known
 * data-loss bug wins (writes and checkpoints on a live WAL database are
 * exactly where the WAL-reset bug bites); else the first available one.
 */
async function probe(choice: EngineChoice): Promise<SqlEngine | undefined> {
  const log = choice.log ?? SILENT;
  const order = !choice.prefer || choice.prefer === 'auto' ? ENGINE_IDS : [choice.prefer];
  const found: SqlEngine[] = [];
  for (const id of order) {
    const engine = await PROBES[id](choice);
    if (typeof engine === 'string') {
      log.info(`SQLite engine ${id} not available: ${engine}`);
      continue;
    }
    found.push(engine);
    if (!WAL_RESET_BUG.affects(engine.sqliteVersion)) break;
    log.info(`SQLite engine ${engine.label} has the ${WAL_RESET_BUG.name} (fixed in ${WAL_RESET_BUG.firstFixed}); looking for another`);
  }
  const engine = found.find((e) => !WAL_RESET_BUG.affects(e.sqliteVersion)) ?? found[0];
  if (engine) log.info(`SQLite engine: ${engine.label}`);
  else log.warn(`no real SQLite engine found (tried ${order.join(', ')}); writes are off until one is installed`);
  return engine;
}
