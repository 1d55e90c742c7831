import { EngineId, SqlEngine, StatementRows, parseEnvelope, runChild } from './engine';

/**
 * python3's built-in sqlite3 module: real SQLite with locking, present on most
 * developer machines and servers. Opened as a `mode=rw` URI so it can never
 * create a database that is not there.
 */
const SCRIPT = String.raw`
import json, sqlite3, sys, urllib.parse
def out(o):
    sys.stdout.write(json.dumps(o) + "\n")
if sys.argv[1] == "--probe":
    out({"ok": True, "results": [[[sys.version.split()[0], sqlite3.sqlite_version]]]}); sys.exit(0)
job = json.loads(sys.argv[1])
try:
    uri = "file:" + urllib.parse.quote(job["file"]) + "?mode=rw"
    con = sqlite3.connect(uri, uri=True, timeout=job["busyTimeoutMs"] / 1000.0, isolation_level=None)
    con.execute("PRAGMA busy_timeout=%d" % int(job["busyTimeoutMs"]))
    results = [[list(r) for r in con.execute(s).fetchall()] for s in job["statements"]]
    con.close()
    out({"ok": True, "results": results})
except sqlite3.Error as e:
    msg = str(e)
    out({"ok": False, "error": msg, "busy": "locked" in msg or "busy" in msg})
`;

export async function probePython(command = 'python3'): Promise<SqlEngine | undefined> {
  try {
    const r = await runChild({ command, args: ['-c', SCRIPT, '--probe'], timeoutMs: 5000 });
    const [[row]] = parseEnvelope(r.stdout, r.stderr, 'python3') as [[[string, string]]];
    return new PythonEngine(command, `python3 ${row[0]} sqlite3 module (SQLite ${row[1]})`);
  } catch {
    return undefined;
  }
}

class PythonEngine implements SqlEngine {
  readonly id: EngineId = 'python3';
  constructor(private readonly command: string, readonly label: string) {}

  async run(file: string, statements: readonly string[], busyTimeoutMs: number): Promise<StatementRows[]> {
    const job = JSON.stringify({ file, statements, busyTimeoutMs });
    const r = await runChild({ command: this.command, args: ['-c', SCRIPT, job], timeoutMs: busyTimeoutMs });
    return parseEnvelope(r.stdout, r.stderr, this.label);
  }
}
