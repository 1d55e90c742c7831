import { promises as fsp } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeError } from '../sqlite/os/errors';
import { setBlockingIo } from '../sqlite/os/fileio';
import { CliIo, guardProcessOutput, processIo } from './io';
import type { WriteCommandOptions } from './walCommand';
import { ENGINE_IDS, EngineId } from '../sqlite/engines/engine';
import type { CheckpointMode } from '../sqlite/write/journalMode';
import { version } from '../../package.json';

// Each command's module is imported when that command runs (esbuild keeps
// them in one bundle but evaluates them lazily): `scan` never loads sql.js,
// the advisor or the engines, and `--version` loads nothing beyond this file.

const USAGE = `Usage:
  sqlite-doctor --version
  sqlite-doctor scan [DIR] [--json] [--all-files] [--threads N]
  sqlite-doctor inspect FILE [--json] [--integrity quick|full|none] [--header-only] [--max-size MiB]
  sqlite-doctor wal enable|disable FILE [--dry-run] [--busy-timeout MS] [--engine auto|node:sqlite|sqlite3-shell|python3] [--json]
  sqlite-doctor checkpoint FILE [--mode auto|passive|full|restart|truncate] [--busy-timeout MS] [--engine …] [--json]
  sqlite-doctor check [DIR|FILE] [--require wal,busy_timeout,…] [--strict] [--exclude GLOB]… [--json]
  sqlite-doctor app-settings [DIR] [--exclude GLOB]… [--json]
  sqlite-doctor fix [DIR] [--dry-run] [--exclude GLOB]… [--json]
  sqlite-doctor backup FILE DEST [--force] [--journal-mode delete|wal] [--busy-timeout MS] [--engine …] [--json]
  sqlite-doctor vacuum FILE [--into DEST] [--dry-run] [--busy-timeout MS] [--engine …] [--json]
  sqlite-doctor set FILE auto_vacuum=none|full|incremental|page_size=N [--dry-run] [--busy-timeout MS] [--engine …] [--json]
  sqlite-doctor space FILE [--json]
  sqlite-doctor locks FILE [--json]
  sqlite-doctor watch FILE [--interval MS] [--duration S]

scan --threads N: helper threads beside the main one (default: one per spare core; 0: one thread).
checkpoint --mode auto (the default) never blocks the app: PASSIVE, then TRUNCATE only when no other process has the database open.
check --require integrity passes when integrity is unknown (a database changing on every read, or too large), and a per-connection
setting passes when the app computes it at run time (with a note); --strict fails then too. Test code and in-memory databases never count.

Exit codes: 0 ok (or already so), 1 error (the reason is printed on stderr), 2 bad usage, 3 refused or, for checkpoint, not finished (the reason is printed),
4 a --require'd check did not pass.`;

const WRITE_OPTIONS = {
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  'busy-timeout': { type: 'string' },
  engine: { type: 'string' },
} as const;

/** Node's timers hold at most 2^31-1 ms; a day is more than any lock should be waited for. */
const MAX_BUSY_TIMEOUT_MS = 86_400_000;
/** sql.js (wasm, 32-bit) cannot hold a database image of 2 GiB or more. */
const MAX_INSPECT_MIB = 2047;

/** A whole number in [min, max], or a usage error naming the option. */
function integerOption(name: string, value: string | undefined, min: number, max: number, unit: string): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${name} takes a whole number of ${unit} from ${min} to ${max} (got ${JSON.stringify(value)})`);
  return n;
}

function writeOptions(values: { json?: boolean; 'dry-run'?: boolean; 'busy-timeout'?: string; engine?: string }): WriteCommandOptions {
  const busy = integerOption('--busy-timeout', values['busy-timeout'], 0, MAX_BUSY_TIMEOUT_MS, 'milliseconds');
  const engine = values.engine ?? 'auto';
  if (engine !== 'auto' && !(ENGINE_IDS as readonly string[]).includes(engine)) throw new UsageError(`--engine must be auto or one of ${ENGINE_IDS.join(', ')}`);
  return { json: !!values.json, dryRun: !!values['dry-run'], busyTimeoutMs: busy, engine: engine as EngineId | 'auto' };
}

class UsageError extends Error {}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  if (io === processIo) {
    guardProcessOutput();
    // A CLI process does one thing at a time: blocking file system calls are far cheaper than thread-pool round trips.
    setBlockingIo(true);
  }
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
      const { values, positionals } = usage(() => parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' }, 'all-files': { type: 'boolean' }, threads: { type: 'string' } } }));
      if (positionals.length > 1) throw new UsageError('scan takes one folder');
      const threads = integerOption('--threads', values.threads, 0, 64, 'helper threads');
      await expectPath(positionals[0] ?? '.', 'folder');
      const { scanCommand } = await import('./scanCommand');
      return scanCommand(io, positionals[0] ?? '.', { json: !!values.json, allFiles: !!values['all-files'], threads });
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
      const maxSize = integerOption('--max-size', values['max-size'], 1, MAX_INSPECT_MIB, 'MiB (sql.js holds less than 2 GiB)');
      const { inspectCommand } = await import('./inspectCommand');
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
      const { walCommand } = await import('./walCommand');
      return walCommand(io, action, file, writeOptions(values));
    }
    case 'checkpoint': {
      const { values, positionals } = usage(() => parseArgs({ args: rest, allowPositionals: true, options: { ...WRITE_OPTIONS, mode: { type: 'string' } } }));
      if (positionals.length !== 1) throw new UsageError('checkpoint takes exactly one FILE');
      const mode = (values.mode ?? 'auto').toUpperCase();
      const { CHECKPOINT_MODES, checkpointCommand } = await import('./walCommand');
      if (!(CHECKPOINT_MODES as readonly string[]).includes(mode)) throw new UsageError('--mode must be auto, passive, full, restart or truncate');
      return checkpointCommand(io, positionals[0]!, mode as CheckpointMode, writeOptions(values));
    }
    case 'check': {
      const { values, positionals } = usage(() => parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' }, require: { type: 'string' }, strict: { type: 'boolean' }, exclude: { type: 'string', multiple: true } } }));
      if (positionals.length > 1) throw new UsageError('check takes one folder or file');
      const { checkCommand, parseRequire } = await import('./checkCommand');
      const required = usage(() => parseRequire(values.require));
      const target = positionals[0] ?? '.';
      await expectPath(target, 'any');
      return checkCommand(io, target, { json: !!values.json, require: required, strict: !!values.strict, exclude: values.exclude });
    }
    case 'fix': {
      const { values, positionals } = usage(() => parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, exclude: { type: 'string', multiple: true } } }));
      if (positionals.length > 1) throw new UsageError('fix takes one folder');
      await expectPath(positionals[0] ?? '.', 'folder');
      const { fixCommand } = await import('./fixCommand');
      return fixCommand(io, positionals[0] ?? '.', { json: !!values.json, dryRun: !!values['dry-run'], exclude: values.exclude });
    }
    case 'app-settings': {
      const { values, positionals } = usage(() => parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' }, exclude: { type: 'string', multiple: true } } }));
      if (positionals.length > 1) throw new UsageError('app-settings takes one folder');
      await expectPath(positionals[0] ?? '.', 'folder');
      const { appSettingsCommand } = await import('./appSettingsCommand');
      return appSettingsCommand(io, positionals[0] ?? '.', { json: !!values.json, exclude: values.exclude });
    }
    case 'backup': {
      const { values, positionals } = usage(() => parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' }, force: { type: 'boolean' }, 'journal-mode': { type: 'string' }, 'busy-timeout': { type: 'string' }, engine: { type: 'string' } } }));
      if (positionals.length !== 2) throw new UsageError('backup takes FILE and DEST');
      if (!positionals[1]!.trim()) throw new UsageError('backup needs a DEST file name');
      const mode = values['journal-mode'] ?? 'delete';
      if (mode !== 'delete' && mode !== 'wal') throw new UsageError('--journal-mode must be delete or wal');
      const { backupCommand } = await import('./maintenanceCommand');
      return backupCommand(io, positionals[0]!, positionals[1]!, { ...writeOptions(values), force: !!values.force, journalMode: mode });
    }
    case 'vacuum': {
      const { values, positionals } = usage(() => parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' }, into: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'busy-timeout': { type: 'string' }, engine: { type: 'string' } } }));
      if (positionals.length !== 1) throw new UsageError('vacuum takes exactly one FILE');
      // An empty --into is a mistake, not "VACUUM in place".
      if (values.into !== undefined && !values.into.trim()) throw new UsageError('--into needs a file name');
      const { vacuumCommand } = await import('./maintenanceCommand');
      return vacuumCommand(io, positionals[0]!, { ...writeOptions(values), into: values.into });
    }
    case 'set': {
      const { values, positionals } = usage(() => parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, 'busy-timeout': { type: 'string' }, engine: { type: 'string' } } }));
      if (positionals.length !== 2) throw new UsageError('set takes FILE and one setting=value');
      const { parseSetting, setCommand } = await import('./maintenanceCommand');
      const req = parseSetting(positionals[1]!);
      if (typeof req === 'string') throw new UsageError(req);
      return setCommand(io, positionals[0]!, req, writeOptions(values));
    }
    case 'space': {
      const { values, positionals } = usage(() => parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' } } }));
      if (positionals.length !== 1) throw new UsageError('space takes exactly one FILE');
      const { spaceCommand } = await import('./spaceCommand');
      return spaceCommand(io, positionals[0]!, { json: !!values.json });
    }
    case 'locks': {
      const { values, positionals } = usage(() => parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' } } }));
      if (positionals.length !== 1) throw new UsageError('locks takes exactly one FILE');
      const { locksCommand } = await import('./locksCommand');
      return locksCommand(io, positionals[0]!, { json: !!values.json });
    }
    case 'watch': {
      const { values, positionals } = usage(() => parseArgs({ args: rest, allowPositionals: true, options: { interval: { type: 'string' }, duration: { type: 'string' } } }));
      if (positionals.length !== 1) throw new UsageError('watch takes exactly one FILE');
      const duration = integerOption('--duration', values.duration, 1, 86_400, 'seconds');
      const { watchCommand } = await import('./locksCommand');
      return watchCommand(io, positionals[0]!, { intervalMs: integerOption('--interval', values.interval, 50, 60_000, 'milliseconds') ?? 250, durationMs: duration === undefined ? undefined : duration * 1000 });
    }
    case '--version':
    case '-V':
      io.out(version);
      return 0;
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

/**
 * A path argument that is missing or of the wrong kind is the user's to fix:
 * one line naming it (exit 1), not a raw errno or an empty result.
 */
async function expectPath(p: string, kind: 'folder' | 'any'): Promise<void> {
  if (p.includes('\ufffd')) throw new Error(`${p}: the path is not valid UTF-8, so it cannot be opened from here; rename it`);
  const st = await fsp.stat(p).catch((err: NodeJS.ErrnoException) => {
    throw new Error(err.code === 'ENOENT' ? `${p}: no such file or folder` : describeError(err, p));
  });
  if (kind === 'folder' && !st.isDirectory()) throw new Error(`${p}: is a file, not a folder (to look at one database: sqlite-doctor inspect ${p})`);
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
