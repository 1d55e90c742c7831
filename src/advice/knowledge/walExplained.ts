import { PER_CONNECTION, recommendedSetting } from './recommended';

/**
 * What switching to WAL means, in one place: the CLI prints it, the VS Code
 * confirmation dialog and the panel show it. Source: https://www.sqlite.org/wal.html.
 */
export const WAL_EXPLAINED: readonly { point: string; detail: string }[] = [
  { point: 'It is persistent.', detail: 'The mode is stored in the database file header; every app that opens the file afterwards uses WAL, with no code change.' },
  { point: 'Readers no longer block the writer.', detail: 'Reads see a consistent snapshot while one writer commits; writes are usually faster too.' },
  { point: 'Two files join the database.', detail: 'SQLite creates "<db>-wal" and "<db>-shm" beside it. They are part of the database: copy all three together, or better use the backup API, VACUUM INTO, or Litestream (which needs WAL).' },
  { point: 'All processes must be on one host.', detail: 'WAL uses shared memory; it does not work on network filesystems (NFS, SMB) or across a VM shared folder.' },
  { point: 'Per-connection settings are still up to the app.', detail: `Set ${PER_CONNECTION.map((r) => recommendedSetting(r.name)).join(', ')} each time the app opens a connection; they are not stored in the file.` },
  { point: 'It is reversible.', detail: 'Disable WAL switches back to rollback journal (DELETE) once no other connection has the database open.' },
];

export function walExplainedText(): string {
  return WAL_EXPLAINED.map((w) => `- ${w.point} ${w.detail}`).join('\n');
}
