import { SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Small sample apps written by the tests, and the CLI run on them as a user would. */
export const BIN = path.join(__dirname, '..', '..', 'bin', 'sqlite-doctor.js');

export function write(root: string, rel: string, text: string | Buffer): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

export function cli(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
}

export interface ListedConnection {
  file: string;
  line: number;
  driver: string;
  scope: string;
  settings: Record<string, { state: string; value?: string; at?: string; expression?: string; source?: string }>;
  notes: string[];
}

/** `app-settings --json` connections, keyed "file:line". */
export function connections(root: string, ...args: string[]): Record<string, ListedConnection> {
  const r = cli('app-settings', root, '--json', ...args);
  if (r.status !== 0) throw new Error(`app-settings failed: ${r.stderr}`);
  const json = JSON.parse(r.stdout) as { connections: ListedConnection[] };
  return Object.fromEntries(json.connections.map((c) => [`${c.file}:${c.line}`, c]));
}
