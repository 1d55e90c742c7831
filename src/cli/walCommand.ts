import { EngineId } from '../sqlite/engines/engine';
import { formatBytes } from '../shared/format';
import { CHECKPOINT_MODES, CheckpointMode, OperationOptions, OperationResult, checkpoint, disableWal, enableWal } from '../sqlite/write/journalMode';
import { walExplainedText } from '../advice/knowledge/walExplained';
import { CliIo, cellSafe, jsonText } from './io';

export { CHECKPOINT_MODES };

/** Exit codes promised by the README: 0 done or already so, 3 refused (or a checkpoint that could not copy every frame), 1 error. */
export const EXIT_REFUSED = 3;

export interface WriteCommandOptions {
  json: boolean;
  dryRun: boolean;
  busyTimeoutMs?: number;
  engine?: EngineId | 'auto';
}

export async function walCommand(io: CliIo, action: 'enable' | 'disable', file: string, opts: WriteCommandOptions): Promise<number> {
  const o = toOperationOptions(opts);
  const result = action === 'enable' ? await enableWal(file, o) : await disableWal(file, o);
  return report(io, result, opts, action === 'enable');
}

export async function checkpointCommand(io: CliIo, file: string, mode: CheckpointMode, opts: WriteCommandOptions): Promise<number> {
  return report(io, await checkpoint(file, mode, toOperationOptions(opts)), opts, false);
}

function toOperationOptions(opts: WriteCommandOptions): OperationOptions {
  return { dryRun: opts.dryRun, busyTimeoutMs: opts.busyTimeoutMs, engine: { prefer: opts.engine } };
}

function report(io: CliIo, r: OperationResult, opts: WriteCommandOptions, explainWal: boolean): number {
  if (opts.json) {
    io.out(jsonText(r));
  } else {
    const p = r.preflight;
    if (r.outcome === 'dry-run' || r.outcome === 'refused') {
      io.out('Preflight:');
      io.out(`  journal mode     ${p.state.journalMode}${p.state.hotJournal ? ' (hot journal present)' : ''}`);
      io.out(`  -wal             ${p.state.sidecars.wal ? `${formatBytes(p.state.sidecars.wal.bytes)}, ${p.state.wal?.uncheckpointedFrames ?? 0} frame(s) not checkpointed` : 'none'}`);
      io.out(`  writable         file ${p.fileWritable ? 'yes' : 'NO'}, folder ${p.dirWritable ? 'yes' : 'NO'}`);
      io.out(`  filesystem       ${p.filesystem.type ?? 'unknown'}${p.filesystem.mountPoint ? ` at ${p.filesystem.mountPoint}` : ''} (${p.filesystem.verdict})`);
      if (p.openBy) io.out(`  open elsewhere   ${p.openBy.length ? `pid ${p.openBy.join(', ')}` : 'no other process seen'}`);
      for (const w of p.warnings) io.out(`  warning: ${w}`);
      for (const n of p.notes) io.out(`  note: ${n}`);
      if (explainWal && r.outcome === 'dry-run') io.out(`\nWhat WAL means:\n${walExplainedText()}`);
      io.out('');
    }
    // One line each: a newline in a file name is shown as \x0a.
    io.out(cellSafe(r.message));
    if (r.next) io.out(cellSafe(r.next));
  }
  const unfinished = r.checkpoint && (r.checkpoint.busy || r.checkpoint.framesLeft > 0);
  return r.outcome === 'refused' || unfinished ? EXIT_REFUSED : 0;
}
