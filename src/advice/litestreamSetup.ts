import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { AppFindings } from './findings';
import { findingsFor } from './checks';
import { recommendedSetting } from './knowledge/recommended';
import { shellCommand } from '../sqlite/os/shellQuote';

/**
 * A litestream.yml for one database, and the preconditions Litestream
 * documents (litestream.io/reference/config, /tips): the database in WAL
 * mode (Litestream reads the WAL), a busy_timeout on the app's connections
 * (Litestream briefly locks the database while it checkpoints), and the
 * app's own checkpoints not fighting Litestream's (a busy app may turn
 * wal_autocheckpoint off and leave checkpoints to Litestream).
 */
export interface LitestreamPlan {
  yaml: string;
  checks: { ok: boolean; text: string }[];
  verifyRestore: string;
}

export function litestreamPlan(dbPath: string, replicaDir: string, journalMode: string, findings: AppFindings): LitestreamPlan {
  const q = (s: string) => JSON.stringify(s);
  const yaml = [
    '# Litestream continuously replicates this SQLite database: https://litestream.io',
    '# Run it beside the app: litestream replicate -config litestream.yml',
    'dbs:',
    `  - path: ${q(dbPath)}`,
    '    # Litestream checkpoints the WAL itself (every minute once 1000 pages are pending, by default).',
    '    # checkpoint-interval: 1m',
    '    # min-checkpoint-page-count: 1000',
    '    replica:',
    '      type: file',
    `      path: ${q(replicaDir)}`,
    '      # How often new WAL frames are shipped; raise it for a remote replica billed per request.',
    '      sync-interval: 1s',
    '    # An S3-compatible bucket instead (credentials from LITESTREAM_ACCESS_KEY_ID / LITESTREAM_SECRET_ACCESS_KEY):',
    '    # replica:',
    '    #   type: s3',
    '    #   bucket: my-bucket',
    `    #   path: ${q(dbPath.split('/').pop() ?? 'db')}`,
    '    #   endpoint: https://s3.example.com',
    '    #   sync-interval: 10s',
    '',
  ].join('\n');
  const conns = findingsFor(dbPath, findings);
  const busy = conns.find((c) => c.settings.busy_timeout.state !== 'unknown' && Number(c.settings.busy_timeout.value) > 0);
  const autockpt = conns.find((c) => c.pragmas.wal_autocheckpoint !== undefined);
  const checks = [
    { ok: journalMode === 'wal', text: journalMode === 'wal' ? 'The database is in WAL mode, which Litestream needs.' : 'The database is not in WAL mode: Litestream replicates the WAL, so Enable WAL first.' },
    busy
      ? { ok: true, text: `The app sets busy_timeout (${busy.settings.busy_timeout.state !== 'unknown' ? busy.settings.busy_timeout.value : ''} ms, ${busy.file}:${busy.line}), so Litestream's short checkpoint locks make it wait rather than fail.` }
      : { ok: false, text: `No busy_timeout found in the app's configuration: set ${recommendedSetting('busy_timeout')} on every connection, or writes can fail with "database is locked" while Litestream checkpoints.` },
    autockpt
      ? { ok: true, text: `The app sets wal_autocheckpoint=${autockpt.pragmas.wal_autocheckpoint} (${autockpt.file}:${autockpt.line}).` }
      : { ok: true, text: 'The app keeps SQLite\'s automatic (PASSIVE) checkpoints, which Litestream tolerates; under a heavy write load Litestream suggests PRAGMA wal_autocheckpoint=0 and leaving checkpoints to it.' },
  ];
  const verifyRestore = `${shellCommand('litestream', 'restore', '-o', '/tmp/restored.db', '-config', 'litestream.yml', dbPath)} && ${shellCommand('sqlite3', '/tmp/restored.db', 'PRAGMA integrity_check')}`;
  return { yaml, checks, verifyRestore };
}

export type ConfigWrite = { written: string } | { exists: string } | { refused: string };

/**
 * Writes litestream.yml in `root`, which must lie inside `workspace` (both
 * resolved through symlinks). An existing entry of that name — a file, a
 * folder, a symlink even if it points nowhere — is never written through:
 * the caller shows the entry to add instead. O_EXCL makes the create itself
 * refuse a name that appeared meanwhile (and never follows a symlink).
 */
export async function writeLitestreamConfig(workspace: string, root: string, yaml: string): Promise<ConfigWrite> {
  let realRoot: string;
  let realWorkspace: string;
  try {
    [realRoot, realWorkspace] = await Promise.all([fsp.realpath(root), fsp.realpath(workspace)]);
  } catch (err) {
    return { refused: `${root} cannot be resolved (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  const rel = path.relative(realWorkspace, realRoot);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return { refused: `${root} resolves to ${realRoot}, outside the workspace folder ${realWorkspace}` };
  const target = path.join(realRoot, 'litestream.yml');
  if (await fsp.lstat(target).then(() => true, () => false)) return { exists: target };
  try {
    await fsp.writeFile(target, yaml, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { exists: target };
    throw err;
  }
  return { written: target };
}
