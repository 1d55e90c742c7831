// node:sqlite (one of the real-SQLite write routes) needs Node >= 22.13, while
// this project builds and tests on Node 20. Install a Node 22 from the npm
// registry into a git-ignored cache once, so `npm test` exercises that route.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const bin = '.cache/node22/node_modules/node/bin/node';
if (!existsSync(bin)) {
  console.log('Installing Node 22 from the npm registry into .cache/node22 (for the node:sqlite tests)…');
  try {
    execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', '.cache/node22', 'node@22'], { stdio: 'inherit' });
  } catch {
    console.warn('Could not install Node 22: the node:sqlite tests will be skipped.');
  }
}
