import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cli, write } from './helpers/apps';
import { tempDir } from './helpers/fixtures';

/**
 * The hostile cases of issue #21 about what `fix` writes: every fixed file
 * still compiles (python3 -m py_compile, node --check, gofmt -e, a YAML
 * parser), keeps every byte outside the edit, and a second fix changes
 * nothing.
 */
const pyCompiles = (file: string) => execFileSync('python3', ['-m', 'py_compile', file]);
/** Runs a settings module; Django's signal module is stubbed where Django is not installed (the receiver is only connected). */
const DJANGO_STUB = `import sys, types
for m in ["django", "django.db", "django.db.backends", "django.db.backends.signals"]:
    sys.modules.setdefault(m, types.ModuleType(m))
sys.modules["django.db.backends.signals"].connection_created = types.SimpleNamespace(connect=lambda f: None)`;
const runPy = (file: string, expr: string) => JSON.parse(execFileSync('python3', ['-c', `import json, runpy\n${DJANGO_STUB}\ns = runpy.run_path(${JSON.stringify(file)})\nprint(json.dumps(${expr}))`], { encoding: 'utf8' }));

function fixTwice(root: string): string {
  const first = cli('fix', root);
  assert.equal(first.status, 0, first.stdout + first.stderr);
  const again = cli('fix', root);
  assert.doesNotMatch(again.stdout, /^fixed /m, `a second fix changes nothing:\n${again.stdout}`);
  return first.stdout;
}

const DJANGO = (entry: string) => `from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent.parent
DATABASES = {
    "default": {
${entry}
    }
}
`;

describe('fix edits that cannot break the code', () => {
  it('Django 5.1+: a trailing comment after "NAME" keeps its line; OPTIONS: {} gets entries inside its braces', () => {
    const root = tempDir();
    write(root, 'requirements.txt', 'Django==5.2\n');
    write(root, 'a/settings.py', DJANGO('        "ENGINE": "django.db.backends.sqlite3",\n        "NAME": BASE_DIR / "db.sqlite3"  # the database'));
    write(root, 'b/settings.py', DJANGO('        "ENGINE": "django.db.backends.sqlite3",\n        "NAME": BASE_DIR / "b.sqlite3",\n        "OPTIONS": {},'));
    write(root, 'c/settings.py', 'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "c.sqlite3", "OPTIONS": {"init_command": "PRAGMA cache_size=-20000"}}}\n');
    fixTwice(root);
    for (const f of ['a', 'b', 'c']) pyCompiles(path.join(root, f, 'settings.py'));
    assert.match(readFileSync(path.join(root, 'a/settings.py'), 'utf8'), /"NAME": BASE_DIR \/ "db\.sqlite3", {2}# the database\n/);
    const b = runPy(path.join(root, 'b/settings.py'), 's["DATABASES"]["default"]["OPTIONS"]');
    // Python's sqlite3 waits 5 s and Django turns foreign keys on: neither is added, so nothing the app chose is overridden.
    assert.deepEqual(b, { init_command: 'PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;', transaction_mode: 'IMMEDIATE' });
    const c = runPy(path.join(root, 'c/settings.py'), 's["DATABASES"]["default"]["OPTIONS"]["init_command"]');
    // Django turns foreign_keys on itself and Python waits 5 s: only journal_mode and synchronous are missing.
    assert.equal(c, 'PRAGMA cache_size=-20000; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;', 'the literal init_command is extended, not duplicated');
  });

  it('Django 5.1+: a new init_command never overrides the app\'s own timeout (an init_command busy_timeout runs after it and wins)', () => {
    const root = tempDir();
    write(root, 'requirements.txt', 'Django==5.2\n');
    write(root, 'a/settings.py', DJANGO('        "ENGINE": "django.db.backends.sqlite3",\n        "NAME": "a.sqlite3",\n        "OPTIONS": {"timeout": 20},'));
    write(root, 'b/settings.py', `OPTS = {"timeout": 1.5}\n${DJANGO('        "ENGINE": "django.db.backends.sqlite3",\n        "NAME": "b.sqlite3",\n        "OPTIONS": OPTS,')}`);
    fixTwice(root);
    const a = runPy(path.join(root, 'a/settings.py'), 's["DATABASES"]["default"]["OPTIONS"]');
    assert.deepEqual(a, { timeout: 20, init_command: 'PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;', transaction_mode: 'IMMEDIATE' });
    const b = runPy(path.join(root, 'b/settings.py'), 's["DATABASES"]["default"]["OPTIONS"]');
    assert.doesNotMatch(b.init_command, /busy_timeout/, JSON.stringify(b));
    assert.equal(b.timeout, 1.5);
  });

  it('Django: the version of the nearest project root decides (a sub-project pinned to 3.2 gets the receiver), Django[argon2]==6.1 is 6.1', () => {
    const root = tempDir();
    write(root, 'requirements.txt', 'Django[argon2]==6.1\n');
    write(root, 'web/settings.py', DJANGO('        "ENGINE": "django.db.backends.sqlite3",\n        "NAME": "web.sqlite3",'));
    write(root, 'legacy/requirements.txt', 'django==3.2.25\n');
    write(root, 'legacy/proj/settings.py', DJANGO('        "ENGINE": "django.db.backends.sqlite3",\n        "NAME": "legacy.sqlite3",'));
    fixTwice(root);
    assert.match(readFileSync(path.join(root, 'web/settings.py'), 'utf8'), /"init_command"/);
    const legacy = readFileSync(path.join(root, 'legacy/proj/settings.py'), 'utf8');
    assert.doesNotMatch(legacy, /"init_command"/, 'Django 3.2 passes OPTIONS to sqlite3.connect, which refuses init_command');
    assert.match(legacy, /connection_created\.connect\(_sqlite_connection_settings\)/);
  });

  it('Django before 5.1: one receiver per project, under a name no other definition uses', () => {
    const root = tempDir();
    write(root, 'requirements.txt', 'Django==4.2\n');
    const mine = 'def _sqlite_connection_settings():\n    return "the app\'s own"\n\n\n';
    write(root, 'proj/settings.py', mine + DJANGO('        "ENGINE": "django.db.backends.sqlite3",\n        "NAME": "a.sqlite3",\n    },\n    "other": {\n        "ENGINE": "django.db.backends.sqlite3",\n        "NAME": "b.sqlite3",'));
    fixTwice(root);
    const text = readFileSync(path.join(root, 'proj/settings.py'), 'utf8');
    assert.equal(text.match(/connection_created\.connect\(/g)?.length, 1);
    assert.match(text, /def _sqlite_connection_settings_2\(sender, connection, \*\*kwargs\):/);
    assert.equal(runPy(path.join(root, 'proj/settings.py'), 's["_sqlite_connection_settings"]()'), "the app's own");
  });

  it('a Latin-1 settings.py stays Latin-1 with CRLF line endings, byte for byte outside the edit', () => {
    const root = tempDir();
    write(root, 'requirements.txt', 'Django==5.1\n');
    const text = DJANGO('        "ENGINE": "django.db.backends.sqlite3",\n        "NAME": "caf\u00e9.sqlite3",').replace(/^/, '# -*- coding: latin-1 -*-\n# Caf\u00e9\n').replace(/\n/g, '\r\n');
    const before = Buffer.from(text, 'latin1');
    write(root, 'proj/settings.py', before);
    fixTwice(root);
    const after = readFileSync(path.join(root, 'proj/settings.py'));
    assert.ok(after.includes(Buffer.from([0x43, 0x61, 0x66, 0xe9])), 'é is still the Latin-1 byte 0xE9');
    assert.ok(!after.includes(Buffer.from('é', 'utf8')), 'nothing was re-encoded as UTF-8');
    const head = before.indexOf('        "NAME"');
    assert.deepEqual(after.subarray(0, head), before.subarray(0, head));
    assert.doesNotMatch(after.toString('latin1'), /[^\r]\n/, 'every new line ends in CRLF too');
    pyCompiles(path.join(root, 'proj/settings.py'));
  });

  it('Node: pragma calls go after the whole chained statement, on the same instance, inside a one-line function, never after a return', () => {
    const root = tempDir();
    write(root, 'package.json', '{}');
    write(root, 'a.js', "const Database = require('better-sqlite3');\nconst cache = new Database(':memory:');\nconst db = new Database('app.db')\n  .defaultSafeIntegers(true);\nmodule.exports = { db, cache };\n");
    write(root, 'b.js', "const Database = require('better-sqlite3');\nfunction open() { const db = new Database('b.db'); return db; }\nmodule.exports = open;\n");
    const returned = "const Database = require('better-sqlite3');\nexports.open = () => {\n  return new Database('c.db');\n};\n";
    write(root, 'c.js', returned);
    const out = cli('fix', root);
    const a = readFileSync(path.join(root, 'a.js'), 'utf8');
    assert.match(a, /new Database\('app\.db'\)\n {2}\.defaultSafeIntegers\(true\);\ndb\.pragma\('journal_mode = WAL'\);\n/);
    assert.doesNotMatch(a, /cache\.pragma/, 'the in-memory cache is a test connection, never fixed');
    const b = readFileSync(path.join(root, 'b.js'), 'utf8');
    assert.match(b, /const db = new Database\('b\.db'\);\ndb\.pragma\('journal_mode = WAL'\);\n.*\n return db; \}/s);
    for (const f of ['a.js', 'b.js']) execFileSync(process.execPath, ['--check', path.join(root, f)]);
    assert.equal(readFileSync(path.join(root, 'c.js'), 'utf8'), returned);
    assert.match(out.stdout, /cannot fix c\.js:3 .*not bound to a variable/);
  });

  it('Node: an exported top-level connection (export const db = new …) gets its pragma calls after the export, keeping the app\'s timeout', () => {
    const root = tempDir();
    write(root, 'package.json', '{"type":"module"}');
    write(root, 'db.mjs', "import Database from 'better-sqlite3';\n\nexport const db = new Database('app.db', { timeout: 10000 });\n");
    write(root, 'store.mjs', "import { DatabaseSync } from 'node:sqlite';\n\nexport const store = new DatabaseSync('./data.db', { timeout: 8000 });\nstore.exec('PRAGMA journal_mode=WAL');\n");
    fixTwice(root);
    const db = readFileSync(path.join(root, 'db.mjs'), 'utf8');
    assert.match(db, /export const db = new Database\('app\.db', \{ timeout: 10000 \}\);\ndb\.pragma\('journal_mode = WAL'\);\n/);
    assert.doesNotMatch(db, /busy_timeout/, 'the app\'s own 10 s timeout is kept');
    const store = readFileSync(path.join(root, 'store.mjs'), 'utf8');
    assert.match(store, /export const store = new DatabaseSync\('\.\/data\.db', \{ timeout: 8000 \}\);\nstore\.exec\("PRAGMA synchronous=NORMAL;"\);\n/);
    for (const f of ['db.mjs', 'store.mjs']) execFileSync(process.execPath, ['--check', path.join(root, f)]);
  });

  it('settings that do nothing are corrected only in the connection\'s own code: not on a test instance, not in a comment', () => {
    const root = tempDir();
    write(root, 'package.json', '{}');
    const text = "const Database = require('better-sqlite3');\nconst cache = new Database(':memory:');\ncache.pragma('busy_timeout = 5');\n// db.pragma('journal_mod = WAL');\nconst db = new Database('app.db');\ndb.pragma('busy_timeout = 5');\n";
    write(root, 'db.js', text);
    cli('fix', root);
    const after = readFileSync(path.join(root, 'db.js'), 'utf8');
    assert.match(after, /cache\.pragma\('busy_timeout = 5'\);/, 'the in-memory test instance is left alone');
    assert.match(after, /\/\/ db\.pragma\('journal_mod = WAL'\);/, 'a comment is not code');
    assert.match(after, /db\.pragma\('busy_timeout = 5000'\);/);
  });

  it('Go: a DSN ending in a run-time value is explained, not broken; a DSN constant is extended where it is defined', () => {
    const root = tempDir();
    const concat = 'package main\n\nimport (\n\t"database/sql"\n\n\t_ "github.com/mattn/go-sqlite3"\n)\n\nfunc open(path string) { sql.Open("sqlite3", "file:"+path) }\n';
    write(root, 'a/main.go', concat);
    write(root, 'b/dsn.go', 'package main\n\nconst dsn = "file:b.db?cache=shared"\n');
    write(root, 'b/main.go', 'package main\n\nimport (\n\t"database/sql"\n\n\t_ "modernc.org/sqlite"\n)\n\nfunc open() { sql.Open("sqlite", dsn) }\n');
    const out = cli('fix', root);
    assert.equal(readFileSync(path.join(root, 'a/main.go'), 'utf8'), concat, 'never "file:?_journal_mode=WAL…" + path');
    assert.doesNotMatch(out.stdout, /a\/main\.go.*cannot fix/, 'unknown settings are left alone, not called missing');
    // b's DSN constant lives in another file: the edit is refused rather than made in a file the finding does not name.
    assert.match(readFileSync(path.join(root, 'b/dsn.go'), 'utf8'), /const dsn = "file:b\.db\?cache=shared"/);
    assert.match(out.stdout, /cannot fix b\/main\.go:9/);
    if (existsSync('/usr/bin/gofmt')) for (const f of ['a/main.go', 'b/main.go', 'b/dsn.go']) execFileSync('gofmt', ['-e', path.join(root, f)]);
  });

  it('Rails: a flow mapping gets its keys inside the braces; an ERB timeout is left alone; an env named prod)eu is fine', async () => {
    const root = tempDir();
    write(root, 'Gemfile.lock', 'GEM\n  specs:\n    rails (7.1.3)\n');
    write(root, 'config/database.yml', 'production: { adapter: sqlite3, database: storage/production.sqlite3 }\n"prod)eu":\n  adapter: sqlite3\n  database: storage/eu.sqlite3\n  timeout: <%= ENV.fetch("DB_TIMEOUT") { 5000 } %>\n');
    fixTwice(root);
    const text = readFileSync(path.join(root, 'config/database.yml'), 'utf8');
    assert.equal(text.match(/timeout:/g)?.length, 2, text);
    const { parse } = await import('yaml');
    const doc = parse(text.replace(/<%=.*%>/, '5000')) as Record<string, Record<string, unknown>>;
    assert.deepEqual(doc.production, { adapter: 'sqlite3', database: 'storage/production.sqlite3', timeout: 5000 });
  });

  it('all files of a run are written or none: a read-only file is named and nothing is written', () => {
    const root = tempDir();
    write(root, 'requirements.txt', 'Django==5.1\n');
    const settings = DJANGO('        "ENGINE": "django.db.backends.sqlite3",\n        "NAME": "a.sqlite3",');
    write(root, 'a/settings.py', settings);
    write(root, 'b/settings.py', settings);
    chmodSync(path.join(root, 'b/settings.py'), 0o444);
    const r = cli('fix', root, '--json');
    assert.equal(r.status, 3, r.stdout);
    assert.match((JSON.parse(r.stdout) as { error: string }).error, /^b\/settings\.py: not writable/);
    for (const f of ['a', 'b']) assert.equal(readFileSync(path.join(root, f, 'settings.py'), 'utf8'), settings);
  });

  it('--dry-run: one hunk per fix, applied by git apply and patch -p1 to the same result as fix (CRLF, no final newline)', () => {
    const root = tempDir();
    write(root, 'requirements.txt', 'Django==5.1\n');
    const body = Array.from({ length: 12 }, (_, i) => `X${i} = ${i}`).join('\n');
    write(root, 'proj/settings.py', `${body}\nDATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "a.sqlite3"},\n${body}\n"other": {"ENGINE": "django.db.backends.sqlite3", "NAME": "b.sqlite3"}}`);
    write(root, 'svc/main.go', 'package main\r\n\r\nimport (\r\n\t"database/sql"\r\n\r\n\t_ "modernc.org/sqlite"\r\n)\r\n\r\nfunc open() { sql.Open("sqlite", "svc.db") }\r\n');
    const dry = cli('fix', root, '--dry-run');
    const diff = dry.stdout.slice(0, dry.stdout.indexOf('would fix'));
    assert.equal(diff.match(/^@@ /gm)?.length, 3, diff);
    const copies = ['git', 'patch'].map((tool) => {
      const copy = tempDir();
      cpSync(root, copy, { recursive: true });
      write(copy, 'fix.diff', diff);
      const r = tool === 'git' ? spawnSync('git', ['apply', '--unsafe-paths', 'fix.diff'], { cwd: copy, encoding: 'utf8' }) : spawnSync('patch', ['-p1', '-i', 'fix.diff'], { cwd: copy, encoding: 'utf8' });
      assert.equal(r.status, 0, `${tool}: ${r.stdout}${r.stderr}`);
      return copy;
    });
    cli('fix', root);
    for (const copy of copies) for (const f of ['proj/settings.py', 'svc/main.go']) assert.equal(readFileSync(path.join(copy, f), 'latin1'), readFileSync(path.join(root, f), 'latin1'), f);
  });
});
