import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommandSpec, UsageError, commandHelp, parseCommand, usageLine } from '../src/cli/args';
import { COMMANDS } from '../src/cli/commands';
import { main } from '../src/cli/main';
import { CHECKPOINT_MODES } from '../src/sqlite/write/journalMode';

const SPEC: CommandSpec = {
  name: 'demo', summary: 'A command for the tests.',
  positionals: [{ name: 'FILE' }, { name: 'DEST', default: 'out', empty: 'demo needs a DEST' }], arity: 'demo takes FILE [DEST]',
  options: {
    json: { type: 'flag', help: 'JSON' },
    into: { type: 'string', arg: 'PATH', empty: '--into needs a path', help: 'where' },
    wait: { type: 'int', arg: 'MS', min: 10, max: 1000, unit: 'milliseconds', default: 250, help: 'how long' },
    limit: { type: 'int', arg: 'N', min: 0, max: 5, unit: 'rows', help: 'how many' },
    mode: { type: 'enum', values: ['auto', 'fast', 'safe'], default: 'auto', ignoreCase: true, help: 'how' },
    level: { type: 'enum', values: ['low', 'high'], default: 'low', help: 'case counts' },
    tag: { type: 'list', arg: 'T', help: 'a tag' },
    exclude: { type: 'glob-list', arg: 'GLOB', help: 'leave out' },
  },
  notes: ['A note.'],
};

function usageError(args: string[]): string {
  try {
    parseCommand(SPEC, args);
  } catch (err) {
    assert.ok(err instanceof UsageError, `a usage error, not ${String(err)}`);
    return err.message;
  }
  assert.fail(`${args.join(' ')} parsed`);
}

describe('CLI argument table', () => {
  it('converts each type and fills defaults', () => {
    assert.deepEqual(parseCommand(SPEC, ['a.db']), {
      values: { json: false, into: undefined, wait: 250, limit: undefined, mode: 'auto', level: 'low', tag: undefined, exclude: undefined },
      positionals: ['a.db', 'out'],
      help: false,
    });
    const r = parseCommand(SPEC, ['--json', 'a.db', '--into', 'x', '--wait', '10', '--limit=5', '--mode', 'FAST', '--level', 'high', 'b']);
    assert.deepEqual(r.values, { json: true, into: 'x', wait: 10, limit: 5, mode: 'fast', level: 'high', tag: undefined, exclude: undefined });
    assert.deepEqual(r.positionals, ['a.db', 'b']);
  });

  it('keeps every occurrence of a repeated list option, in order', () => {
    const r = parseCommand(SPEC, ['a.db', '--tag', 'x', '--exclude', '**/a', '--tag', 'y', '--exclude', 'b/*']);
    assert.deepEqual(r.values.tag, ['x', 'y']);
    assert.deepEqual(r.values.exclude, ['**/a', 'b/*']);
  });

  it('range-checks whole numbers, naming the option, the unit and the value', () => {
    assert.equal(usageError(['a', '--wait', '9']), '--wait takes a whole number of milliseconds from 10 to 1000 (got "9")');
    assert.equal(usageError(['a', '--wait', '1001']), '--wait takes a whole number of milliseconds from 10 to 1000 (got "1001")');
    assert.match(usageError(['a', '--limit', '1.5']), /--limit takes a whole number of rows from 0 to 5 \(got "1\.5"\)/);
    assert.match(usageError(['a', '--limit', '-1']), /--limit/, 'a negative number is not a whole number here');
    assert.match(usageError(['a', '--limit', '']), /got ""/);
    assert.equal(parseCommand(SPEC, ['a', '--limit', '0']).values.limit, 0);
  });

  it('rejects an enum value outside the list, with case only where the table allows it', () => {
    assert.equal(usageError(['a', '--mode', 'slow']), '--mode must be auto, fast or safe');
    assert.equal(usageError(['a', '--level', 'HIGH']), '--level must be low or high');
  });

  it('rejects a blank value where the table says blank is a mistake', () => {
    assert.equal(usageError(['a', '--into', ' ']), '--into needs a path');
    assert.equal(usageError(['a', ' ']), 'demo needs a DEST');
  });

  it('rejects unknown options, missing values, flags given values and the wrong number of positionals', () => {
    assert.match(usageError(['a', '--nope']), /Unknown option '--nope'/);
    assert.match(usageError(['a', '--wait']), /argument missing/);
    assert.match(usageError(['a', '--json=yes']), /does not take an argument/);
    assert.equal(usageError([]), 'demo takes FILE [DEST]');
    assert.equal(usageError(['a', 'b', 'c']), 'demo takes FILE [DEST]');
    assert.equal(parseCommand({ ...SPEC, positionals: [{ name: 'on|off', choices: ['on', 'off'] }] }, ['on']).positionals[0], 'on');
    assert.throws(() => parseCommand({ ...SPEC, positionals: [{ name: 'on|off', choices: ['on', 'off'] }] }, ['up']), /demo takes FILE/);
  });

  it('takes everything after -- as positionals', () => {
    const r = parseCommand(SPEC, ['--json', '--', '--not-an-option', '-h']);
    assert.deepEqual(r.positionals, ['--not-an-option', '-h']);
    assert.equal(r.help, false);
  });

  it('--help and -h ask for help before positionals are counted', () => {
    assert.equal(parseCommand(SPEC, ['--help']).help, true);
    assert.equal(parseCommand(SPEC, ['a', 'b', 'c', '-h']).help, true);
  });

  it('makes the usage line and the help text from the table', () => {
    assert.equal(usageLine('prog', SPEC), 'prog demo FILE [DEST] [--json] [--into PATH] [--wait MS] [--limit N] [--mode auto|fast|safe] [--level low|high] [--tag T]… [--exclude GLOB]…');
    const help = commandHelp('prog', SPEC);
    assert.match(help, /^Usage: prog demo FILE \[DEST\]/);
    assert.match(help, /^A command for the tests\.$/m);
    assert.match(help, /^ {2}--wait MS +how long \(10 to 1000 milliseconds; default 250\)$/m);
    assert.match(help, /^ {2}--mode auto\|fast\|safe +how \(default auto\)$/m);
    assert.match(help, /^ {2}--exclude GLOB +leave out \(repeatable\)$/m);
    assert.match(help, /^A note\.$/m);
  });
});

describe('the sqlite-doctor command table', () => {
  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  }

  it('checkpoint takes exactly the modes the checkpoint code knows', () => {
    const mode = COMMANDS.find((c) => c.name === 'checkpoint')!.options.mode!;
    assert.equal(mode.type, 'enum');
    assert.deepEqual(mode.type === 'enum' && mode.values.map((m) => m.toUpperCase()), [...CHECKPOINT_MODES]);
  });

  it('every command has help, by `help CMD` and `CMD --help`, listing each of its options', async () => {
    for (const c of COMMANDS) {
      const a = await run('help', c.name);
      const b = await run(c.name, '--help');
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      assert.equal(a.stdout, b.stdout);
      for (const name of Object.keys(c.options)) assert.match(a.stdout, new RegExp(`^ {2}--${name}\\b.* {2}\\S`, 'm'), `${c.name} --${name}`);
    }
  });

  it('the global usage lists every command once; bad usage exits 2 with it on stderr', async () => {
    const help = await run('--help');
    assert.equal(help.code, 0);
    for (const c of COMMANDS) assert.equal(help.stdout.split('\n').filter((l) => l.startsWith(`  sqlite-doctor ${c.name} `)).length, 1, c.name);
    const bad = await run('backup', 'a.db', 'b.db', '--busy-timeout', '86400001');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^sqlite-doctor: --busy-timeout takes a whole number of milliseconds from 0 to 86400000 \(got "86400001"\)\n\nUsage:/);
    assert.equal((await run('help', 'frobnicate')).code, 2);
    assert.equal((await run()).code, 2);
  });
});
