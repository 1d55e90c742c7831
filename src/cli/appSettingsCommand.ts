import * as path from 'node:path';
import { findAppSettings } from '../advice/appConfig';
import { CliIo, jsonText } from './io';

/**
 * `sqlite-doctor app-settings [DIR] [--exclude GLOB]… --json`: where the app
 * under DIR opens SQLite and which per-connection settings it applies. The
 * extension runs it as a child, so reading a workspace's source never runs on
 * the extension host.
 */
export async function appSettingsCommand(io: CliIo, dir: string, opts: { json: boolean; exclude?: string[] }): Promise<number> {
  const root = path.resolve(dir);
  const findings = await findAppSettings(root, opts.exclude);
  if (opts.json) {
    io.out(jsonText(findings));
    return 0;
  }
  if (!findings.connections.length) io.out(`No app configuration that opens SQLite found under ${root}.`);
  for (const c of findings.connections) {
    const set = Object.entries(c.pragmas).map(([k, v]) => `${k}=${v}`).join(', ') || 'no pragmas';
    io.out(`${c.file}:${c.line}  ${c.stack}  ${c.databaseExpr}  (${set})`);
  }
  for (const b of findings.backups) io.out(`${b.file}  litestream  ${b.databases.join(', ')}`);
  for (const s of findings.skipped ?? []) io.out(`skipped ${s}`);
  return 0;
}
