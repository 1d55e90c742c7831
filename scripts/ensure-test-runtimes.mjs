// Runtimes some tests need besides the project's Node 20, installed once from
// the npm registry into the git-ignored .cache:
// - Node 22 for node:sqlite (one of the real-SQLite write routes, and a snippet);
// - better-sqlite3@12, built from source against local headers, to execute the Node snippet.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';

function install(prefix, spec, marker, why) {
  if (existsSync(marker)) return;
  console.log(`Installing ${spec} from the npm registry into ${prefix} (${why})…`);
  mkdirSync(prefix, { recursive: true });
  if (!existsSync(`${prefix}/package.json`)) writeFileSync(`${prefix}/package.json`, '{"private":true}\n');
  try {
    execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', prefix, spec], { stdio: 'inherit' });
  } catch {
    console.warn(`Could not install ${spec}: the tests that need it will be skipped.`);
  }
}

install('.cache/node22', 'node@22', '.cache/node22/node_modules/node/bin/node', 'node:sqlite tests');
install('.cache/better-sqlite3', 'better-sqlite3@12', '.cache/better-sqlite3/node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'Node snippet test');
