// `npm run try`: the extension in a real VS Code (code-server) on a demo
// workspace of real SQLite files in interesting states. Prints the URL and
// keeps running until Ctrl-C.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startCodeServer } from '../test/e2e/codeServer';

async function main(): Promise<void> {
  const cache = path.resolve('.cache');
  const demo = path.join(cache, 'demo-workspace');
  const fixtures = path.join(cache, 'demo-fixtures');
  for (const d of [demo, fixtures]) rmSync(d, { recursive: true, force: true });
  execFileSync('python3', ['test/fixtures/make_fixtures.py', fixtures], { stdio: 'ignore' });
  const files: [string, string][] = [
    ['rollback.db', 'db.sqlite3'], ['wal-pending.db', 'data/events.db'], ['hot-journal.db', 'crashed.sqlite3'], ['state.bin', 'cache/state.bin'],
    ['freelist.db', 'analytics.db'], ['utf16le.db', 'legacy/utf16.db'], ['page64k.db', 'blobs.db'], ['corrupt.db', 'broken.db'], ['notes.db', 'notes.db'],
  ];
  for (const [from, to] of files) {
    for (const s of ['', '-wal', '-shm', '-journal']) {
      if (!existsSync(path.join(fixtures, from + s))) continue;
      mkdirSync(path.dirname(path.join(demo, to)), { recursive: true });
      copyFileSync(path.join(fixtures, from + s), path.join(demo, to + s));
    }
  }
  // A Django project over db.sqlite3, so the Problems panel shows the app-config check and its quick fix.
  mkdirSync(path.join(demo, 'mysite'), { recursive: true });
  writeFileSync(path.join(demo, 'requirements.txt'), 'Django==5.1.4\n');
  writeFileSync(path.join(demo, 'mysite', 'settings.py'), 'from pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent.parent\n\nDATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.sqlite3",\n        "NAME": BASE_DIR / "db.sqlite3",\n    }\n}\n');
  mkdirSync(path.join(demo, '.vscode'), { recursive: true });
  writeFileSync(path.join(demo, '.vscode', 'settings.json'), JSON.stringify({ 'sqliteDoctor.checkAllFiles': true }, null, 2));
  const server = await startCodeServer(path.join(cache, 'try-profile'), demo, { 'workbench.colorTheme': 'Default Dark Modern' });
  console.log(`\nSQLite Doctor is running in VS Code (code-server) on a demo workspace:\n\n  ${server.url}\n\nOpen it in a browser, then try "SQLite: Show Status Panel" (F1), right-click db.sqlite3 → Enable WAL, or the quick fix on mysite/settings.py in the Problems panel.\nPress Ctrl-C to stop.`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await new Promise(() => { /* until Ctrl-C */ });
}
void main();
