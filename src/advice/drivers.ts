import type { SettingName, Stack } from './findings';

/**
 * The drivers and frameworks the advisor knows: how each spells the
 * per-connection settings and what it applies when the app says nothing,
 * each default with where it comes from (a source file or the docs). The one
 * table the parsers, the facts, the fixes and the snippets read.
 */
export interface DefaultValue { value: string; source: string }

export interface Driver {
  id: string;
  stack: Stack;
  /** How the app can set the judged pragmas with this driver (for fixes and explanations). */
  spelling: 'mattn-dsn' | 'pragma-dsn' | 'pragma-call' | 'exec' | 'django' | 'rails' | 'after-create' | 'python' | 'none';
  defaults: Partial<Record<SettingName, DefaultValue>>;
  /** Said with every connection of this driver: what can and cannot be set. */
  note?: string;
}

/** SQLite's own defaults, for whatever a driver leaves alone. */
export const SQLITE_DEFAULTS: Record<SettingName, DefaultValue> = {
  journal_mode: { value: 'delete', source: 'SQLite default (https://www.sqlite.org/pragma.html#pragma_journal_mode); WAL, once set, persists in the file' },
  synchronous: { value: 'full', source: 'SQLite default (https://www.sqlite.org/pragma.html#pragma_synchronous)' },
  busy_timeout: { value: '0', source: 'SQLite default (https://www.sqlite.org/c3ref/busy_timeout.html): no wait' },
  foreign_keys: { value: 'off', source: 'SQLite default (https://www.sqlite.org/foreignkeys.html#fk_enable)' },
  cache_size: { value: '-2000', source: 'SQLite default (https://www.sqlite.org/pragma.html#pragma_cache_size): about 2 MB' },
};

const NODE_SQLITE3_TIMEOUT: DefaultValue = { value: '1000', source: 'node-sqlite3 src/database.cc: sqlite3_busy_timeout(db->_handle, 1000) on open' };
const PY_TIMEOUT: DefaultValue = { value: '5000', source: 'Python sqlite3.connect(timeout=5.0) (https://docs.python.org/3/library/sqlite3.html#sqlite3.connect)' };
const BETTER: Driver['defaults'] = {
  busy_timeout: { value: '5000', source: 'better-sqlite3 docs/api.md: options.timeout defaults to 5000' },
  foreign_keys: { value: 'on', source: 'better-sqlite3 docs/compilation.md: SQLITE_DEFAULT_FOREIGN_KEYS=1' },
  cache_size: { value: '-16000', source: 'better-sqlite3 docs/compilation.md: SQLITE_DEFAULT_CACHE_SIZE=-16000' },
};

export const DRIVERS: readonly Driver[] = [
  // Go: database/sql drivers, by the name they register and the package that registers it.
  { id: 'mattn/go-sqlite3', stack: 'go', spelling: 'mattn-dsn', defaults: {
    busy_timeout: { value: '5000', source: 'mattn/go-sqlite3 sqlite3.go: busyTimeout := 5000' },
    synchronous: { value: 'normal', source: 'mattn/go-sqlite3 sqlite3.go: synchronousMode := "NORMAL" (executed on every open)' },
  }, note: 'mattn/go-sqlite3 reads _busy_timeout, _journal_mode, _synchronous, _foreign_keys (no _pragma=)' },
  { id: 'modernc.org/sqlite', stack: 'go', spelling: 'pragma-dsn', defaults: {}, note: 'modernc.org/sqlite reads _pragma=name(value)' },
  { id: 'ncruces/go-sqlite3', stack: 'go', spelling: 'pragma-dsn', defaults: {
    busy_timeout: { value: '60000', source: 'ncruces/go-sqlite3 driver/driver.go: without _pragma, busy_timeout(60000)' },
    foreign_keys: { value: 'on', source: 'ncruces/go-sqlite3 sqlite3/sqlite_opt.h: #define SQLITE_DEFAULT_FOREIGN_KEYS 1' },
  }, note: 'ncruces/go-sqlite3 reads _pragma=name(value); any _pragma replaces its busy_timeout(60000) default' },
  // Node.
  { id: 'better-sqlite3', stack: 'node', spelling: 'pragma-call', defaults: BETTER, note: 'better-sqlite3 is compiled with foreign keys ON, SQLITE_DEFAULT_WAL_SYNCHRONOUS=1 (NORMAL in WAL) and a 16 MB cache' },
  { id: 'node:sqlite', stack: 'node', spelling: 'exec', defaults: {
    foreign_keys: { value: 'on', source: 'Node docs (sqlite.md): enableForeignKeyConstraints defaults to true' },
  } },
  { id: 'sqlite3', stack: 'node', spelling: 'exec', defaults: { busy_timeout: NODE_SQLITE3_TIMEOUT }, note: 'node-sqlite3: db.configure("busyTimeout", ms) or PRAGMA statements after opening' },
  { id: 'knex', stack: 'node', spelling: 'after-create', defaults: {}, note: 'knex: pragmas go in pool.afterCreate; the driver\'s defaults apply otherwise' },
  { id: 'typeorm', stack: 'node', spelling: 'none', defaults: {
    busy_timeout: { ...NODE_SQLITE3_TIMEOUT, source: `TypeORM SqliteDriver sets none unless busyTimeout > 0: ${NODE_SQLITE3_TIMEOUT.source}` },
    foreign_keys: { value: 'on', source: 'TypeORM SqliteDriver/BetterSqlite3Driver createDatabaseConnection: PRAGMA foreign_keys = ON' },
  }, note: 'TypeORM: enableWAL: true and busyTimeout in the data source options; prepareDatabase for other pragmas' },
  { id: 'sequelize', stack: 'node', spelling: 'none', defaults: {
    busy_timeout: { ...NODE_SQLITE3_TIMEOUT, source: `Sequelize sets none: ${NODE_SQLITE3_TIMEOUT.source}` },
    foreign_keys: { value: 'on', source: 'Sequelize sqlite connection-manager: PRAGMA FOREIGN_KEYS=ON unless foreignKeys: false' },
  }, note: 'Sequelize: pragmas through a hook on the raw connection (afterConnect)' },
  { id: 'drizzle', stack: 'node', spelling: 'none', defaults: {}, note: 'Drizzle wraps the driver it is given: the settings are that driver\'s' },
  { id: 'prisma', stack: 'node', spelling: 'none', defaults: {
    busy_timeout: { value: '5000', source: 'Prisma quaint over rusqlite (bundled): rusqlite src/inner_connection.rs sqlite3_busy_timeout(db, 5000), unless the URL has socket_timeout' },
    foreign_keys: { value: 'on', source: 'rusqlite libsqlite3-sys build.rs (bundled, as Prisma uses it): -DSQLITE_DEFAULT_FOREIGN_KEYS=1' },
  }, note: 'Prisma (provider = "sqlite"): the URL sets no pragmas; journal_mode=WAL can be set once on the file (it persists); busy_timeout, synchronous and foreign_keys are Prisma\'s own and cannot be set from the schema' },
  // Python.
  { id: 'python-sqlite3', stack: 'python', spelling: 'python', defaults: { busy_timeout: PY_TIMEOUT } },
  { id: 'sqlalchemy', stack: 'python', spelling: 'python', defaults: { busy_timeout: { ...PY_TIMEOUT, source: `SQLAlchemy pysqlite passes connect_args to ${PY_TIMEOUT.source}` } }, note: 'SQLAlchemy: connect_args={"timeout": …}; pragmas in an event.listens_for(engine, "connect") handler' },
  { id: 'django', stack: 'django', spelling: 'django', defaults: {
    busy_timeout: PY_TIMEOUT,
    foreign_keys: { value: 'on', source: 'Django django/db/backends/sqlite3/base.py get_new_connection: PRAGMA foreign_keys = ON' },
  } },
  // Ruby.
  { id: 'rails', stack: 'rails', spelling: 'rails', defaults: {
    busy_timeout: { value: '0', source: 'sqlite3-ruby: no busy timeout unless database.yml sets timeout' },
  } },
];

export function driver(id: string): Driver {
  const d = DRIVERS.find((x) => x.id === id);
  if (!d) throw new Error(`unknown driver ${id}`);
  return d;
}

/**
 * Rails' SQLite3 adapter DEFAULT_PRAGMAS (activerecord/lib/active_record/
 * connection_adapters/sqlite3_adapter.rb): 7.1 added foreign_keys, journal_mode
 * WAL, synchronous NORMAL, mmap_size, journal_size_limit, cache_size 2000 pages;
 * before 7.1 the adapter already turned foreign keys on (test/corpus/DEFAULTS.md).
 */
export function railsDefaults(version: string | undefined): Driver['defaults'] {
  if (!version) return {};
  const fk = { value: 'on', source: `Rails ${version} SQLite3Adapter#configure_connection: PRAGMA foreign_keys = ON` };
  if (compareVersion(version, '7.1') < 0) return { foreign_keys: fk };
  const source = `Rails ${version} SQLite3Adapter::DEFAULT_PRAGMAS (7.1+)`;
  return {
    foreign_keys: { value: 'on', source },
    journal_mode: { value: 'wal', source },
    synchronous: { value: 'normal', source },
    cache_size: { value: '2000', source },
  };
}

export function compareVersion(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
