import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { adviseDatabase } from '../src/advice/checks';
import { WAL_RESET_BUG, bugsOf } from '../src/advice/knowledge/knownBugs';
import { inspectDatabase } from '../src/sqlite/content/inspect';
import { tempDir } from './helpers/fixtures';

/** The version table of known SQLite bugs, and the risk reported per database from its header. */
describe('SQLite version risks', () => {
  it('knows which versions have the WAL-reset bug (3.7.0 through 3.51.2; fixed in 3.51.3, 3.44.6, 3.50.7)', () => {
    const affected = ['3.7.0', '3.40.1', '3.44.5', '3.45.1', '3.50.6', '3.51.2'];
    const fixed = ['3.6.23', '3.44.6', '3.44.9', '3.50.7', '3.51.3', '3.52.0', '3.53.4'];
    for (const v of affected) assert.equal(WAL_RESET_BUG.affects(v), true, v);
    for (const v of fixed) assert.equal(WAL_RESET_BUG.affects(v), false, v);
    assert.deepEqual(bugsOf('3.40.1', 'delete'), [], 'rollback-mode databases are not exposed');
  });

  it('reports it from the header of a real WAL database, and not once the header says 3.51.3', async () => {
    const file = path.join(tempDir(), 'app.db');
    execFileSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("pragma journal_mode=wal"); c.execute("create table t(x)"); c.commit(); c.close()', file]);
    const version = execFileSync('python3', ['-c', 'import sqlite3; print(sqlite3.sqlite_version)'], { encoding: 'utf8' }).trim();
    const check = async () => adviseDatabase({ state: await inspectDatabase(file), integrity: 'ok', findings: { connections: [], backups: [] } }).find((c) => c.id === 'sqlite-version')!;
    const before = await check();
    assert.equal(before.status, WAL_RESET_BUG.affects(version) ? 'warn' : 'ok', `${version}: ${before.reason}`);
    if (WAL_RESET_BUG.affects(version)) assert.match(before.reason, new RegExp(`SQLite ${version.replace(/\./g, '\\.')}, which has the WAL-reset bug \\(fixed in 3\\.51\\.3\\)`));
    const bytes = readFileSync(file);
    bytes.writeUInt32BE(3051003, 96);
    writeFileSync(file, bytes);
    const after = await check();
    assert.equal(after.status, 'ok');
    assert.match(after.reason, /Last written by SQLite 3\.51\.3: no known data-loss bug/);
  });
});

describe('the SQLite an app ships', () => {
  it('reads the version better-sqlite3 bundles (its sqlite3.h, never run) and reports the WAL-reset bug for a WAL database it opens', async () => {
    const { findAppSettings } = await import('../src/advice/appConfig');
    const root = tempDir();
    const dep = path.join(root, 'node_modules', 'better-sqlite3');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(dep, 'deps', 'sqlite3'), { recursive: true });
    writeFileSync(path.join(dep, 'package.json'), '{ "name": "better-sqlite3", "version": "11.0.0" }');
    writeFileSync(path.join(dep, 'deps', 'sqlite3', 'sqlite3.h'), '/* amalgamation */\n#define SQLITE_VERSION        "3.45.3"\n#define SQLITE_VERSION_NUMBER 3045003\n');
    writeFileSync(path.join(root, 'package.json'), '{}');
    writeFileSync(path.join(root, 'app.js'), "const Database = require('better-sqlite3');\nconst db = new Database('app.db');\n");
    execFileSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("pragma journal_mode=wal"); c.execute("create table t(x)"); c.commit()', path.join(root, 'app.db')]);
    const findings = await findAppSettings(root);
    assert.deepEqual(findings.runtimes, [{ name: 'better-sqlite3 11.0.0', file: 'node_modules/better-sqlite3/deps/sqlite3/sqlite3.h', sqliteVersion: '3.45.3' }]);
    const check = adviseDatabase({ state: await inspectDatabase(path.join(root, 'app.db')), integrity: 'ok', findings }).find((c) => c.id === 'sqlite-version')!;
    assert.equal(check.status, 'warn');
    assert.match(check.reason, /The app's better-sqlite3 11\.0\.0 ships SQLite 3\.45\.3, which has the WAL-reset bug \(fixed in 3\.51\.3\)/);
  });
});
