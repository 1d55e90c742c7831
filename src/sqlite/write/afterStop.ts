import { SqlEngine } from '../engines/engine';
import { DatabaseState, readDatabaseState } from '../disk/state';

/**
 * After an engine was killed mid-operation (cancel, deadline): its connection
 * never closed, so SQLite's own cleanup never ran. A rollback -journal is left
 * (hot once VACUUM overwrote pages), or an empty -wal and a -shm beside a WAL
 * database that had none. One open and close by a real SQLite does what the
 * app's next open would: rolls the journal back, or, as the last connection,
 * removes the -wal and -shm. SQLite decides; another process keeps its files.
 */
export async function settleAfterStop(engine: SqlEngine, file: string, before: DatabaseState, busyTimeoutMs: number): Promise<void> {
  const now = await readDatabaseState(file).catch(() => undefined);
  if (!now?.sidecars.journal && !(now?.sidecars.wal && !before.sidecars.wal)) return;
  await engine.run(file, ['PRAGMA schema_version'], busyTimeoutMs).catch(() => undefined);
}
