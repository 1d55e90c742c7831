import { SqlEngine, probeScriptEngine } from './engine';

/**
 * node:sqlite (DatabaseSync), unflagged since Node 22.13 and built into the
 * Node of VS Code 1.101+'s extension host. It is synchronous, so it runs in a
 * child process of the same runtime (ELECTRON_RUN_AS_NODE makes VS Code's
 * Electron binary behave as plain Node). Availability is feature-detected by
 * requiring the module, never inferred from a version number.
 */
const SCRIPT = String.raw`
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
let sqlite;
try { sqlite = require("node:sqlite"); } catch (e) { out({ ok: false, error: "node:sqlite is not available in Node " + process.version, unavailable: true }); process.exit(0); }
if (process.argv[1] === "--probe") { const d = new sqlite.DatabaseSync(":memory:"); out({ ok: true, results: [[[process.version, d.prepare("select sqlite_version()").get()["sqlite_version()"]]]] }); process.exit(0); }
const job = JSON.parse(process.argv[1]);
let db;
try {
  db = new sqlite.DatabaseSync(job.file, { readOnly: job.access === "ro" });
  db.exec("PRAGMA busy_timeout=" + Number(job.busyTimeoutMs));
  const results = job.statements.map((s) => db.prepare(s).all().map((r) => Object.values(r)));
  db.close();
  out({ ok: true, results });
} catch (e) {
  try { db && db.close(); } catch {}
  const msg = String(e && e.message || e);
  out({ ok: false, error: msg, busy: e && (e.errcode === 5 || e.errcode === 6) || /locked|busy/i.test(msg) });
}
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
