import { BackupResult, backupDatabase } from '../sqlite/write/backup';
import { RebuildOptions, RebuildResult, parseAutoVacuum, parsePageSize, setAutoVacuum, setPageSize, vacuum } from '../sqlite/write/rebuild';
import { CliIo, cellSafe, jsonText } from './io';
import { EXIT_REFUSED, WriteCommandOptions } from './walCommand';

/** `backup`, `vacuum` and `set`: exit 0 done (or already so), 3 refused with the reason, 1 error, 2 usage. */
export async function backupCommand(io: CliIo, file: string, dest: string, opts: WriteCommandOptions & { force: boolean; journalMode: 'delete' | 'wal' }): Promise<number> {
  const r = await withCancel((signal) => backupDatabase(file, dest, { force: opts.force, journalMode: opts.journalMode, busyTimeoutMs: opts.busyTimeoutMs, engine: { prefer: opts.engine }, signal }));
  return report(io, r, opts.json, () => {
    if (r.verified) line(io, `proof: integrity_check ${r.verified.integrity === 'ok' ? 'ok' : r.verified.integrity.join('; ')}, journal mode ${r.verified.journalMode}, rows ${r.verified.matchesSource ? 'equal' : 'DIFFER from'} the source snapshot (${r.verified.tables.map((t) => `${t.name} ${t.rows}`).join(', ') || 'no tables'})`);
    // Pasted as is: it is shell-quoted, so only the control characters are made visible.
    if (r.manualCommand) line(io, `To do it yourself: ${r.manualCommand}`);
  });
}

export async function vacuumCommand(io: CliIo, file: string, opts: WriteCommandOptions & { into?: string }): Promise<number> {
  const r = await withCancel((signal) => vacuum(file, { into: opts.into, dryRun: opts.dryRun, busyTimeoutMs: opts.busyTimeoutMs, engine: { prefer: opts.engine }, signal }));
  return report(io, r, opts.json, () => printPlan(io, r));
}

export type SetRequest = { setting: 'auto_vacuum' | 'page_size'; value: string };

export function parseSetting(text: string): SetRequest | string {
  const m = /^(auto_vacuum|page_size)=(.+)$/.exec(text);
  if (!m) return 'set takes auto_vacuum=none|full|incremental or page_size=512..65536 (user_version and application_id belong to the app\'s migrations)';
  const [, setting, value] = m as unknown as [string, SetRequest['setting'], string];
  if (setting === 'auto_vacuum' && !parseAutoVacuum(value)) return 'auto_vacuum must be none, full or incremental';
  if (setting === 'page_size' && !parsePageSize(value)) return 'page_size must be a power of two from 512 to 65536';
  return { setting, value };
}

export async function setCommand(io: CliIo, file: string, req: SetRequest, opts: WriteCommandOptions): Promise<number> {
  const r = await withCancel((signal) => {
    const o: RebuildOptions = { dryRun: opts.dryRun, busyTimeoutMs: opts.busyTimeoutMs, engine: { prefer: opts.engine }, signal };
    return req.setting === 'auto_vacuum' ? setAutoVacuum(file, parseAutoVacuum(req.value)!, o) : setPageSize(file, parsePageSize(req.value)!, o);
  });
  return report(io, r, opts.json, () => printPlan(io, r));
}

/** Ctrl-C cancels: the engine's process is killed and SQLite rolls back. */
async function withCancel<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.once('SIGINT', cancel);
  try {
    return await work(controller.signal);
  } finally {
    process.removeListener('SIGINT', cancel);
  }
}

function printPlan(io: CliIo, r: RebuildResult): void {
  if (r.outcome === 'dry-run' || r.outcome === 'refused') {
    io.out('Plan:');
    for (const step of r.plan) line(io, `  - ${step}`);
    for (const n of r.notes) line(io, `  note: ${n}`);
  }
}

function report(io: CliIo, r: BackupResult | RebuildResult, json: boolean, details: () => void): number {
  if (json) {
    io.out(jsonText(r));
  } else {
    line(io, r.message);
    details();
  }
  return r.outcome === 'refused' ? EXIT_REFUSED : 0;
}

/** One result line: a newline in a file name is shown as \x0a, never a second line. */
function line(io: CliIo, text: string): void {
  io.out(cellSafe(text));
}
