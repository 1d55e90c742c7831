import * as path from 'node:path';
import type { AppFindings } from '../../advice/findings';
import type { Fix, Unfixable } from '../../advice/fix/fixes';
import { GROUP_ENV, runChild } from '../../sqlite/engines/child';
import type { InspectReport } from '../../sqlite/content/inspect';

/**
 * The heavy reads run in a child process: the bundled CLI on this very
 * runtime (ELECTRON_RUN_AS_NODE makes VS Code's binary a plain Node).
 * sql.js is synchronous and holds the whole database in memory, and reading
 * a workspace's source files is unbounded work: in the extension host either
 * would freeze every extension for as long as it runs. Aborting kills the
 * child's whole process group: the CLI and any SQLite engine it started.
 */
const TIMEOUT_MS = 120_000;

async function runCliJson<T>(distDir: string, args: string[], signal?: AbortSignal): Promise<T> {
  const r = await runChild({
    command: process.execPath,
    args: [path.join(distDir, 'cli.js'), ...args],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', [GROUP_ENV]: '1' },
    deadlineMs: TIMEOUT_MS,
    signal,
  });
  if (r.code !== 0) throw new Error((r.stderr.trim().split('\n').pop() ?? `exit code ${r.code}`).replace(/^sqlite-doctor: /, ''));
  return JSON.parse(r.stdout) as T;
}

export function inspectInChild(distDir: string, file: string, maxBytes: number, signal?: AbortSignal): Promise<InspectReport> {
  return runCliJson(distDir, ['inspect', file, '--json', '--max-size', String(Math.min(2047, Math.max(1, Math.round(maxBytes / 1048576))))], signal);
}

export function appSettingsInChild(distDir: string, root: string, exclude: readonly string[]): Promise<AppFindings> {
  return runCliJson(distDir, ['app-settings', root, '--json', ...exclude.flatMap((g) => ['--exclude', g])]);
}

/** The fixes `sqlite-doctor fix --dry-run` would make under a folder (nothing is written). */
export function plannedFixesInChild(distDir: string, root: string): Promise<{ fixed: Fix[]; unfixable: Unfixable[] }> {
  return runCliJson(distDir, ['fix', root, '--dry-run', '--json']);
}
