import { SqlEngine, probeScriptEngine } from './engine';

/**
 * python3's built-in sqlite3 module: real SQLite with locking, present on most
 * developer machines and servers. Opened as a `mode=rw` (or `ro`) URI so it
 * can never create a database that is not there.
 */
const SCRIPT = String.raw`
import json, sqlite3, sys, urllib.parse
def out(o):
    sys.stdout.write(json.dumps(o) + "\n")
if sys.argv[1] == "--probe":
    out({"ok": True, "results": [[[sys.version.split()[0], sqlite3.sqlite_version]]]}); sys.exit(0)
job = json.loads(sys.argv[1])
try:
    uri = "file:" + urllib.parse.quote(job["file"]) + "?mode=" + job.get("access", "rw")
    con = sqlite3.connect(uri, uri=True, timeout=job["busyTimeoutMs"] / 1000.0, isolation_level=None)
    con.execute("PRAGMA busy_timeout=%d" % int(job["busyTimeoutMs"]))
    results = [[list(r) for r in con.execute(s).fetchall()] for s in job["statements"]]
    con.close()
    out({"ok": True, "results": results})
except sqlite3.Error as e:
    msg = str(e)
    out({"ok": False, "error": msg, "busy": "locked" in msg or "busy" in msg})
`;

export function probePython(command = 'python3'): Promise<SqlEngine | string> {
  return probeScriptEngine({
    id: 'python3',
    command,
    prefix: ['-c', SCRIPT],
    label: (python, sqlite) => `python3 ${python} sqlite3 module (SQLite ${sqlite})`,
  });
}
