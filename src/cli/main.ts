import { parseArgs } from 'node:util';
import { describeError } from '../sqlite/errors';
import { CliIo, processIo } from './io';
import { inspectCommand } from './inspectCommand';
import { scanCommand } from './scanCommand';

const USAGE = `Usage:
  sqlite-doctor scan [DIR] [--json] [--all-files]
  sqlite-doctor inspect FILE [--json] [--integrity quick|full|none] [--header-only] [--max-size MiB]

Exit codes: 0 ok, 1 error (the reason is printed on stderr), 2 bad usage.`;

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
