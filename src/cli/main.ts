import { parseArgs } from 'node:util';
import { describeError } from '../sqlite/errors';
import { CliIo, processIo } from './io';
import { inspectCommand } from './inspectCommand';
import { scanCommand } from './scanCommand';
import { checkCommand, parseRequire } from './checkCommand';
import { WriteCommandOptions, checkpointCommand, walCommand } from './walCommand';
import { ENGINE_IDS, EngineId } from '../sqlite/engines/engine';
import { CHECKPOINT_MODES, CheckpointMode } from '../sqlite/journalMode';

const USAGE = `Usage:
  sqlite-doctor scan [DIR] [--json] [--all-files]
  sqlite-doctor inspect FILE [--json] [--integrity quick|full|none] [--header-only] [--max-size MiB]
  sqlite-doctor wal enable|disable FILE [--dry-run] [--busy-timeout MS] [--engine auto|node:sqlite|sqlite3-shell|python3] [--json]
  sqlite-doctor checkpoint FILE [--mode passive|full|restart|truncate] [--busy-timeout MS] [--engine …] [--json]
  sqlite-doctor check [DIR|FILE] [--require wal,busy_timeout,…] [--json]

Exit codes: 0 ok (or already so), 1 error (the reason is printed on stderr), 2 bad usage, 3 refused (the reason is printed),
4 a --require'd check did not pass.`;

const WRITE_OPTIONS = {
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  'busy-timeout': { type: 'string' },
  engine: { type: 'string' },
} as const;

function writeOptions(values: { json?: boolean; 'dry-run'?: boolean; 'busy-timeout'?: string; engine?: string }): WriteCommandOptions {
  const busy = values['busy-timeout'] === undefined ? undefined : Number(values['busy-timeout']);
  if (busy !== undefined && !(busy >= 0)) throw new UsageError('--busy-timeout takes milliseconds');
  const engine = values.engine ?? 'auto';
  if (engine !== 'auto' && !(ENGINE_IDS as readonly string[]).includes(engine)) throw new UsageError(`--engine must be auto or one of ${ENGINE_IDS.join(', ')}`);
  return { json: !!values.json, dryRun: !!values['dry-run'], busyTimeoutMs: busy, engine: engine as EngineId | 'auto' };
}

class UsageError extends Error {}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`sqlite-doctor: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    // One clear line, never a stack trace.
    io.err(`sqlite-doctor: ${describeError(err)}`);
    return 1;
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan': {
      const { values, positionals } = usage(() => parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' }, 'all-files': { type: 'boolean' } } }));
      if (positionals.length > 1) throw new UsageError('scan takes one folder');
      return scanCommand(io, positionals[0] ?? '.', { json: !!values.json, allFiles: !!values['all-files'] });
    }
    case 'inspect': {
      const { values, positionals } = usage(() => parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          json: { type: 'boolean' },
          integrity: { type: 'string' },
          'header-only': { type: 'boolean' },
          'max-size': { type: 'string' },
        },
      }));
      if (positionals.length !== 1) throw new UsageError('inspect takes exactly one FILE');
      const integrity = (values.integrity ?? 'quick') as string;
      if (!['quick', 'full', 'none'].includes(integrity)) throw new UsageError('--integrity must be quick, full or none');
      const maxSize = values['max-size'] === undefined ? undefined : Number(values['max-size']);
      if (maxSize !== undefined && !(maxSize > 0)) throw new UsageError('--max-size takes a number of MiB');
      return inspectCommand(io, positionals[0]!, {
        json: !!values.json,
        integrity: integrity as 'quick' | 'full' | 'none',
        headerOnly: !!values['header-only'],
        maxBytes: maxSize === undefined ? undefined : maxSize * 1024 * 1024,
      });
    }
    case 'wal': {
      const { values, positionals } = usage(() => parseArgs({ args: rest, allowPositionals: true, options: WRITE_OPTIONS }));
      const [action, file] = positionals;
      if ((action !== 'enable' && action !== 'disable') || !file || positionals.length !== 2) throw new UsageError('wal takes enable|disable and one FILE');
      return walCommand(io, action, file, writeOptions(values));
    }
    case 'checkpoint': {
      const { values, positionals } = usage(() => parseArgs({ args: rest, allowPositionals: true, options: { ...WRITE_OPTIONS, mode: { type: 'string' } } }));
      if (positionals.length !== 1) throw new UsageError('checkpoint takes exactly one FILE');
      const mode = (values.mode ?? 'truncate').toUpperCase();
      if (!(CHECKPOINT_MODES as readonly string[]).includes(mode)) throw new UsageError('--mode must be passive, full, restart or truncate');
      return checkpointCommand(io, positionals[0]!, mode as CheckpointMode, writeOptions(values));
    }
    case 'check': {
      const { values, positionals } = usage(() => parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' }, require: { type: 'string' } } }));
      if (positionals.length > 1) throw new UsageError('check takes one folder or file');
      const required = usage(() => parseRequire(values.require));
      return checkCommand(io, positionals[0] ?? '.', { json: !!values.json, require: required });
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** parseArgs with its errors turned into usage errors. */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
