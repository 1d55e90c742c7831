// `npm run try`: builds, makes a demo workspace of real SQLite files in
// interesting states (WAL with pending frames, hot journal, corrupt, impostors)
// and scans it with the CLI.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const demo = '.cache/demo-workspace';
rmSync(demo, { recursive: true, force: true });
execFileSync('python3', ['test/fixtures/make_fixtures.py', demo], { stdio: ['ignore', 'ignore', 'inherit'] });
console.log(`Demo workspace: ${demo}\n`);
execFileSync(process.execPath, ['bin/sqlite-doctor.js', 'scan', demo], { stdio: 'inherit' });
console.log(`\nNext: node bin/sqlite-doctor.js inspect ${demo}/wal-pending.db`);
