import { describeError } from '../sqlite/os/errors';
import { setBlockingIo } from '../sqlite/os/fileio';
import { UsageError, commandHelp, parseCommand, usageLine } from './args';
import { COMMANDS } from './commands';
import { CliIo, guardProcessOutput, processIo } from './io';
import { version } from '../../package.json';

// dist/cli.js holds this file, the parser and the command table; each
// command's module is its own bundle (esbuild.mjs), required only when that
// command runs: `scan` never loads sql.js, the advisor or the engines, and
// `--version` or `--help` loads no command at all.

const PROGRAM = 'sqlite-doctor';

const USAGE = `Usage:
  ${PROGRAM} --version
${COMMANDS.map((c) => `  ${usageLine(PROGRAM, c)}`).join('\n')}
  ${PROGRAM} help COMMAND   (or COMMAND --help: its options, what each does, its defaults)

${COMMANDS.flatMap((c) => c.notes?.map((n) => (n.startsWith('--') ? `${c.name} ${n}` : n)) ?? []).join('\n')}

Exit codes: 0 ok (or already so), 1 error (the reason is printed on stderr), 2 bad usage, 3 refused or, for checkpoint, not finished (the reason is printed),
4 a --require'd check did not pass.`;

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
      io.err(`${PROGRAM}: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    // One clear line, never a stack trace.
    io.err(`${PROGRAM}: ${describeError(err)}`);
    return 1;
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  switch (name) {
    case '--version':
    case '-V':
      io.out(version);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      if (rest.length) {
        io.out(commandHelp(PROGRAM, commandNamed(rest[0]!)));
        return 0;
      }
      io.out(USAGE);
      return name === undefined ? 2 : 0;
  }
  const command = commandNamed(name);
  const args = parseCommand(command, rest);
  if (args.help) {
    io.out(commandHelp(PROGRAM, command));
    return 0;
  }
  return command.run(io, args);
}

function commandNamed(name: string) {
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"`);
  return command;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
