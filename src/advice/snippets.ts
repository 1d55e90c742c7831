import { PRODUCTION_PRAGMAS, RECOMMENDED, RECOMMENDED_BUSY_TIMEOUT_MS } from './knowledge/recommended';
import { goParams } from './stacks/go/goParams';

/**
 * Per-connection settings for production, as code for each stack: WAL is
 * persistent, but busy_timeout, synchronous and foreign_keys must be set by
 * the app on every connection it opens.
 */
export interface ConnectionSnippet {
  stack: string;
  /** Where the code goes, relative to the project root, when there is a usual place. */
  where: string;
  language: string;
  code: string;
}


export function connectionSnippets(dbName = 'db.sqlite3'): ConnectionSnippet[] {
  const pragmaSql = PRODUCTION_PRAGMAS.map((p) => `PRAGMA ${p};`).join(' ');
  return [
    {
      stack: 'Django 5.1+',
      where: 'settings.py',
      language: 'python',
      code: `DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / ${JSON.stringify(dbName)},
        "OPTIONS": {
            "init_command": ${JSON.stringify(pragmaSql)},
            "transaction_mode": "IMMEDIATE",
        },
    }
}`,
    },
    {
      stack: 'Python sqlite3',
      where: 'where the app opens its connection',
      language: 'python',
      code: `import sqlite3

con = sqlite3.connect(${JSON.stringify(dbName)}, timeout=${RECOMMENDED_BUSY_TIMEOUT_MS / 1000})
con.executescript(${JSON.stringify(pragmaSql)})`,
    },
    {
      stack: 'Node better-sqlite3',
      where: 'where the app opens its connection',
      language: 'javascript',
      code: `const Database = require('better-sqlite3');

const db = new Database(${JSON.stringify(dbName)});
${PRODUCTION_PRAGMAS.map((p) => `db.pragma('${p}');`).join('\n')}`,
    },
    {
      stack: 'Node node:sqlite (Node 22.13+)',
      where: 'where the app opens its connection',
      language: 'javascript',
      code: `const { DatabaseSync } = require('node:sqlite');

const db = new DatabaseSync(${JSON.stringify(dbName)});
db.exec(${JSON.stringify(pragmaSql)});`,
    },
    // Each Go driver reads its own DSN spelling: mattn/go-sqlite3 has no _pragma= and ignores it.
    {
      stack: 'Go (mattn/go-sqlite3)',
      where: 'the DSN passed to sql.Open',
      language: 'go',
      code: `db, err := sql.Open("sqlite3", "file:${dbName}?${goParams('mattn/go-sqlite3', RECOMMENDED).join('&')}")`,
    },
    {
      stack: 'Go (modernc.org/sqlite, ncruces/go-sqlite3)',
      where: 'the DSN passed to sql.Open',
      language: 'go',
      code: `db, err := sql.Open("sqlite", "file:${dbName}?${goParams('modernc.org/sqlite', RECOMMENDED).join('&')}")`,
    },
    {
      stack: 'Rails 7.1+',
      where: 'config/database.yml',
      language: 'yaml',
      code: `production:
  adapter: sqlite3
  database: storage/${dbName}
  timeout: ${RECOMMENDED_BUSY_TIMEOUT_MS}
  pragmas:
${railsPragmas().map((line) => `    ${line}`).join('\n')}`,
    },
  ];
}

/** database.yml's `pragmas:` entries: every recommended setting but busy_timeout (Rails' `timeout:`), in YAML's spelling. */
function railsPragmas(): string[] {
  return RECOMMENDED.filter((r) => r.name !== 'busy_timeout').map((r) => `${r.name}: ${r.value === 'ON' ? 'true' : r.value.toLowerCase()}`);
}
