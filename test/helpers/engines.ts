import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { EngineChoice } from '../../src/sqlite/engines/select';

/**
 * The real-SQLite write routes to exercise. node:sqlite needs Node >= 22.13:
 * .ci/run installs Node 22 from the npm registry into .cache/node22.
 */
export const NODE22 = path.join(__dirname, '..', '..', '.cache', 'node22', 'node_modules', 'node', 'bin', 'node');

export const ENGINE_CHOICES: { name: string; choice: EngineChoice; skip: string | false }[] = [
  { name: 'node:sqlite', choice: { prefer: 'node:sqlite', nodePath: NODE22 }, skip: existsSync(NODE22) ? false : 'Node 22 not installed in .cache/node22 (.ci/run installs it)' },
  { name: 'sqlite3 shell', choice: { prefer: 'sqlite3-shell' }, skip: false },
  { name: 'python3', choice: { prefer: 'python3' }, skip: false },
];
