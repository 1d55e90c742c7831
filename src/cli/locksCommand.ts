import { statIfExists } from '../sqlite/os/fileio';
import { formatBytes } from '../shared/format';
import { LockHolder, readLockHolders } from '../sqlite/live/lockHolders';
import { LiveSample, LiveSampler } from '../sqlite/live/liveSampler';
import { CliIo, jsonText } from './io';
import { renderTable } from './table';

/** `sqlite-doctor locks FILE [--json]`: who has the database open, with which SQLite locks, and what that means. */
export async function locksCommand(io: CliIo, file: string, opts: { json: boolean }): Promise<number> {
  const r = await readLockHolders(file);
  if (opts.json) {
    io.out(jsonText(r));
    return 0;
  }
  io.out(`${r.path} (${r.journalMode === 'wal' ? 'WAL' : 'rollback journal'})`);
  if (!r.supported) {
    io.out(`  lock holders: not available: ${r.unsupportedReason}`);
    return 0;
  }
  if (r.processes.length) {
    io.out(renderTable(['PID', 'ROLE', 'LOCKS', 'COMMAND'], r.processes.map((p) => [String(p.pid), p.role, p.locks.join(' ') || '-', p.command])));
  }
  if (r.wal) io.out(`\n-wal ${formatBytes(r.wal.bytes)}: frames 1..${r.wal.lastFrame} in use, ${r.wal.backfilled} copied by checkpoints, ${r.wal.pendingFrames} pending`);
  for (const w of r.walReaders) io.out(`reader slot ${w.slot}: pid ${w.pids.join(', ')} ${w.slot === 0 ? 'reads the database file only' : `sees frames up to ${w.frame}`}`);
  if (r.diagnosis.length) io.out('');
  for (const d of r.diagnosis) io.out(`- ${d}`);
  return 0;
}

function holdersText(holders: LockHolder[]): string {
  return holders.map((h) => `${h.pid} ${h.role}${h.locks.length ? `(${h.locks.join(',')})` : ''}`).join(', ') || 'none';
}

function line(s: LiveSample): string {
  return `wal ${formatBytes(s.walBytes)}  pending ${s.pendingFrames} frame(s)  backfilled ${s.backfilled}${s.checkpoint ? '  CHECKPOINT' : ''}  holders: ${holdersText(s.holders)}`;
}

/**
 * `sqlite-doctor watch FILE`: one line per change (time, -wal bytes, frames
 * pending, holders) until Ctrl-C, or for --duration seconds. A database
 * that is deleted ends the watch (exit 1): samples of a missing file only
 * fail, and silence would read as "nothing changes".
 */
export async function watchCommand(io: CliIo, file: string, opts: { intervalMs: number; durationMs?: number }): Promise<number> {
  let last = '';
  const sampler = new LiveSampler(file, (s) => {
    const text = line(s);
    if (text === last) return;
    last = text;
    io.out(`${new Date(s.at).toISOString().slice(11, 23)}  ${text}`);
  }, { intervalMs: opts.intervalMs, openFilesEveryMs: 2000 });
  // The first sample also proves the file is a database (an error here is exit 1).
  const first = await sampler.tick();
  if (!first) await readLockHolders(file);
  sampler.start();
  let code = 0;
  await new Promise<void>((resolve) => {
    const stop = () => { sampler.stop(); clearInterval(existence); resolve(); };
    const existence = setInterval(() => void statIfExists(file).then((st) => {
      if (st || code) return;
      code = 1;
      io.err(`${file} was deleted; watch stops.`);
      stop();
    }), opts.intervalMs);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (opts.durationMs !== undefined) setTimeout(stop, opts.durationMs).unref();
  });
  return code;
}
