import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, planWorkspaceFixes } from '../src/advice/fix/fixes';
import { NODE22 } from './helpers/engines';
import { tempDir } from './helpers/fixtures';

/**
 * Fixes proved by running the app's own stack where this machine has it:
 * the fixed configuration, executed, must give a live connection the
 * recommended settings. Every fix is idempotent and keeps the rest of the file.
 */
const BIN = path.join(__dirname, '..', 'bin', 'sqlite-doctor.js');
const BETTER = path.join(__dirname, '..', '.cache', 'better-sqlite3', 'node_modules', 'better-sqlite3');
/** Debian's python3-django lives in the system Python, which may not be the first python3 on PATH. */
const DJANGO_PYTHON = ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import django']).status === 0);
const EXPECTED = { journal_mode: 'wal', synchronous: 1, busy_timeout: 5000, foreign_keys: 1 };

function write(root: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

async function fixAll(root: string): Promise<void> {
  const { fixes, unfixable } = await planWorkspaceFixes(root);
  assert.deepEqual(unfixable, []);
  assert.ok(fixes.length > 0, 'something to fix');
  const files = new Set(fixes.map((f) => f.file));
  for (const file of files) {
    const abs = path.join(root, file);
    writeFileSync(abs, applyEdits(readFileSync(abs, 'utf8'), fixes.filter((f) => f.file === file).flatMap((f) => f.edits)));
  }
  const again = await planWorkspaceFixes(root);
  assert.deepEqual([again.fixes, again.unfixable], [[], []], 'a second fix changes nothing');
}

const DJANGO_SETTINGS = `from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "test"
INSTALLED_APPS = []

# Keep this comment.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }
}
`;

const READ_BACK_PY = `{p: cur.execute("PRAGMA " + p).fetchone()[0] for p in ["journal_mode", "synchronous", "busy_timeout", "foreign_keys"]}`;

describe('fixes applied to sample apps, proved with their own stack', () => {
  it('Django 5.1+: OPTIONS.init_command, executed by a new python3 sqlite3 connection, sets every recommended pragma', async () => {
    const root = tempDir();
    write(root, 'requirements.txt', 'Django==5.1.4\n');
    write(root, 'proj/settings.py', DJANGO_SETTINGS);
    await fixAll(root);
    const text = readFileSync(path.join(root, 'proj/settings.py'), 'utf8');
    assert.match(text, /# Keep this comment\./);
    const out = execFileSync('python3', ['-c', `import json, runpy, sqlite3
s = runpy.run_path(${JSON.stringify(path.join(root, 'proj/settings.py'))})
o = s["DATABASES"]["default"]["OPTIONS"]
# What Django 5.1's get_new_connection does: connect with OPTIONS' timeout (Python's default 5 s), foreign keys on, then init_command.
con = sqlite3.connect(str(s["DATABASES"]["default"]["NAME"]), timeout=o.get("timeout", 5.0), isolation_level=None)
con.execute("PRAGMA foreign_keys = ON")
for st in o["init_command"].split(";"):
    if st.strip(): con.execute(st)
cur = con
assert o["transaction_mode"] == "IMMEDIATE"
print(json.dumps(${READ_BACK_PY}))`], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), EXPECTED);
  });

  it('Django before 5.1: the connection_created receiver runs on a live Django connection', { skip: DJANGO_PYTHON ? false : 'python3-django is not installed (npm test installs it on Debian)' }, async () => {
    const root = tempDir();
    write(root, 'requirements.txt', 'Django==3.2.25\n');
    write(root, 'proj/__init__.py', '');
    write(root, 'proj/settings.py', DJANGO_SETTINGS);
    await fixAll(root);
    const out = execFileSync(DJANGO_PYTHON!, ['-c', `import json, django
django.setup()
from django.db import connection
cur = connection.cursor()
print(json.dumps(${READ_BACK_PY}))`], { encoding: 'utf8', cwd: root, env: { ...process.env, DJANGO_SETTINGS_MODULE: 'proj.settings', PYTHONPATH: root } });
    // Django turns foreign_keys on itself; Python's sqlite3 waits 5 s (busy_timeout 5000) by default.
    assert.deepEqual(JSON.parse(out), EXPECTED);
  });

  for (const [name, runtime, module] of [
    ['better-sqlite3', process.execPath, 'better-sqlite3'],
    ['node:sqlite', NODE22, 'node:sqlite'],
  ] as const) {
    const available = module === 'better-sqlite3' ? existsSync(path.join(BETTER, 'build', 'Release', 'better_sqlite3.node')) : existsSync(NODE22);
    it(`Node ${name}: the pragma calls after the constructor take effect`, { skip: available ? false : `${name} is not installed in .cache` }, async () => {
      const root = tempDir();
      write(root, 'package.json', '{}');
      const open = module === 'better-sqlite3'
        ? "const Database = require('better-sqlite3');\n\nexports.open = () => {\n  const db = new Database('app.db');\n  return db;\n};\n"
        : "const sqlite = require('node:sqlite');\n\nexports.open = () => {\n  const db = new sqlite.DatabaseSync('app.db');\n  return db;\n};\n";
      write(root, 'db.js', open);
      await fixAll(root);
      const app = readFileSync(path.join(root, 'db.js'), 'utf8').replace("require('better-sqlite3')", `require(${JSON.stringify(BETTER)})`);
      write(root, 'db.js', app);
      const read = "console.log(JSON.stringify(Object.fromEntries(['journal_mode','synchronous','busy_timeout','foreign_keys'].map((p) => [p, Object.values(db.prepare('PRAGMA ' + p).get())[0]]))))";
      const out = execFileSync(runtime, ['-e', `const db = require(${JSON.stringify(path.join(root, 'db.js'))}).open();\n${read}`], { encoding: 'utf8', cwd: root, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
      assert.deepEqual(JSON.parse(out), EXPECTED);
    });
  }

  it('Go: DSN parameters in each driver\'s spelling', async () => {
    const root = tempDir();
    write(root, 'mattn/main.go', 'package main\nimport "database/sql"\nfunc open() { sql.Open("sqlite3", "app.db") }\n');
    write(root, 'modernc/main.go', 'package main\nimport "database/sql"\nfunc open() { sql.Open("sqlite", "file:app.db?cache=shared") }\n');
    await fixAll(root);
    // mattn/go-sqlite3 already waits 5000 ms and sets synchronous=NORMAL on every open (sqlite3.go): only the rest is added.
    assert.match(readFileSync(path.join(root, 'mattn/main.go'), 'utf8'), /"app\.db\?_journal_mode=WAL&_foreign_keys=1"/);
    assert.match(readFileSync(path.join(root, 'modernc/main.go'), 'utf8'), /"file:app\.db\?cache=shared&_pragma=journal_mode\(WAL\)&_pragma=synchronous\(NORMAL\)&_pragma=busy_timeout\(5000\)&_pragma=foreign_keys\(1\)"/);
  });

  it('Rails 7.1: timeout added, the YAML stays valid and keeps its anchors and comments; Rails 6.1 pragmas are explained, not guessed', async () => {
    const root = tempDir();
    const yml = '# Rails database config\ndefault: &default\n  adapter: sqlite3\n  pool: 5 # threads\n\nproduction:\n  <<: *default\n  database: storage/production.sqlite3\n';
    write(root, 'app/config/database.yml', yml);
    write(root, 'app/Gemfile.lock', 'GEM\n  specs:\n    rails (7.1.3)\n');
    await fixAll(root);
    const text = readFileSync(path.join(root, 'app/config/database.yml'), 'utf8');
    assert.match(text, /# Rails database config/);
    assert.match(text, /pool: 5 # threads/);
    assert.match(text, /<<: \*default/);
    const { parse } = await import('yaml');
    const doc = parse(text, { merge: true }) as { production: Record<string, unknown> };
    assert.deepEqual([doc.production.timeout, doc.production.adapter, doc.production.pool], [5000, 'sqlite3', 5]);
    const old = tempDir();
    write(old, 'app/config/database.yml', 'production:\n  adapter: sqlite3\n  database: db/production.sqlite3\n');
    write(old, 'app/Gemfile.lock', 'GEM\n  specs:\n    rails (6.1.7)\n');
    const plan = await planWorkspaceFixes(old);
    assert.equal(plan.unfixable.length, 1);
    assert.match(plan.unfixable[0]!.why, /Rails before 7\.1 .* has no database\.yml pragmas/);
  });

  it('CLI: --dry-run prints a diff and writes nothing; exit 3 names what cannot be fixed', () => {
    const root = tempDir();
    write(root, 'requirements.txt', 'Django==5.1\n');
    write(root, 'proj/settings.py', DJANGO_SETTINGS);
    write(root, 'legacy/config/database.yml', 'production:\n  adapter: sqlite3\n  database: db/production.sqlite3\n');
    write(root, 'legacy/Gemfile.lock', 'GEM\n  specs:\n    rails (6.1.7)\n');
    const dry = spawnSync(process.execPath, [BIN, 'fix', root, '--dry-run'], { encoding: 'utf8' });
    assert.equal(dry.status, 3);
    assert.match(dry.stdout, /^--- a\/proj\/settings\.py\n\+\+\+ b\/proj\/settings\.py\n@@/m);
    assert.match(dry.stdout, /^\+ {8}"OPTIONS": \{$/m);
    assert.match(dry.stdout, /cannot fix legacy\/config\/database\.yml:1 \(rails\) automatically/);
    assert.equal(readFileSync(path.join(root, 'proj/settings.py'), 'utf8'), DJANGO_SETTINGS);
  });
});

describe('settings that silently do nothing are corrected', () => {
  it('a misspelt PRAGMA, busy_timeout in seconds, Django timeout in milliseconds: fixed, then proved on a live connection', () => {
    const root = tempDir();
    write(root, 'requirements.txt', 'Django==5.2\n');
    write(root, 'proj/settings.py', DJANGO_SETTINGS.replace('"NAME": BASE_DIR / "db.sqlite3",', '"NAME": BASE_DIR / "db.sqlite3",\n        "OPTIONS": {"timeout": 5000, "init_command": "PRAGMA journal_mod=WAL; PRAGMA busy_timeout=5;"},'));
    write(root, 'go/main.go', 'package main\nimport "database/sql"\nfunc open() { sql.Open("sqlite", "app.db?_pragma=jounal_mode(WAL)&_pragma=busy_timeout(5)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)") }\n');
    write(root, 'rails/config/database.yml', 'production:\n  adapter: sqlite3\n  database: db/production.sqlite3\n  timeout: 5\n');
    write(root, 'rails/Gemfile.lock', 'GEM\n  specs:\n    rails (7.2.1)\n');
    const r = spawnSync(process.execPath, [BIN, 'fix', root], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /PRAGMA journal_mod is not a pragma SQLite knows .* did you mean journal_mode\?/);
    assert.match(r.stdout, /busy_timeout=5 is 5 milliseconds, not seconds/);
    assert.match(r.stdout, /OPTIONS timeout is in seconds/);
    const out = execFileSync('python3', ['-c', `import json, runpy, sqlite3
s = runpy.run_path(${JSON.stringify(path.join(root, 'proj/settings.py'))})
o = s["DATABASES"]["default"]["OPTIONS"]
assert o["timeout"] == 5, o
con = sqlite3.connect(str(s["DATABASES"]["default"]["NAME"]), timeout=o["timeout"], isolation_level=None)
con.execute("PRAGMA foreign_keys = ON")  # as Django's sqlite3 backend does on every new connection
for st in o["init_command"].split(";"):
    if st.strip(): con.execute(st)
cur = con
print(json.dumps(${READ_BACK_PY}))`], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), EXPECTED);
    assert.match(readFileSync(path.join(root, 'go/main.go'), 'utf8'), /_pragma=journal_mode\(WAL\)&_pragma=busy_timeout\(5000\)/);
    assert.match(readFileSync(path.join(root, 'rails/config/database.yml'), 'utf8'), /timeout: 5000/);
    const again = spawnSync(process.execPath, [BIN, 'fix', root], { encoding: 'utf8' });
    assert.match(again.stdout, /^Nothing to fix/);
  });
});
