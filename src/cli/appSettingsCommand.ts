import * as path from 'node:path';
import { findAppSettings } from '../advice/appConfig';
import { CliIo, jsonText } from './io';

/**
 * `sqlite-doctor app-settings [DIR] [--exclude GLOB]… --json`: where the app
 * under DIR opens SQLite and each connection's effective settings (set by the
 * app, the driver's default, or unknown: computed at run time). The
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
  for (const scope of ['production', 'development', 'test'] as const) {
    const list = findings.connections.filter((c) => c.scope === scope);
    if (list.length) io.out(scope === 'test' ? 'Test connections (test code or in-memory databases; never fixed nor counted):' : `${scope[0]!.toUpperCase()}${scope.slice(1)} connections:`);
    for (const c of list) {
      io.out(`  ${c.file}:${c.line}  ${c.via ? `${c.via} over ` : ''}${c.driver}  ${c.databaseExpr}`);
      if (scope === 'test') continue;
      for (const [name, s] of Object.entries(c.settings)) {
        io.out(`    ${name.padEnd(13)} ${s.state === 'set' ? `${s.value} (set at ${s.at})` : s.state === 'default' ? `${s.value} (default: ${s.source})` : `unknown (computed at run time: ${s.expression})`}`);
      }
    }
  }
  for (const b of findings.backups) io.out(`${b.file}  litestream  ${b.databases.join(', ')}`);
  for (const s of findings.skipped ?? []) io.out(`skipped ${s}`);
  for (const p of findings.problems ?? []) io.out(`problem: ${p.file}: ${p.error}`);
  return 0;
}
