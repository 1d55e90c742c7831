import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { writeLitestreamConfig } from '../src/advice/litestreamSetup';
import { shellCommand } from '../src/sqlite/os/shellQuote';
import { guarded } from '../src/ui/services/actionGuard';
import { snapshotTree, tempDir } from './helpers/fixtures';

/** Inputs that once did something else than asked: odd names, empty options, hostile files beside the workspace. */
const BIN = path.join(__dirname, '..', 'bin', 'sqlite-doctor.js');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
}

function makeDb(file: string): void {
  execFileSync('python3', ['-c', `import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.executemany("insert into t values (?)", [(i,) for i in range(50)]); c.commit()`, file]);
}

/** The words a POSIX shell makes of a command line, without running it. */
function wordsOf(command: string): string[] {
  return execFileSync('sh', ['-c', `printf '%s\\0' ${command.replace(/^sqlite3 /, '')}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

/** `backup FILE DEST` where no engine can be found (an empty PATH): refused (exit 3), with the command to run by hand. */
function refusedBackup(name: string, destName: string): { dir: string; file: string; dest: string; stdout: string } {
  const dir = tempDir();
  const file = path.join(dir, name);
  const dest = path.join(dir, destName);
  makeDb(file);
  const r = spawnSync(process.execPath, [BIN, 'backup', file, dest, '--engine', 'sqlite3-shell'], { encoding: 'utf8', env: { ...process.env, PATH: tempDir() } });
  assert.equal(r.status, 3, r.stdout + r.stderr);
  return { dir, file, dest, stdout: r.stdout };
}

describe('maintenance inputs', () => {
  it("vacuum --into '' is a usage error and leaves the database untouched", () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file);
    execFileSync('python3', ['-c', 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("delete from t"); c.commit()', file]);
    const before = snapshotTree(dir);
    const r = cli('vacuum', file, '--into', '');
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /--into needs a file name/);
    assert.deepEqual(snapshotTree(dir), before);
  });

  it('the "do it yourself" command is POSIX-quoted: a $(…) in a file name is a name, not a command', () => {
    const { dir, file, dest, stdout } = refusedBackup("it's $(touch pwned) `touch pwned2`.db", 'copy "$(touch pwned3)".db');
    const command = /^To do it yourself: (.*)$/m.exec(stdout)?.[1];
    assert.ok(command, stdout);
    assert.deepEqual(wordsOf(command), [file, `.backup "${dest.replace(/"/g, '\\"')}"`]);
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('pwned')), []);
    assert.equal(shellCommand('sqlite3', 'a b', 'x'), "sqlite3 'a b' x");
  });

  it('a refusal that protects data offers no command to do it anyway', () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.db');
    makeDb(file);
    const r = cli('backup', file, file, '--force');
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /do it yourself/i);
  });

  it('a newline in a file name does not split a result line', () => {
    const r = refusedBackup('two\nlines.db', 'copy.db');
    assert.ok(!r.stdout.split('\n').some((l) => l.startsWith('lines.db')), r.stdout);
    assert.match(r.stdout, /two\\x0alines\.db/);
  });
});

describe('Set Up Litestream writes only inside the workspace', () => {
  it('never writes through a dangling litestream.yml symlink', async () => {
    const workspace = tempDir();
    const outside = tempDir();
    symlinkSync(path.join(outside, 'owned.yml'), path.join(workspace, 'litestream.yml'));
    const r = await writeLitestreamConfig(workspace, workspace, 'dbs: []\n');
    assert.deepEqual(r, { exists: path.join(realpathSync(workspace), 'litestream.yml') });
    assert.deepEqual(readdirSync(outside), []);
  });

  it('refuses a folder that resolves outside the workspace, and writes a new file inside it', async () => {
    const workspace = tempDir();
    const outside = tempDir();
    symlinkSync(outside, path.join(workspace, 'elsewhere'));
    const r = await writeLitestreamConfig(workspace, path.join(workspace, 'elsewhere'), 'dbs: []\n');
    assert.ok('refused' in r && /outside the workspace/.test(r.refused), JSON.stringify(r));
    assert.deepEqual(readdirSync(outside), []);
    mkdirSync(path.join(workspace, 'app'));
    const ok = await writeLitestreamConfig(workspace, path.join(workspace, 'app'), 'dbs: []\n');
    assert.ok('written' in ok);
    assert.equal(readFileSync(ok.written, 'utf8'), 'dbs: []\n');
    assert.ok('exists' in (await writeLitestreamConfig(workspace, path.join(workspace, 'app'), 'other\n')));
    assert.equal(readFileSync(ok.written, 'utf8'), 'dbs: []\n');
  });
});

describe('panel actions', () => {
  it('an exception is logged and shown, and the panel gets a failed result', async () => {
    const logged: string[] = [];
    const shown: string[] = [];
    const log = { info: () => undefined, warn: () => undefined, error: (m: string) => logged.push(m) };
    const r = await guarded('The panel\'s "backup"', async () => { throw Object.assign(new Error('boom'), { code: 'EACCES' }); }, { log, showError: (m) => shown.push(m) });
    assert.deepEqual(r, { ok: false, message: 'The panel\'s "backup" failed: permission denied' });
    assert.deepEqual(shown, ['The panel\'s "backup" failed: permission denied']);
    assert.match(logged[0]!, /failed: permission denied\n.*Error: boom/s);
    assert.equal(await guarded('x', async () => 42, { log, showError: (m) => shown.push(m) }), 42);
    assert.equal(shown.length, 1);
  });
});
