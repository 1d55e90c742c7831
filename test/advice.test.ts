import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { findAppSettings } from '../src/advice/appConfig';
import { Check, CheckId, adviseDatabase, findingsFor } from '../src/advice/checks';
import { AppFindings } from '../src/advice/findings';
import { connectionSnippets } from '../src/advice/snippets';
import { parseDatabaseYml } from '../src/advice/stacks/rails';
import { readDatabaseState } from '../src/sqlite/disk/state';
import { NODE22 } from './helpers/engines';
import { tempDir } from './helpers/fixtures';

/** Small sample projects written here; every database in them is made by real SQLite. */
function write(root: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}
function sqliteDb(root: string, rel: string, wal = false): string {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  execFileSync('python3', ['-c', `import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); ${wal ? 'c.execute("PRAGMA journal_mode=wal");' : ''} c.execute("CREATE TABLE t(x)"); c.commit(); c.close()`, file]);
  return file;
}

async function checksFor(file: string, findings: AppFindings): Promise<Map<CheckId, Check>> {
  const state = await readDatabaseState(file);
  return new Map(adviseDatabase({ state, integrity: 'ok', findings, filesystem: { kind: 'local' } }).map((c) => [c.id, c]));
}

describe('production advisor', () => {
  let root: string;
  let findings: AppFindings;
  const db: Record<string, string> = {};

  before(async () => {
    root = tempDir('sqlite-doctor-apps-');
    // Django 5.1+ with init_command.
    write(root, 'django_ok/manage.py', '');
    write(root, 'django_ok/mysite/settings.py', `from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent.parent
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
        "OPTIONS": {
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=5000;"
            ),
            "transaction_mode": "IMMEDIATE",
        },
    }
}
`);
    db.djangoOk = sqliteDb(root, 'django_ok/db.sqlite3');
    // Django without OPTIONS (the default project template).
    write(root, 'django_plain/proj/settings.py', `import os
BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': os.path.join(BASE_DIR, 'db.sqlite3')}}
`);
    db.djangoPlain = sqliteDb(root, 'django_plain/db.sqlite3');
    // Rails 7.1 with anchors and merge keys; Rails 6.1 with pragmas that turn sync off.
    write(root, 'rails_app/Gemfile.lock', 'GEM\n  specs:\n    rails (7.1.3)\n      actioncable (= 7.1.3)\n');
    write(root, 'rails_app/config/database.yml', `default: &default
  adapter: sqlite3
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>
  timeout: 5000

development:
  <<: *default
  database: storage/development.sqlite3

production:
  <<: *default
  database: storage/production.sqlite3
`);
    db.rails = sqliteDb(root, 'rails_app/storage/production.sqlite3', true);
    write(root, 'old_rails/Gemfile.lock', 'GEM\n  specs:\n    rails (6.1.7)\n');
    write(root, 'old_rails/config/database.yml', `production:
  adapter: sqlite3
  database: db/production.sqlite3
  pragmas:
    synchronous: "off"
`);
    db.oldRails = sqliteDb(root, 'old_rails/db/production.sqlite3');
    // Node: better-sqlite3 with pragmas; node:sqlite without.
    write(root, 'node_ok/package.json', '{}');
    write(root, 'node_ok/src/db.js', `const Database = require('better-sqlite3');
const db = new Database('data/app.db');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
module.exports = db;
`);
    db.nodeOk = sqliteDb(root, 'node_ok/data/app.db', true);
    write(root, 'node_plain/package.json', '{}');
    write(root, 'node_plain/lib/store.ts', `import { DatabaseSync } from 'node:sqlite';
export const db = new DatabaseSync('store.db');
`);
    db.nodePlain = sqliteDb(root, 'node_plain/store.db');
    // Go with and without DSN pragmas.
    write(root, 'go_ok/main.go', 'package main\nimport "database/sql"\nfunc open() { sql.Open("sqlite", "file:app.db?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)") }\n');
    db.goOk = sqliteDb(root, 'go_ok/app.db', true);
    write(root, 'go_plain/main.go', 'package main\nimport "database/sql"\nfunc open() { sql.Open("sqlite3", "app.db") }\n');
    db.goPlain = sqliteDb(root, 'go_plain/app.db');
    // Litestream replicating one of them.
    write(root, 'node_ok/litestream.yml', `dbs:\n  - path: ${db.nodeOk}\n    replicas:\n      - url: s3://bucket/app\n`);
    // An app whose database is not in the workspace.
    write(root, 'elsewhere/settings.py', `DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/data/prod.sqlite3"}}\n`);
    findings = await findAppSettings(root);
  });

  it('links each finding to the database file it points at', () => {
    for (const [name, file] of Object.entries(db)) {
      assert.equal(findingsFor(file, findings).length, 1, `${name}: one finding for ${path.relative(root, file)}`);
    }
    const rails = findingsFor(db.rails!, findings)[0]!;
    assert.equal(rails.file, 'rails_app/config/database.yml');
    assert.match(rails.databaseExpr, /^production: storage\/production\.sqlite3$/);
    assert.ok(findings.connections.some((c) => c.database === '/srv/data/prod.sqlite3'), 'absolute path kept even outside the workspace');
    assert.ok(findings.connections.some((c) => c.stack === 'rails' && c.databaseExpr.startsWith('development')), 'development entry found too');
  });

  const expectations: [string, Partial<Record<CheckId, Check['status']>>][] = [
    ['djangoOk', { wal: 'info', busy_timeout: 'ok', synchronous: 'ok', foreign_keys: 'ok', backup: 'info' }],
    ['djangoPlain', { wal: 'fail', busy_timeout: 'ok', synchronous: 'info', foreign_keys: 'ok' }],
    ['rails', { wal: 'ok', busy_timeout: 'ok', synchronous: 'ok', foreign_keys: 'ok' }],
    // Rails turned foreign keys on before 7.1 too (sqlite3_adapter.rb configure_connection).
    ['oldRails', { wal: 'fail', busy_timeout: 'warn', synchronous: 'fail', foreign_keys: 'ok' }],
    ['nodeOk', { wal: 'ok', busy_timeout: 'ok', synchronous: 'ok', foreign_keys: 'ok', backup: 'ok' }],
    // node:sqlite enforces foreign keys by default (enableForeignKeyConstraints: true); mattn/go-sqlite3 waits 5000 ms by default.
    ['nodePlain', { busy_timeout: 'warn', synchronous: 'info', foreign_keys: 'ok' }],
    ['goOk', { wal: 'ok', busy_timeout: 'ok', synchronous: 'ok', foreign_keys: 'ok' }],
    ['goPlain', { wal: 'fail', busy_timeout: 'ok', foreign_keys: 'warn' }],
  ];
  for (const [name, want] of expectations) {
    it(`judges ${name}`, async () => {
      const checks = await checksFor(db[name]!, findings);
      const got = Object.fromEntries(Object.keys(want).map((id) => [id, checks.get(id as CheckId)!.status]));
      assert.deepEqual(got, want, JSON.stringify([...checks.values()].filter((c) => c.id in want).map((c) => `${c.id}: ${c.reason}`), null, 1));
    });
  }

  it('says "unknown from the file" when no app configuration points at a database', async () => {
    const lone = sqliteDb(root, 'lonely/data.db');
    const checks = await checksFor(lone, findings);
    for (const id of ['busy_timeout', 'synchronous', 'foreign_keys'] as const) {
      assert.equal(checks.get(id)!.status, 'unknown');
      assert.match(checks.get(id)!.reason, /unknown from the file/);
    }
  });

  it('cites the setting it judged by', async () => {
    const c = (await checksFor(db.djangoOk!, findings)).get('busy_timeout')!;
    assert.equal(c.source, 'django_ok/mysite/settings.py:11'); // the literal of the init_command that sets it
    assert.match(c.reason, /5000 ms — set by the app at django_ok\/mysite\/settings\.py:11/);
    const d = (await checksFor(db.djangoPlain!, findings)).get('busy_timeout')!;
    assert.match(d.reason, /Python sqlite3\.connect\(timeout=5\.0\)/);
  });

  it('flags hot journals, large free space and network filesystems', async () => {
    const state = await readDatabaseState(db.djangoOk!);
    const checks = adviseDatabase({
      state: { ...state, hotJournal: true, freelistCount: 900, pageCount: 1000 },
      integrity: ['row 3 missing from index x'],
      findings,
      filesystem: { kind: 'network', reason: 'the file is on a network filesystem (nfs4 from nas:/export)' },
    });
    const by = new Map(checks.map((c) => [c.id, c]));
    assert.equal(by.get('hot-journal')!.status, 'fail');
    assert.equal(by.get('freelist')!.status, 'warn');
    assert.match(by.get('freelist')!.fix!, /rewrites the whole file/);
    assert.equal(by.get('integrity')!.status, 'fail');
    assert.equal(by.get('filesystem')!.status, 'fail');
  });
});

describe('connection snippets, executed where a runtime exists', () => {
  const snippet = (stack: RegExp) => connectionSnippets('app.db').find((s) => stack.test(s.stack))!;
  const readBack = "json.dumps({p: con.execute('PRAGMA ' + p).fetchone()[0] for p in ('journal_mode', 'synchronous', 'busy_timeout', 'foreign_keys')})";
  const expected = { journal_mode: 'wal', synchronous: 1, busy_timeout: 5000, foreign_keys: 1 };

  it('Python sqlite3', () => {
    const dir = tempDir();
    const out = execFileSync('python3', ['-c', `import json, os\nos.chdir(${JSON.stringify(dir)})\n${snippet(/^Python/).code}\nprint(${readBack})`], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), expected);
  });

  it('Django 5.1+ (init_command run the way Django runs it)', () => {
    const dir = tempDir();
    const code = `import json, sqlite3
from pathlib import Path
BASE_DIR = Path(${JSON.stringify(dir)})
${snippet(/^Django/).code}
opts = DATABASES["default"]["OPTIONS"]
con = sqlite3.connect(DATABASES["default"]["NAME"], timeout=opts.get("timeout", 5))
for statement in opts["init_command"].split(";"):
    if statement.strip():
        con.execute(statement)
assert opts["transaction_mode"] == "IMMEDIATE"
print(${readBack})`;
    assert.deepEqual(JSON.parse(execFileSync('python3', ['-c', code], { encoding: 'utf8' })), expected);
  });

  const readBackJs = "console.log(JSON.stringify(Object.fromEntries(['journal_mode','synchronous','busy_timeout','foreign_keys'].map((p) => [p, Object.values(db.prepare('PRAGMA ' + p).get())[0]]))))";

  it('Node node:sqlite', { skip: existsSync(NODE22) ? false : 'Node 22 not installed' }, () => {
    const dir = tempDir();
    const out = execFileSync(NODE22, ['-e', `process.chdir(${JSON.stringify(dir)});\n${snippet(/node:sqlite/).code}\n${readBackJs}`], { encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    assert.deepEqual(JSON.parse(out), expected);
  });

  const BETTER = path.join(__dirname, '..', '.cache', 'better-sqlite3', 'node_modules', 'better-sqlite3');
  it('Node better-sqlite3', { skip: existsSync(path.join(BETTER, 'build', 'Release', 'better_sqlite3.node')) ? false : 'better-sqlite3 not installed' }, () => {
    const dir = tempDir();
    const code = snippet(/better-sqlite3/).code.replace("require('better-sqlite3')", `require(${JSON.stringify(BETTER)})`);
    const out = execFileSync(process.execPath, ['-e', `process.chdir(${JSON.stringify(dir)});\n${code}\n${readBackJs}`], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), expected);
  });

  it('Go snippets use each driver\'s own DSN spelling, and the advisor reads every setting back as set', async () => {
    for (const [name, driver, importPath] of [['mattn', 'mattn/go-sqlite3', 'github.com/mattn/go-sqlite3'], ['modernc', 'modernc.org/sqlite', 'modernc.org/sqlite']] as const) {
      const dir = tempDir();
      write(dir, 'main.go', `package main\nimport (\n\t"database/sql"\n\t_ "${importPath}"\n)\nfunc open() {\n\t${snippet(new RegExp(name === 'mattn' ? 'mattn' : 'modernc')).code}\n\t_, _ = db, err\n}\n`);
      const [go] = (await findAppSettings(dir)).connections;
      assert.equal(go!.driver, driver);
      const set = Object.fromEntries(Object.entries(go!.settings).filter(([, s]) => s.state === 'set').map(([k, s]) => [k, (s as { value: string }).value]));
      assert.deepEqual(set, { journal_mode: 'wal', synchronous: 'normal', busy_timeout: '5000', foreign_keys: 'on' }, name);
    }
    assert.doesNotMatch(snippet(/mattn/).code, /_pragma=/, 'mattn/go-sqlite3 has no _pragma= parameter');
  });

  it('the Rails snippet says what the advisor reads back', async () => {
    const rails = (await parseDatabaseYml(snippet(/^Rails/).code, 'config/database.yml', '/app', '7.1.3'))[0]!;
    assert.deepEqual(rails.pragmas, { journal_mode: 'wal', synchronous: 'normal', foreign_keys: 'true' });
    // timeout in database.yml is the app's own setting, not a default (the old reading called it a default).
    assert.deepEqual(rails.settings.busy_timeout, { state: 'set', value: '5000', at: 'config/database.yml:4' });
  });
});
