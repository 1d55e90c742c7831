import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { runChild } from '../engines/engine';
import { formatBytes } from '../format';
import { readDatabaseState } from '../state';
import { FreeSpace, spaceBlocker } from './diskSpace';

/**
 * An online backup through SQLite's backup API (python3's
 * Connection.backup), safe while the app writes: the copy is one consistent
 * snapshot, taken inside a read transaction in which the source's rows are
 * also counted. Then the copy is proved: integrity_check on it, its journal
 * mode (rollback by default, so it is one self-contained file), and its row
 * counts equal to the source snapshot's. A copy that fails the proof is deleted.
 */
export interface BackupOptions {
  force?: boolean;
  journalMode?: 'delete' | 'wal';
  busyTimeoutMs?: number;
  python?: string;
  freeSpace?: FreeSpace;
}

export interface TableCount { name: string; rows: number }

export interface BackupResult {
  file: string;
  dest: string;
  outcome: 'done' | 'refused';
  message: string;
  engine?: string;
  pages?: number;
  source?: TableCount[];
  verified?: { integrity: 'ok' | string[]; journalMode: string; tables: TableCount[]; matchesSource: boolean };
  manualCommand: string;
}

const SCRIPT = String.raw`
import json, sqlite3, sys, urllib.parse
job = json.loads(sys.argv[1])
def out(o): sys.stdout.write(json.dumps(o) + "\n")
def counts(con):
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return [[n, con.execute('SELECT count(*) FROM "%s"' % n.replace('"', '""')).fetchone()[0]] for n in names]
try:
    if job["op"] == "backup":
        t = job["busyTimeoutMs"] / 1000.0
        src = sqlite3.connect("file:" + urllib.parse.quote(job["file"]) + "?mode=rw", uri=True, timeout=t, isolation_level=None)
        src.execute("PRAGMA busy_timeout=%d" % job["busyTimeoutMs"])
        dst = sqlite3.connect(job["dest"], isolation_level=None)
        src.execute("BEGIN")
        tables = counts(src)
        src.backup(dst)
        src.execute("COMMIT")
        mode = dst.execute("PRAGMA journal_mode=" + job["journalMode"]).fetchone()[0]
        pages = dst.execute("PRAGMA page_count").fetchone()[0]
        dst.close(); src.close()
        out({"ok": True, "tables": tables, "pages": pages, "mode": mode, "sqlite": sqlite3.sqlite_version})
    else:
        con = sqlite3.connect("file:" + urllib.parse.quote(job["file"]) + "?mode=ro", uri=True, isolation_level=None)
        con.execute("BEGIN")
        rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
        tables = counts(con)
        mode = con.execute("PRAGMA journal_mode").fetchone()[0]
        con.execute("COMMIT")
        con.close()
        out({"ok": True, "integrity": rows, "tables": tables, "mode": mode})
except sqlite3.Error as e:
    out({"ok": False, "error": str(e), "busy": "locked" in str(e) or "busy" in str(e)})
`;

interface ScriptAnswer { ok: boolean; error?: string; busy?: boolean; tables?: [string, number][]; pages?: number; mode?: string; sqlite?: string; integrity?: string[] }

async function runScript(python: string, job: object, timeoutMs: number): Promise<ScriptAnswer> {
  const r = await runChild({ command: python, args: ['-c', SCRIPT, JSON.stringify(job)], timeoutMs });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as ScriptAnswer;
  } catch {
    return { ok: false, error: (r.stderr.trim() || `python3 exited ${r.code}`).split('\n').pop() };
  }
}

const toCounts = (t: [string, number][] = []): TableCount[] => t.map(([name, rows]) => ({ name, rows }));

export async function backupDatabase(file: string, dest: string, options: BackupOptions = {}): Promise<BackupResult> {
  const journalMode = options.journalMode ?? 'delete';
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const python = options.python ?? 'python3';
  const absDest = path.resolve(dest);
  const manualCommand = `sqlite3 ${JSON.stringify(file)} ".backup ${absDest.replace(/"/g, '\\"')}"`;
  const base = { file, dest: absDest, manualCommand };
  const state = await readDatabaseState(file);
  const refuse = (message: string): BackupResult => ({ ...base, outcome: 'refused', message: `Refused: ${message}; nothing was written.` });
  if (path.resolve(state.realPath ?? file) === absDest) return refuse('the destination is the database itself');
  if (existsSync(absDest) && !options.force) return refuse(`${absDest} already exists (use --force to replace it)`);
  const dir = path.dirname(absDest);
  if (!existsSync(dir)) return refuse(`the folder ${dir} does not exist`);
  const needed = state.pageCount * state.pageSize;
  const space = await spaceBlocker(dir, needed, 'the backup', options.freeSpace);
  if (space.blocker) return refuse(space.blocker);

  if (options.force) await Promise.all(['', '-wal', '-shm', '-journal'].map((s) => fsp.rm(`${absDest}${s}`, { force: true })));
  const copied = await runScript(python, { op: 'backup', file, dest: absDest, journalMode, busyTimeoutMs }, busyTimeoutMs + 600_000).catch((err: Error) => ({ ok: false, error: err.message }) as ScriptAnswer);
  if (!copied.ok) {
    await removeCopy(absDest);
    return refuse(copied.busy ? `the database stayed locked for the ${busyTimeoutMs / 1000} s we waited` : `the backup failed (${copied.error})`);
  }
  const engine = `python3 sqlite3 module (SQLite ${copied.sqlite})`;
  const source = toCounts(copied.tables);
  const check = await runScript(python, { op: 'verify', file: absDest }, 600_000);
  const tables = toCounts(check.tables);
  const integrity: 'ok' | string[] = check.integrity?.length === 1 && check.integrity[0] === 'ok' ? 'ok' : check.integrity ?? [check.error ?? 'could not be checked'];
  const matchesSource = JSON.stringify(tables) === JSON.stringify(source);
  const verified = { integrity, journalMode: check.mode ?? '?', tables, matchesSource };
  if (!check.ok || integrity !== 'ok' || !matchesSource || check.mode !== journalMode) {
    await removeCopy(absDest);
    return { ...base, outcome: 'refused', engine, source, verified, message: `The copy did not pass its proof (integrity ${integrity === 'ok' ? 'ok' : integrity.slice(0, 2).join('; ')}, journal mode ${check.mode}, rows ${matchesSource ? 'match' : 'differ from'} the source snapshot); it was deleted.` };
  }
  const rows = source.reduce((n, t) => n + t.rows, 0);
  return {
    ...base,
    outcome: 'done',
    engine,
    pages: copied.pages,
    source,
    verified,
    message: `Backed up ${file} to ${absDest}: ${copied.pages} pages (${formatBytes((copied.pages ?? 0) * state.pageSize)}), ${source.length} table(s) with ${rows.toLocaleString('en-US')} rows, the same as the source at the moment of the copy; integrity_check ok; ${journalMode === 'delete' ? 'a single self-contained file (rollback journal mode)' : 'WAL mode'}.`,
  };
}

async function removeCopy(dest: string): Promise<void> {
  await Promise.all(['', '-wal', '-shm', '-journal'].map((s) => fsp.rm(`${dest}${s}`, { force: true })));
}
