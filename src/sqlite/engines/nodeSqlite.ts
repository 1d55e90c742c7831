import { SqlEngine, probeScriptEngine } from './engine';

/**
 * node:sqlite (DatabaseSync), unflagged since Node 22.13 and built into the
 * Node of VS Code 1.101+'s extension host. It is synchronous, so it runs in a
 * child process of the same runtime (ELECTRON_RUN_AS_NODE makes VS Code's
 * Electron binary behave as plain Node). Availability is feature-detected by
 * requiring the module, never inferred from a version number. The database
 * is opened as a `mode=rw` (or `ro`) URI: never created.
 *
 * A backup job uses sqlite.backup() (Node 22.16+) on the connection whose
 * read transaction counted the rows. An older Node writes VACUUM INTO and
 * counts again afterwards: a writer in between fails the job, not the proof.
 */
const SCRIPT = String.raw`
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
let sqlite;
try { sqlite = require("node:sqlite"); } catch (e) { out({ ok: false, error: "node:sqlite is not available in Node " + process.version, unavailable: true }); process.exit(0); }
if (process.argv[1] === "--probe") { const d = new sqlite.DatabaseSync(":memory:"); out({ ok: true, results: [[[process.version, d.prepare("select sqlite_version()").get()["sqlite_version()"]]]] }); process.exit(0); }
const job = JSON.parse(process.argv[1]);
const uri = "file:" + encodeURI(job.file).replace(/[?#]/g, encodeURIComponent) + "?mode=" + job.access;
(async () => {
  let db;
  try {
    db = new sqlite.DatabaseSync(uri, { readOnly: job.access === "ro" });
    db.exec("PRAGMA busy_timeout=" + Number(job.busyTimeoutMs));
    for (const s of job.setup) db.exec(s);
    const read = () => job.statements.map((s) => db.prepare(s).all().map((r) => Object.values(r)));
    let results;
    if (job.backupTo && sqlite.backup) {
      db.exec("BEGIN");
      results = read();
      await sqlite.backup(db, job.backupTo, { rate: 4096, progress: (p) => out({ progress: [p.totalPages - p.remainingPages, p.totalPages] }) });
      db.exec("COMMIT");
    } else if (job.backupTo) {
      results = read();
      db.exec("VACUUM INTO '" + job.backupTo.replace(/'/g, "''") + "'");
      if (JSON.stringify(read()) !== JSON.stringify(results)) throw new Error("the database changed while it was copied (this Node has no backup API to copy one snapshot); try again");
    } else {
      results = read();
    }
    db.close();
    out({ ok: true, results });
  } catch (e) {
    try { db && db.close(); } catch {}
    out({ ok: false, error: String(e && e.message || e), errcode: e && typeof e.errcode === "number" ? e.errcode : null });
  }
})();
`;

export function probeNodeSqlite(nodePath: string = process.execPath): Promise<SqlEngine | string> {
  return probeScriptEngine({
    id: 'node:sqlite',
    command: nodePath,
    prefix: ['-e', SCRIPT, '--'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', NODE_NO_WARNINGS: '1' },
    label: (node, sqlite) => `node:sqlite (Node ${node}, SQLite ${sqlite})`,
  });
}
