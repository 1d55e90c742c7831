import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cli, write } from './helpers/apps';
import { tempDir } from './helpers/fixtures';

/**
 * Fixes proved by running the real stacks Debian packages (scripts/e2e-setup.sh
 * installs them; each test says what is missing when it skips): the fixed
 * configuration, run by the stack itself, gives a live connection the settings
 * read back from SQLite.
 */
const has = (cmd: string, args: string[]) => { const r = spawnSync(cmd, args, { encoding: 'utf8' }); return !r.error && r.status === 0; };
const SQLALCHEMY = has('/usr/bin/python3', ['-c', 'import sqlalchemy']);
const MATTN = '/usr/share/gocode/src/github.com/mattn/go-sqlite3';
const GO = has('go', ['version']) && has('test', ['-d', MATTN]);
const ACTIVERECORD = has('ruby', ['-e', 'require "active_record"; require "sqlite3"']);
const GO_ENV = { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '' };

describe('fixes proved on the real stacks', () => {
  it('SQLAlchemy: the connect listener added after create_engine runs on every pooled connection', { skip: SQLALCHEMY ? false : 'python3-sqlalchemy is not installed (apt-get install python3-sqlalchemy)' }, () => {
    const root = tempDir();
    write(root, 'app/db.py', 'import sqlalchemy as sa\n\nengine = sa.create_engine("sqlite:///app.db", connect_args={"timeout": 10})\n');
    const fix = cli('fix', root);
    assert.equal(fix.status, 0, fix.stdout);
    const out = execFileSync('/usr/bin/python3', ['-c', `import json, sys
sys.path.insert(0, "app")
from db import engine
with engine.connect() as c:
    print(json.dumps({p: c.exec_driver_sql("PRAGMA " + p).scalar() for p in ["journal_mode", "synchronous", "busy_timeout", "foreign_keys"]}))`], { cwd: root, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), { journal_mode: 'wal', synchronous: 1, busy_timeout: 10000, foreign_keys: 1 });
    assert.doesNotMatch(cli('fix', root).stdout, /^fixed /m);
  });

  it('Go mattn/go-sqlite3: the fixed DSN, compiled and run, reads back busy_timeout and journal_mode', { skip: GO ? false : 'golang-go and golang-github-mattn-go-sqlite3-dev are not installed' }, () => {
    const root = tempDir();
    write(root, 'main.go', `package main

import (
\t"database/sql"
\t"encoding/json"
\t"os"

\t_ "github.com/mattn/go-sqlite3"
)

func main() {
\tdb, err := sql.Open("sqlite3", "file:app.db")
\tif err != nil {
\t\tpanic(err)
\t}
\tout := map[string]any{}
\tfor _, p := range []string{"journal_mode", "synchronous", "busy_timeout", "foreign_keys"} {
\t\tvar v any
\t\tif err := db.QueryRow("PRAGMA " + p).Scan(&v); err != nil {
\t\t\tpanic(err)
\t\t}
\t\tif b, ok := v.([]byte); ok {
\t\t\tv = string(b)
\t\t}
\t\tout[p] = v
\t}
\tjson.NewEncoder(os.Stdout).Encode(out)
}
`);
    const fix = cli('fix', root);
    assert.equal(fix.status, 0, fix.stdout);
    assert.match(readFileSync(path.join(root, 'main.go'), 'utf8'), /"file:app\.db\?_journal_mode=WAL&_foreign_keys=1"/, 'mattn spelling; its own busy_timeout 5000 and synchronous NORMAL stand');
    const out = execFileSync('go', ['run', 'main.go'], { cwd: root, env: GO_ENV, encoding: 'utf8', timeout: 600_000 });
    assert.deepEqual(JSON.parse(out), { journal_mode: 'wal', synchronous: 1, busy_timeout: 5000, foreign_keys: 1 });
  });

  it('Rails (Debian\'s ActiveRecord 6.1): the timeout added to database.yml reaches the live connection; pragmas before 7.1 are explained', { skip: ACTIVERECORD ? false : 'ruby-activerecord and ruby-sqlite3 are not installed' }, () => {
    const root = tempDir();
    const version = execFileSync('ruby', ['-e', 'require "active_record"; print ActiveRecord::VERSION::STRING'], { encoding: 'utf8' });
    write(root, 'Gemfile.lock', `GEM\n  specs:\n    rails (${version})\n`);
    write(root, 'config/database.yml', 'default: &default\n  adapter: sqlite3\n  pool: 5\n\nproduction:\n  <<: *default\n  database: db/production.sqlite3\n');
    const fix = cli('fix', root);
    assert.match(fix.stdout, /fixed config\/database\.yml:5 \(rails\)/);
    assert.match(fix.stdout, /Rails before 7\.1 .* has no database\.yml pragmas/);
    const out = execFileSync('ruby', ['-e', `require "active_record"; require "yaml"; require "json"
Dir.mkdir("db") rescue nil
config = YAML.safe_load(File.read("config/database.yml"), aliases: true)["production"]
ActiveRecord::Base.establish_connection(config)
c = ActiveRecord::Base.connection
puts JSON.generate(%w[busy_timeout foreign_keys].to_h { |p| [p, c.select_value("PRAGMA #{p}")] })`], { cwd: root, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), { busy_timeout: 5000, foreign_keys: 1 });
  });
});
