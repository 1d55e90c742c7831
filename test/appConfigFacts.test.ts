import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cli, connections, write } from './helpers/apps';
import { tempDir } from './helpers/fixtures';

/**
 * The hostile cases of issue #21 about what the analysis reads: each app is
 * written the way real projects write it, and the CLI reads it as a user
 * would. Facts are three-valued: set (file:line), the driver's default
 * (with its source), or unknown (the expression) — never a guess.
 */
const sqliteDb = (file: string) => execFileSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()', file]);

describe('app configuration read through syntax trees', () => {
  it('Go: connections in *_test.go and :memory: DSNs are test connections, never fixed; the app\'s own is found', () => {
    const root = tempDir();
    write(root, 'go.mod', 'module example.com/app\n');
    write(root, 'db.go', 'package app\n\nimport (\n\t"database/sql"\n\t"os"\n\n\t_ "github.com/mattn/go-sqlite3"\n)\n\nfunc Open() (*sql.DB, error) {\n\treturn sql.Open("sqlite3", os.Getenv("DATABASE_PATH"))\n}\n');
    const testGo = 'package app\n\nimport (\n\t"database/sql"\n\t"testing"\n)\n\nfunc TestOpen(t *testing.T) {\n\tdb, _ := sql.Open("sqlite3", ":memory:")\n\t_ = db\n}\n';
    write(root, 'db_test.go', testGo);
    write(root, 'internal/store/cache.go', 'package store\n\nimport "database/sql"\n\nfunc cache() { sql.Open("sqlite3", "file::memory:?cache=shared") }\n');
    const c = connections(root);
    assert.equal(c['db.go:11']!.scope, 'production');
    assert.equal(c['db_test.go:9']!.scope, 'test');
    assert.equal(c['internal/store/cache.go:5']!.scope, 'test');
    // The DSN is computed at run time: every setting is unknown, with the expression — never "missing".
    assert.deepEqual(c['db.go:11']!.settings.journal_mode, { state: 'unknown', expression: 'os.Getenv("DATABASE_PATH")', at: 'db.go:11' });
    const fix = cli('fix', root);
    assert.equal(readFileSync(path.join(root, 'db_test.go'), 'utf8'), testGo, 'test code is never edited');
    assert.doesNotMatch(fix.stdout, /Nothing to fix .* every SQLite connection found sets/, fix.stdout);
    assert.match(fix.stdout, /test connection\(s\).*db_test\.go:9/);
    assert.match(fix.stdout, /db\.go:11 journal_mode, synchronous, busy_timeout, foreign_keys, cache_size: computed at run time \(os\.Getenv\("DATABASE_PATH"\)\)/);
  });

  it('check --require busy_timeout: passes an app that sets it in a DSN built by concatenation; a test file\'s DSN never counts', () => {
    const root = tempDir();
    write(root, 'main.go', 'package main\n\nimport (\n\t"database/sql"\n\n\t_ "modernc.org/sqlite"\n)\n\nconst dbFile = "app.db"\n\nfunc main() {\n\tsql.Open("sqlite", "file:"+dbFile+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")\n}\n');
    sqliteDb(path.join(root, 'app.db'));
    const r = cli('check', root, '--require', 'busy_timeout', '--json');
    assert.equal(r.status, 0, r.stdout);
    const check = (JSON.parse(r.stdout) as { databases: { checks: { id: string; status: string; reason: string; source?: string }[] }[] }).databases[0]!.checks.find((x) => x.id === 'busy_timeout')!;
    assert.deepEqual([check.status, check.source], ['ok', 'main.go:12']);
    assert.match(check.reason, /10000 ms — set by the app at main\.go:12/);

    const other = tempDir();
    write(other, 'main.go', 'package main\n\nimport (\n\t"database/sql"\n\t"os"\n\n\t_ "github.com/mattn/go-sqlite3"\n)\n\nfunc main() { sql.Open("sqlite3", os.Getenv("DB")) }\n');
    write(other, 'main_test.go', 'package main\n\nimport "database/sql"\n\nfunc TestX() { sql.Open("sqlite3", "app.db?_busy_timeout=10000") }\n');
    sqliteDb(path.join(other, 'app.db'));
    const strict = cli('check', other, '--require', 'busy_timeout', '--strict');
    assert.equal(strict.status, 4, strict.stdout);
    assert.doesNotMatch(strict.stdout, /main_test\.go/, 'a test file is not the app');
    const lenient = cli('check', other, '--require', 'busy_timeout');
    assert.equal(lenient.status, 0, lenient.stdout);
    assert.match(lenient.stdout, /note: app\.db busy_timeout passes as unknown \(computed at run time: os\.Getenv\("DB"\)/);
  });

  it('Go: mattn/go-sqlite3 ignores _pragma= (its defaults stand, and the fix uses its own spelling); ncruces and modernc read it', () => {
    const root = tempDir();
    write(root, 'mattn/main.go', 'package main\n\nimport (\n\t"database/sql"\n\n\t_ "github.com/mattn/go-sqlite3"\n)\n\nfunc main() { sql.Open("sqlite3", "app.db?_pragma=journal_mode(WAL)&_pragma=busy_timeout(100)") }\n');
    const c = connections(root)['mattn/main.go:9']!;
    assert.equal(c.driver, 'mattn/go-sqlite3');
    assert.deepEqual(c.settings.busy_timeout, { state: 'default', value: '5000', source: 'mattn/go-sqlite3 sqlite3.go: busyTimeout := 5000' });
    assert.equal(c.settings.journal_mode!.state, 'default');
    assert.ok(c.notes.some((n) => /has no _pragma= parameter/.test(n)));
    write(root, 'modernc/main.go', 'package main\n\nimport (\n\t"database/sql"\n\n\t_ "modernc.org/sqlite"\n)\n\nfunc main() { sql.Open("sqlite", "m.db?_busy_timeout=9000") }\n');
    const m = connections(root)['modernc/main.go:9']!;
    assert.deepEqual([m.settings.busy_timeout!.state, m.settings.busy_timeout!.value], ['default', '0'], 'modernc does not read mattn\'s _busy_timeout');
    assert.ok(m.notes.some((n) => /reads only _pragma=name\(value\): mattn's _busy_timeout=9000 is ignored/.test(n)));
    cli('fix', root);
    assert.match(readFileSync(path.join(root, 'mattn/main.go'), 'utf8'), /"app\.db\?_pragma=journal_mode\(WAL\)&_pragma=busy_timeout\(100\)&_journal_mode=WAL&_foreign_keys=1"/);
  });

  it('Go: constants of the package, fmt.Sprintf with a literal format, sqlx and gorm', () => {
    const root = tempDir();
    write(root, 'store/consts.go', 'package store\n\nconst params = "_journal_mode=WAL&_busy_timeout=8000"\n');
    write(root, 'store/open.go', 'package store\n\nimport (\n\t"fmt"\n\n\t"github.com/jmoiron/sqlx"\n\t_ "github.com/mattn/go-sqlite3"\n\t"gorm.io/driver/sqlite"\n\t"gorm.io/gorm"\n)\n\nfunc open(dir string) {\n\tsqlx.Open("sqlite3", fmt.Sprintf("file:%s/app.db?%s&_fk=%d", dir, params, 1))\n\tgorm.Open(sqlite.Open("gorm.db?_sync=1"), &gorm.Config{})\n}\n');
    const c = connections(root);
    const sqlx = c['store/open.go:13']!;
    assert.deepEqual([sqlx.driver, sqlx.settings.journal_mode!.value, sqlx.settings.busy_timeout!.value, sqlx.settings.foreign_keys!.value], ['mattn/go-sqlite3', 'wal', '8000', 'on']);
    assert.equal(sqlx.settings.busy_timeout!.at, 'store/consts.go:3');
    const gorm = c['store/open.go:14']!;
    assert.deepEqual([gorm.driver, gorm.settings.synchronous!.state, gorm.settings.synchronous!.value], ['mattn/go-sqlite3', 'set', 'normal']);
  });

  it('a malformed Go DSN (%3) is a named problem; the run goes on and a Django project elsewhere is still fixed', () => {
    const root = tempDir();
    write(root, 'svc/main.go', 'package main\n\nimport "database/sql"\n\nfunc main() { sql.Open("sqlite3", "app.db?_busy_timeout=%3") }\n');
    write(root, 'web/requirements.txt', 'Django==5.1\n');
    write(root, 'web/proj/settings.py', 'DATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.sqlite3",\n        "NAME": "db.sqlite3",\n    }\n}\n');
    const r = cli('fix', root);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /problem: svc\/main\.go: line 5: the DSN .* malformed %-escape/);
    assert.match(readFileSync(path.join(root, 'web/proj/settings.py'), 'utf8'), /"init_command": "PRAGMA journal_mode=WAL;/);
  });

  it('Node: better-sqlite3\'s compile-time defaults (foreign keys ON, NORMAL in WAL, 16 MB cache); pragmas count only on the same instance, never in comments', () => {
    const root = tempDir();
    write(root, 'package.json', '{}');
    write(root, 'db.js', `const Database = require('better-sqlite3');
const cache = new Database(':memory:');
cache.pragma('synchronous = OFF');
// db.pragma('busy_timeout = 1');
const db = new Database('app.db');
db.pragma('journal_mode = WAL');
module.exports = db;
`);
    const c = connections(root);
    assert.equal(c['db.js:2']!.scope, 'test');
    const db = c['db.js:5']!.settings;
    assert.deepEqual(db.journal_mode, { state: 'set', value: 'wal', at: 'db.js:6' });
    assert.deepEqual([db.foreign_keys!.state, db.foreign_keys!.value], ['default', 'on']);
    assert.deepEqual([db.synchronous!.state, db.synchronous!.value], ['default', 'normal'], 'NORMAL in WAL (SQLITE_DEFAULT_WAL_SYNCHRONOUS=1), not cache\'s OFF');
    assert.deepEqual([db.busy_timeout!.state, db.busy_timeout!.value], ['default', '5000'], 'the commented-out call does not count');
    assert.equal(db.cache_size!.value, '-16000');
    const dbFile = path.join(root, 'app.db');
    execFileSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("pragma journal_mode=wal"); c.execute("create table t(x)"); c.commit()', dbFile]);
    const check = cli('check', root, '--require', 'foreign_keys,synchronous,busy_timeout');
    assert.equal(check.status, 0, check.stdout);
  });

  it('Django: a comment in an unrelated notes.py and commented-out code are not settings', () => {
    const root = tempDir();
    write(root, 'requirements.txt', 'Django==4.2\n');
    write(root, 'notes.py', '# from django.db.backends.signals import connection_created\n# cursor.execute("PRAGMA journal_mode=WAL")  connection_created\n');
    write(root, 'proj/settings.py', `DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "app",
    }
}
# DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "old.sqlite3"}}
`);
    write(root, 'other/settings.py', 'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/db.sqlite3"}}\n');
    const c = connections(root);
    assert.deepEqual(Object.keys(c), ['other/settings.py:1']);
    assert.equal(c['other/settings.py:1']!.settings.journal_mode!.state, 'default');
  });

  it('Django: OPTIONS assigned after the dict, module-level names and f-strings are resolved; OPTIONS from a variable elsewhere is unknown', () => {
    const root = tempDir();
    write(root, 'requirements.txt', 'Django[argon2]==6.1\n');
    write(root, 'a/settings.py', `import os
TIMEOUT = 20
PRAGMAS = "PRAGMA journal_mode=WAL;"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "a.sqlite3"}}
DATABASES["default"]["OPTIONS"] = {
    "init_command": PRAGMAS + f"PRAGMA synchronous={'NORMAL'};",
    "timeout": TIMEOUT,
}
`);
    write(root, 'b/settings.py', `from .base import SOME_OPTIONS
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "b.sqlite3",
        "OPTIONS": SOME_OPTIONS,
    }
}
`);
    const c = connections(root);
    const a = c['a/settings.py:4']!.settings;
    assert.deepEqual(a.journal_mode, { state: 'set', value: 'wal', at: 'a/settings.py:3' }, 'where the literal that sets it is');
    assert.equal(a.synchronous!.state, 'unknown', 'the f-string\'s {…} is computed');
    assert.equal(a.busy_timeout!.state, 'unknown', 'TIMEOUT resolves only if it is a literal number — a name is computed');
    const b = c['b/settings.py:4']!.settings;
    assert.deepEqual(b.journal_mode, { state: 'unknown', expression: 'SOME_OPTIONS', at: 'b/settings.py:6' });
    const before = readFileSync(path.join(root, 'b/settings.py'), 'utf8');
    const fix = cli('fix', root);
    assert.equal(readFileSync(path.join(root, 'b/settings.py'), 'utf8'), before, 'never a second "OPTIONS" key');
    assert.doesNotMatch(fix.stdout, /b\/settings\.py.*OPTIONS is an expression/, 'unknown is not missing: nothing to add');
  });

  it('Django: a later .update() of the entry or its OPTIONS replaces what the literal says: its settings are unknown and fix leaves them alone', () => {
    const root = tempDir();
    write(root, 'requirements.txt', 'Django==5.2\n');
    const settings = `DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "db.sqlite3",
        "OPTIONS": {"timeout": 20},
    }
}
DATABASES["default"].update({"OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"}})
`;
    write(root, 'a/settings.py', settings);
    write(root, 'b/settings.py', settings.replace(/\nDATABASES\[.*\n$/, '\nDATABASES["default"]["OPTIONS"].update(timeout=30)\n'));
    // What Django really gets: the update wins over the literal.
    const real = execFileSync('python3', ['-c', 'import runpy,sys,json; print(json.dumps(runpy.run_path(sys.argv[1])["DATABASES"]["default"]["OPTIONS"]))', path.join(root, 'a/settings.py')], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(real), { init_command: 'PRAGMA journal_mode=WAL;' }, 'the timeout of 20 s is gone');
    const c = connections(root);
    for (const [file, line] of [['a/settings.py', 8], ['b/settings.py', 8]] as const) {
      const s = c[`${file}:3`]!.settings;
      assert.deepEqual([s.busy_timeout!.state, s.busy_timeout!.at], ['unknown', `${file}:${line}`], `${file}: ${JSON.stringify(s.busy_timeout)}`);
      assert.equal(s.journal_mode!.state, 'unknown');
    }
    cli('fix', root);
    assert.equal(readFileSync(path.join(root, 'a/settings.py'), 'utf8'), settings, 'an edit of the literal would be thrown away by the update');
  });

  it('Django: a relative NAME or sqlite:/// URL is the database beside manage.py (where Django runs), not beside settings.py', () => {
    const root = tempDir();
    write(root, 'requirements.txt', 'Django==5.2\ndj-database-url==2.1\n');
    write(root, 'manage.py', 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n');
    write(root, 'proj/settings.py', `import dj_database_url
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3", "OPTIONS": {"timeout": 20}},
    "other": dj_database_url.config(default="sqlite:///other.sqlite3"),
}
`);
    sqliteDb(path.join(root, 'db.sqlite3'));
    sqliteDb(path.join(root, 'other.sqlite3'));
    const check = cli('check', root, '--require', 'busy_timeout,foreign_keys');
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.doesNotMatch(check.stdout + check.stderr, /not among the databases found/);
  });

  it('Rails 8 multi-database database.yml (production: primary:, cache:) with ERB and a flow mapping is read', () => {
    const root = tempDir();
    write(root, 'Gemfile.lock', 'GEM\n  specs:\n    rails (8.0.2)\n');
    write(root, 'config/database.yml', `default: &default
  adapter: sqlite3
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>
  timeout: <%= ENV.fetch("DB_TIMEOUT") { 5000 } %>

production:
  primary:
    <<: *default
    database: storage/production.sqlite3
  cache: { adapter: sqlite3, database: storage/production_cache.sqlite3 }
"prod)eu":
  <<: *default
  database: storage/eu.sqlite3
test:
  <<: *default
  database: storage/test.sqlite3
`);
    const c = connections(root);
    const primary = c['config/database.yml:7']!;
    assert.equal(primary.scope, 'production');
    assert.deepEqual(primary.settings.busy_timeout, { state: 'unknown', expression: '<%= ENV.fetch("DB_TIMEOUT") { 5000 } %>', at: 'config/database.yml:4' });
    assert.deepEqual([primary.settings.journal_mode!.state, primary.settings.journal_mode!.value], ['default', 'wal']);
    assert.equal(c['config/database.yml:10']!.settings.busy_timeout!.value, '0');
    assert.equal(c['config/database.yml:11']!.scope, 'production');
    assert.equal(c['config/database.yml:14']!.scope, 'test');
  });

  it('Rails without Gemfile.lock: the version decides foreign_keys, journal_mode, synchronous and cache_size, so they are unknown, not SQLite\'s defaults', () => {
    const root = tempDir();
    write(root, 'Gemfile', "source 'https://rubygems.org'\ngem 'rails'\ngem 'sqlite3'\n");
    write(root, 'config/database.yml', 'default: &default\n  adapter: sqlite3\n  timeout: 5000\n\nproduction:\n  <<: *default\n  database: storage/production.sqlite3\n');
    const prod = connections(root)['config/database.yml:5']!;
    for (const name of ['foreign_keys', 'journal_mode', 'synchronous', 'cache_size']) assert.equal(prod.settings[name]!.state, 'unknown', `${name}: ${JSON.stringify(prod.settings[name])}`);
    assert.deepEqual([prod.settings.busy_timeout!.state, prod.settings.busy_timeout!.value], ['set', '5000']);
    // Every Rails since 6.1 turns foreign keys on: an unknown version is no reason to fail the check.
    const check = cli('check', root, '--require', 'busy_timeout,foreign_keys');
    assert.equal(check.status, 0, check.stdout + check.stderr);
  });

  it('third-party trees are not the app: node_modules, vendor/, site-packages, .tox, any virtualenv; --exclude adds real globs', () => {
    const root = tempDir();
    const settings = 'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/x.sqlite3"}}\n';
    for (const dir of ['node_modules/pkg', 'vendor/lib', 'lib/python3.11/site-packages/pkg', '.tox/py3', 'env/lib', 'app']) write(root, `${dir}/settings.py`, settings);
    write(root, 'env/pyvenv.cfg', 'home = /usr/bin\n');
    write(root, 'generated/one/settings.py', settings);
    assert.deepEqual(Object.keys(connections(root)).sort(), ['app/settings.py:1', 'generated/one/settings.py:1']);
    assert.deepEqual(Object.keys(connections(root, '--exclude', 'generated/**')), ['app/settings.py:1']);
    const fix = cli('fix', root, '--exclude', 'gen*', '--exclude', 'app', '--dry-run');
    assert.equal(fix.status, 0, fix.stdout);
    assert.match(fix.stdout, /^Nothing to fix/m);
  });

  it('a FIFO named requirements.txt is never opened: fix finishes', () => {
    const root = tempDir();
    write(root, 'proj/settings.py', 'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/x.sqlite3"}}\n');
    execFileSync('mkfifo', [path.join(root, 'requirements.txt')]);
    const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'bin', 'sqlite-doctor.js'), 'fix', root, '--dry-run'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.error, undefined, 'finished');
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
