import { statSync } from 'node:fs';
import * as path from 'node:path';
import { findAppSettings } from '../advice/appConfig';
import { CHECK_IDS, COMPUTED_AT_RUN_TIME, Check, CheckId, adviseDatabase } from '../advice/checks';
import { connectionSnippets } from '../advice/snippets';
import { judgeMount, mountOf, readMounts } from '../sqlite/os/filesystem';
import { findEngine } from '../sqlite/engines/select';
import { inspectDatabase } from '../sqlite/content/inspect';
import { WAL_RESET_BUG } from '../advice/knowledge/knownBugs';
import { scanWorkspace } from '../workspace/scan';
import { CliIo, jsonText, stderrLog } from './io';

/** Exit code when a --require'd check does not pass (so CI jobs can guard settings). */
export const EXIT_CHECK_FAILED = 4;

const MARK: Record<Check['status'], string> = { ok: '✓', info: 'i', warn: '!', fail: '✗', unknown: '?' };
const CONNECTION_CHECKS: readonly CheckId[] = ['busy_timeout', 'synchronous', 'foreign_keys', 'cache_size'];

export function parseRequire(value: string | undefined): CheckId[] {
  if (!value) return [];
  const ids = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = ids.filter((id) => !(CHECK_IDS as readonly string[]).includes(id));
  if (bad.length) throw new Error(`unknown check(s) ${bad.join(', ')}; known: ${CHECK_IDS.join(', ')}`);
  return ids as CheckId[];
}

export async function checkCommand(io: CliIo, target: string, opts: { json: boolean; require: CheckId[]; strict?: boolean; exclude?: string[] }): Promise<number> {
  const abs = path.resolve(target);
  const isFile = statSync(abs).isFile();
  const root = isFile ? path.dirname(abs) : abs;
  const files = isFile ? [{ abs, rel: path.basename(abs) }] : [];
  if (!isFile) {
    for await (const ev of scanWorkspace(root, { walkHere: true, log: stderrLog(io) })) if (ev.kind === 'database') files.push({ abs: ev.state.path, rel: ev.relPath });
  }
  const findings = await findAppSettings(root, opts.exclude);
  const mounts = await readMounts();
  const results: { path: string; checks: Check[]; failedRequired: CheckId[] }[] = [];
  const notes: string[] = [];
  for (const f of files.sort((a, b) => a.rel.localeCompare(b.rel))) {
    const report = await inspectDatabase(f.abs);
    const filesystem = mounts ? judgeMount(mountOf(f.abs, mounts), f.abs) : undefined;
    const checks = adviseDatabase({ state: report, integrity: report.integrity, filesystem, findings });
    // Unknown integrity (a database that changed on every read, or too large) and a setting the app computes at
    // run time are not failures unless --strict; a setting no app configuration was found for is.
    const passesUnknown = (c: Check) => c.id === 'integrity' || c.reason.startsWith(COMPUTED_AT_RUN_TIME);
    const failed = checks.filter((c) => opts.require.includes(c.id) && c.status !== 'ok' && c.status !== 'info' && (c.status !== 'unknown' || !passesUnknown(c) || opts.strict));
    for (const c of checks) if (opts.require.includes(c.id) && c.status === 'unknown' && passesUnknown(c) && !opts.strict) notes.push(`note: ${f.rel} ${c.id} passes as unknown (${c.reason}); --strict fails it`);
    results.push({ path: f.rel, checks, failedRequired: failed.map((c) => c.id) });
  }
  const failedAny = results.some((r) => r.failedRequired.length);
  if (opts.json) {
    io.out(jsonText({ root, databases: results, findings, notes, snippets: connectionSnippets() }));
  } else {
    if (!results.length) io.out(`No SQLite databases found under ${root}.`);
    let anyUnknownConnection = false;
    for (const r of results) {
      io.out(`${r.path}`);
      // Per-connection settings nobody configured for this database: one line, not four.
      const unknownConn = r.checks.filter((c) => CONNECTION_CHECKS.includes(c.id) && c.status === 'unknown');
      for (const c of r.checks) {
        if (unknownConn.includes(c) || c.id === 'backup' && c.status === 'info') continue;
        io.out(`  ${MARK[c.status]} ${c.title.padEnd(28)} ${c.reason}`);
        if (c.fix && (c.status === 'warn' || c.status === 'fail')) io.out(`      fix: ${c.fix}`);
      }
      if (unknownConn.length) {
        anyUnknownConnection = true;
        io.out(`  ? ${'Per-connection settings'.padEnd(28)} ${unknownConn.map((c) => c.id).join(', ')}: unknown from the file; no app configuration found for it`);
      }
      io.out('');
    }
    if (anyUnknownConnection) io.out('Per-connection settings live in the app, not the file: set busy_timeout=5000, synchronous=NORMAL and foreign_keys=ON on every connection (snippets: --json, or the VS Code panel).');
    if (results.some((r) => r.checks.some((c) => c.id === 'backup' && c.status === 'info'))) {
      io.out(`Backups: no Litestream config names ${results.filter((r) => r.checks.some((c) => c.id === 'backup' && c.status === 'info')).length} database(s). A plain file copy of a live WAL database can miss data still in the -wal; use Litestream, \`sqlite3 FILE ".backup copy.db"\`, VACUUM INTO or the backup API.`);
    }
    for (const n of notes) io.out(n);
    const unlinked = findings.connections.filter((c) => c.scope !== 'test' && (!c.database || !results.some((r) => path.resolve(root, r.path) === c.database)));
    for (const c of unlinked) io.out(`note: ${c.stack} settings in ${c.file}:${c.line} point at ${c.databaseExpr}, which is not among the databases found.`);
    const engine = await findEngine();
    io.out(engine
      ? `Writes here would use ${engine.label}${WAL_RESET_BUG.affects(engine.sqliteVersion) ? ` — it has the ${WAL_RESET_BUG.name} (fixed in ${WAL_RESET_BUG.firstFixed}); no unaffected SQLite engine was found` : ''}.`
      : 'No real SQLite engine here (node:sqlite, sqlite3, python3): writes would be refused.');
    if (opts.require.length) io.out(failedAny ? `Required checks failed: ${results.filter((r) => r.failedRequired.length).map((r) => `${r.path} (${r.failedRequired.join(', ')})`).join('; ')}` : `Required checks passed: ${opts.require.join(', ')}`);
  }
  return failedAny ? EXIT_CHECK_FAILED : 0;
}
