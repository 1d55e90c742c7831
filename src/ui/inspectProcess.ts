import * as path from 'node:path';
import { runChild } from '../sqlite/engines/engine';
import type { InspectReport } from '../sqlite/inspect';

/**
 * Deep inspection runs in a child process (the bundled CLI on this very
 * runtime; ELECTRON_RUN_AS_NODE makes VS Code's binary a plain Node): sql.js
 * is synchronous and holds the whole database in memory, so in the extension
 * host it would freeze every extension for as long as it runs, and a wasm
 * out-of-memory would take the host down with it.
 */
const TIMEOUT_MS = 120_000;

export async function inspectInChild(distDir: string, file: string, maxBytes: number): Promise<InspectReport> {
  const cli = path.join(distDir, 'cli.js');
  const r = await runChild({
    command: process.execPath,
    args: [cli, 'inspect', file, '--json', '--max-size', String(Math.max(1, Math.round(maxBytes / 1048576)))],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    timeoutMs: TIMEOUT_MS,
  });
  if (r.code !== 0) throw new Error((r.stderr.trim().split('\n').pop() ?? `exit code ${r.code}`).replace(/^sqlite-doctor: /, ''));
  return JSON.parse(r.stdout) as InspectReport;
}
