import { formatBytes, vacuumSavingSources } from '../shared/format';
import { InspectReport, IntegrityMode, inspectDatabase } from '../sqlite/content/inspect';
import { CliIo, jsonText } from './io';
import { renderTable } from './table';

export async function inspectCommand(io: CliIo, file: string, opts: { json: boolean; integrity: IntegrityMode; headerOnly: boolean; maxBytes?: number }): Promise<number> {
  const report = await inspectDatabase(file, { integrity: opts.integrity, headerOnly: opts.headerOnly, maxBytes: opts.maxBytes });
  io.out(opts.json ? jsonText(report) : renderReport(report));
  return 0;
}

const AUTO_VACUUM = ['none', 'full', 'incremental'];

function renderReport(r: InspectReport): string {
  const lines: string[] = [];
  lines.push(`${r.path}`);
  lines.push(`  journal mode     ${r.journalMode}${r.journalMode === 'wal' ? '' : '  (not WAL: readers and the writer block each other)'}`);
  lines.push(`  page size        ${r.pageSize} bytes × ${r.pageCount} pages = ${formatBytes(r.pageSize * r.pageCount)} (file ${formatBytes(r.fileBytes)})`);
  lines.push(`  freelist         ${r.freelistCount} page(s)`);
  lines.push(`  encoding         ${r.encoding}`);
  lines.push(`  auto_vacuum      ${r.autoVacuum} (${AUTO_VACUUM[r.autoVacuum]})`);
  lines.push(`  user_version     ${r.userVersion}`);
  lines.push(`  application_id   ${r.applicationId}`);
  lines.push(`  schema_version   ${r.schemaVersion}`);
  lines.push(`  last written by  SQLite ${r.lastWriterVersion}`);
  const side = (['wal', 'shm', 'journal'] as const).filter((k) => r.sidecars[k]).map((k) => `-${k} ${formatBytes(r.sidecars[k]!.bytes)}`);
  lines.push(`  sidecars         ${side.join(', ') || 'none'}`);
  if (r.wal) {
    const w = r.wal;
    lines.push(w.invalidReason
      ? `  WAL              unusable: ${w.invalidReason}`
      : `  WAL              ${w.committedFrames} committed frame(s), ${w.pagesChanged} page(s) changed, ${formatBytes(w.uncheckpointedBytes)} not yet checkpointed${w.uncommittedFrames ? `, ${w.uncommittedFrames} uncommitted frame(s) ignored` : ''}`);
  }
  if (r.journal) lines.push(`  journal          ${r.journal.explanation}`);
  if (r.locks && r.locks.pids.length) lines.push(`  in use by        pid ${r.locks.pids.join(', ')} (${r.locks.level} lock)`);
  const walked = !r.deep.ran && r.space !== null;
  if (r.deep.ran || walked) {
    lines.push(`  contents from    ${r.deep.layers.join(' + ')}`);
    lines.push(`  integrity        ${r.integrity === null ? `not checked${walked ? ` (${r.deep.skipped})` : ''}` : r.integrity === 'ok' ? `ok (${r.integrityMode === 'full' ? 'integrity_check' : 'quick_check'})` : r.integrity.join('; ')}`);
    lines.push('');
    lines.push(r.tables.length ? renderTable(['TABLE', 'ROWS'], r.tables.map((t) => [t.name, t.rows === null ? `? (${t.error})` : String(t.rows)])) : 'No tables.');
    const other = [
      r.views.length ? `${r.views.length} view(s)` : '',
      r.indexes.length ? `${r.indexes.length} index(es)` : '',
      r.triggers.length ? `${r.triggers.length} trigger(s)` : '',
    ].filter(Boolean);
    if (other.length) lines.push(other.join(', '));
  } else {
    lines.push(`  contents         not read: ${r.deep.skipped}`);
  }
  if (r.space && r.space.vacuumWouldFree) lines.push(`\nVACUUM would free ≈ ${formatBytes(r.space.vacuumWouldFree)} (${vacuumSavingSources(r.space.freePages, r.space.repackPages)}); \`sqlite-doctor space FILE\` shows the bytes per table and index.`);
  lines.push('');
  lines.push('Per-connection settings (' + r.connectionPragmas.note + ')');
  lines.push(renderTable(['PRAGMA', 'RECOMMENDED', 'WHY'], r.connectionPragmas.pragmas.map((p) => [p.name, p.recommended, p.why])));
  if (r.problems.length) {
    lines.push('');
    lines.push('Problems:');
    for (const p of r.problems) lines.push(`  - ${p}`);
  }
  return lines.join('\n');
}
