import { SqlEngine, probeScriptEngine } from './engine';

/**
 * python3's built-in sqlite3 module: real SQLite with locking, present on most
 * developer machines and servers. Opened as a `mode=rw` (or `ro`) URI so it
 * can never create a database that is not there. A backup job copies the
 * snapshot its statements read with the backup API, reporting pages as it goes.
 */
const SCRIPT = String.raw`
import json, sqlite3, sys, urllib.parse
def out(o):
    sys.stdout.write(json.dumps(o) + "\n"); sys.stdout.flush()
if sys.argv[1] == "--probe":
    out({"ok": True, "results": [[[sys.version.split()[0], sqlite3.sqlite_version]]]}); sys.exit(0)
job = json.loads(sys.argv[1])
try:
    uri = "file:" + urllib.parse.quote(job["file"]) + "?mode=" + job["access"]
    con = sqlite3.connect(uri, uri=True, timeout=job["busyTimeoutMs"] / 1000.0, isolation_level=None)
    con.execute("PRAGMA busy_timeout=%d" % job["busyTimeoutMs"])
    for s in job["setup"]:
        con.execute(s)
    if job.get("backupTo"):
        con.execute("BEGIN")
    results = [[list(r) for r in con.execute(s).fetchall()] for s in job["statements"]]
    if job.get("backupTo"):
        dst = sqlite3.connect(job["backupTo"], isolation_level=None)
        con.backup(dst, pages=4096, progress=lambda status, remaining, total: out({"progress": [total - remaining, total]}))
        dst.close()
        con.execute("COMMIT")
    con.close()
    out({"ok": True, "results": results})
except sqlite3.Error as e:
    out({"ok": False, "error": str(e), "errcode": getattr(e, "sqlite_errorcode", None)})
`;

export function probePython(command = 'python3'): Promise<SqlEngine | string> {
  return probeScriptEngine({
    id: 'python3',
    command,
    prefix: ['-c', SCRIPT],
    label: (python, sqlite) => `python3 ${python} sqlite3 module (SQLite ${sqlite})`,
  });
}
