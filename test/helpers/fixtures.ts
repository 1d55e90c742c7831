import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, lstatSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** Fixtures are made by real SQLite (python3's sqlite3) at test time, never checked in. */
const FIXTURES = path.join(__dirname, '..', 'fixtures');

export function makeFixtures(): string {
  const dir = tempDir('sqlite-doctor-fx-');
  execFileSync('python3', [path.join(FIXTURES, 'make_fixtures.py'), dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}

/**
 * Folders this test process made, removed when it exits: a full run writes
 * gigabytes of databases (the busy-app e2e alone about one), and a machine
 * that runs the suite again and again filled its disk with them.
 * SQLITE_DOCTOR_KEEP_TEMP=1 keeps them for a look after a failure.
 */
const made: string[] = [];
process.on('exit', () => {
  if (process.env.SQLITE_DOCTOR_KEEP_TEMP === '1') return;
  for (const dir of made) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    } catch { /* something still writing there (a server not yet gone): left for the OS's /tmp cleaning */ }
  }
});

export function tempDir(prefix = 'sqlite-doctor-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export interface Truth {
  journal_mode: string;
  page_size: number;
  page_count: number;
  freelist_count: number;
  encoding: string;
  user_version: number;
  application_id: number;
  auto_vacuum: number;
  schema_version: number;
  tables: { name: string; rows: number }[];
  views: string[];
  integrity: 'ok' | string[];
  wal_frames?: number;
  error?: string;
}

/** What real SQLite reports for the file (opened on a private copy). */
export function truth(file: string): Truth {
  return JSON.parse(execFileSync('python3', [path.join(FIXTURES, 'truth.py'), file], { encoding: 'utf8' })) as Truth;
}

/** A database with one table t(id, v BLOB) holding `rows` random blobs, written by real SQLite. */
export function makeBlobDb(file: string, rows: number, blobBytes: number, options: { wal?: boolean; index?: boolean } = {}): void {
  execFileSync('python3', ['-c', `import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
${options.wal ? 'c.execute("PRAGMA journal_mode=wal")' : ''}
c.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)")
${options.index ? 'c.execute("CREATE INDEX tv ON t(v)")' : ''}
c.executemany("INSERT INTO t(v) VALUES (randomblob(${blobBytes}))", [()] * ${rows})
c.commit()`, file]);
}

/** Runs a Python snippet with real SQLite; resolves once it prints "ready". */
export function startPython(code: string, args: string[]): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn('python3', ['-u', '-c', code, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        if (line === 'ready') resolve({ child, lines });
      }
    });
    child.on('exit', (code) => reject(new Error(`python exited with ${code} before ready`)));
  });
}

/** Every file under dir with its bytes' hash and mtime: proof that nothing changed. */
export function snapshotTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = lstatSync(p, { bigint: true });
      if (st.isDirectory()) walk(p);
      else if (st.isSymbolicLink()) out.set(path.relative(dir, p), `link:${readlinkSync(p)}`);
      else if (!st.isFile()) out.set(path.relative(dir, p), `special:${st.mode}:${st.mtimeNs}`);
      else out.set(path.relative(dir, p), `${st.size}:${st.mtimeNs}:${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(dir);
  return out;
}
