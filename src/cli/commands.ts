import { promises as fsp } from 'node:fs';
import { describeError } from '../sqlite/os/errors';
import { DEFAULT_BUSY_TIMEOUT_MS, ENGINE_IDS, EngineId } from '../sqlite/engines/engine';
import type { CheckpointMode } from '../sqlite/write/journalMode';
import { CommandSpec, OptionSpec, ParsedArgs, UsageError } from './args';
import type { CliIo } from './io';
import type { WriteCommandOptions } from './walCommand';

// Every command with its arguments, declared once: main.ts parses and prints
// help from these. Each `run` loads its command's bundle (dist/cli-<x>.js,
// see esbuild.mjs) only when that command runs, so `--version` and `--help`
// load none of them.

export interface Command extends CommandSpec {
  run(io: CliIo, args: ParsedArgs): Promise<number>;
}

/** Node's timers hold at most 2^31-1 ms; a day is more than any lock should be waited for. */
const MAX_BUSY_TIMEOUT_MS = 86_400_000;
/** sql.js (wasm, 32-bit) cannot hold a database image of 2 GiB or more. */
const MAX_INSPECT_MIB = 2047;

const json: OptionSpec = { type: 'flag', help: 'print JSON instead of text' };
const dryRun: OptionSpec = { type: 'flag', help: 'show the plan (preflight, what would change); change nothing' };
const busyTimeout: OptionSpec = { type: 'int', arg: 'MS', min: 0, max: MAX_BUSY_TIMEOUT_MS, unit: 'milliseconds', help: `how long to wait for another connection's lock; ${DEFAULT_BUSY_TIMEOUT_MS} when absent` };
const engine: OptionSpec = { type: 'enum', values: ['auto', ...ENGINE_IDS], default: 'auto', help: 'which real SQLite changes the file (auto: node:sqlite, else the sqlite3 shell, else python3)' };
const exclude: OptionSpec = { type: 'glob-list', arg: 'GLOB', help: 'leave out files matching GLOB' };
const FILE = { name: 'FILE' };
const FOLDER = { name: 'DIR', default: '.' };

function writeOptions(a: ParsedArgs): WriteCommandOptions {
  return { json: a.values.json as boolean, dryRun: !!a.values['dry-run'], busyTimeoutMs: a.values['busy-timeout'] as number | undefined, engine: a.values.engine as EngineId | 'auto' };
}

type FileReport = (io: CliIo, file: string, opts: { json: boolean }) => Promise<number>;

/** A command that reads one FILE and reports on it, as text or JSON. */
function fileReport(name: string, summary: string, load: () => Promise<FileReport>): Command {
  return {
    name, summary, positionals: [FILE], arity: `${name} takes exactly one FILE`, options: { json },
    async run(io, a) {
      return (await load())(io, a.positionals[0]!, { json: a.values.json as boolean });
    },
  };
}

export const COMMANDS: readonly Command[] = [
  {
    name: 'scan', summary: 'Find the SQLite databases under DIR and say what state each is in.',
    positionals: [FOLDER], arity: 'scan takes one folder',
    options: {
      json,
      'all-files': { type: 'flag', help: 'check every file by its magic bytes, not only database-like names' },
      threads: { type: 'int', arg: 'N', min: 0, max: 64, unit: 'helper threads', help: 'helper threads beside the main one; one per spare core when absent, 0 for one thread' },
    },
    async run(io, a) {
      const [dir] = a.positionals as [string];
      await expectPath(dir, 'folder');
      const { scanCommand } = await import('./scanCommand');
      return scanCommand(io, dir, { json: a.values.json as boolean, allFiles: a.values['all-files'] as boolean, threads: a.values.threads as number | undefined });
    },
  },
  {
    name: 'inspect', summary: 'Every pragma readable from the file, tables, integrity, the WAL and the rollback journal.',
    positionals: [FILE], arity: 'inspect takes exactly one FILE',
    options: {
      json,
      integrity: { type: 'enum', values: ['quick', 'full', 'none'], default: 'quick', help: 'quick_check, integrity_check, or neither' },
      'header-only': { type: 'flag', help: 'read the header only' },
      'max-size': { type: 'int', arg: 'MiB', min: 1, max: MAX_INSPECT_MIB, unit: 'MiB (sql.js holds less than 2 GiB)', help: 'above this size, list tables from the b-tree walk instead of loading the file' },
    },
    async run(io, a) {
      const maxSize = a.values['max-size'] as number | undefined;
      const { inspectCommand } = await import('./inspectCommand');
      return inspectCommand(io, a.positionals[0]!, {
        json: a.values.json as boolean,
        integrity: a.values.integrity as 'quick' | 'full' | 'none',
        headerOnly: a.values['header-only'] as boolean,
        maxBytes: maxSize === undefined ? undefined : maxSize * 1024 * 1024,
      });
    },
  },
  {
    name: 'wal', summary: 'Enter or leave WAL mode through a real SQLite, after a preflight, verified afterwards.',
    positionals: [{ name: 'enable|disable', choices: ['enable', 'disable'] }, FILE], arity: 'wal takes enable|disable and one FILE',
    options: { 'dry-run': dryRun, 'busy-timeout': busyTimeout, engine, json },
    async run(io, a) {
      const { walCommand } = await import('./walCommand');
      return walCommand(io, a.positionals[0] as 'enable' | 'disable', a.positionals[1]!, writeOptions(a));
    },
  },
  {
    name: 'checkpoint', summary: 'Copy the -wal\'s frames into the database.',
    positionals: [FILE], arity: 'checkpoint takes exactly one FILE',
    options: {
      // The same modes as CHECKPOINT_MODES (src/sqlite/journalMode.ts, too heavy to load here; test/cliArgs.test.ts keeps them equal).
      mode: { type: 'enum', values: ['auto', 'passive', 'full', 'restart', 'truncate'], default: 'auto', ignoreCase: true, help: 'the checkpoint mode' },
      'dry-run': dryRun, 'busy-timeout': busyTimeout, engine, json,
    },
    notes: ['--mode auto never blocks the app: PASSIVE, then TRUNCATE only when no other process has the database open.'],
    async run(io, a) {
      const { checkpointCommand } = await import('./walCommand');
      return checkpointCommand(io, a.positionals[0]!, (a.values.mode as string).toUpperCase() as CheckpointMode, writeOptions(a));
    },
  },
  {
    name: 'check', summary: 'The production checklist for every database (and the app settings) under DIR, or for one FILE.',
    positionals: [{ name: 'DIR|FILE', default: '.' }], arity: 'check takes one folder or file',
    options: {
      require: { type: 'string', arg: 'wal,busy_timeout,…', help: 'exit 4 unless these checks pass' },
      strict: { type: 'flag', help: 'a setting computed at run time, or an unknown integrity, does not pass' },
      exclude, json,
    },
    notes: [
      '--require integrity passes when integrity is unknown (a database changing on every read, or too large), and a per-connection',
      'setting passes when the app computes it at run time (with a note); --strict fails then too. Test code and in-memory databases never count.',
    ],
    async run(io, a) {
      const { checkCommand, parseRequire } = await import('./checkCommand');
      let required;
      try {
        required = parseRequire(a.values.require as string | undefined);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const [target] = a.positionals as [string];
      await expectPath(target, 'any');
      return checkCommand(io, target, { json: a.values.json as boolean, require: required, strict: a.values.strict as boolean, exclude: a.values.exclude as string[] | undefined });
    },
  },
  {
    name: 'app-settings', summary: 'Each connection the app under DIR opens, with each setting set, defaulted or unknown.',
    positionals: [FOLDER], arity: 'app-settings takes one folder',
    options: { exclude, json },
    async run(io, a) {
      const [dir] = a.positionals as [string];
      await expectPath(dir, 'folder');
      const { appSettingsCommand } = await import('./appSettingsCommand');
      return appSettingsCommand(io, dir, { json: a.values.json as boolean, exclude: a.values.exclude as string[] | undefined });
    },
  },
  {
    name: 'fix', summary: 'Apply the recommended connection settings to the app\'s source under DIR.',
    positionals: [FOLDER], arity: 'fix takes one folder',
    options: { 'dry-run': { type: 'flag', help: 'print a unified diff; write nothing' }, exclude, json },
    async run(io, a) {
      const [dir] = a.positionals as [string];
      await expectPath(dir, 'folder');
      const { fixCommand } = await import('./fixCommand');
      return fixCommand(io, dir, { json: a.values.json as boolean, dryRun: a.values['dry-run'] as boolean, exclude: a.values.exclude as string[] | undefined });
    },
  },
  {
    name: 'backup', summary: 'A consistent copy of a live database, proved before it replaces DEST.',
    positionals: [FILE, { name: 'DEST', empty: 'backup needs a DEST file name' }], arity: 'backup takes FILE and DEST',
    options: {
      force: { type: 'flag', help: 'replace an existing DEST' },
      'journal-mode': { type: 'enum', values: ['delete', 'wal'], default: 'delete', help: 'the copy\'s journal mode' },
      'busy-timeout': busyTimeout, engine, json,
    },
    async run(io, a) {
      const { backupCommand } = await import('./maintenanceCommand');
      return backupCommand(io, a.positionals[0]!, a.positionals[1]!, { ...writeOptions(a), force: a.values.force as boolean, journalMode: a.values['journal-mode'] as 'delete' | 'wal' });
    },
  },
  {
    name: 'vacuum', summary: 'Rebuild the database (in place, or into DEST), when the disk has room and no one is writing.',
    positionals: [FILE], arity: 'vacuum takes exactly one FILE',
    options: {
      // An empty --into is a mistake, not "VACUUM in place".
      into: { type: 'string', arg: 'DEST', empty: '--into needs a file name', help: 'write the rebuilt copy to DEST (VACUUM INTO)' },
      'dry-run': dryRun, 'busy-timeout': busyTimeout, engine, json,
    },
    async run(io, a) {
      const { vacuumCommand } = await import('./maintenanceCommand');
      return vacuumCommand(io, a.positionals[0]!, { ...writeOptions(a), into: a.values.into as string | undefined });
    },
  },
  {
    name: 'set', summary: 'Change auto_vacuum or page_size, with the VACUUM that makes it real.',
    positionals: [FILE, { name: 'auto_vacuum=none|full|incremental|page_size=N' }], arity: 'set takes FILE and one setting=value',
    options: { 'dry-run': dryRun, 'busy-timeout': busyTimeout, engine, json },
    async run(io, a) {
      const { parseSetting, setCommand } = await import('./maintenanceCommand');
      const req = parseSetting(a.positionals[1]!);
      if (typeof req === 'string') throw new UsageError(req);
      return setCommand(io, a.positionals[0]!, req, writeOptions(a));
    },
  },
  fileReport('space', 'Pages, payload and unused bytes per table and index, and what VACUUM would free.', async () => (await import('./spaceCommand')).spaceCommand),
  fileReport('locks', 'Who holds the database, which SQLite locks, and why its -wal keeps growing.', async () => (await import('./locksCommand')).locksCommand),
  {
    name: 'watch', summary: 'One line per change of the -wal and its holders, until Ctrl-C.',
    positionals: [FILE], arity: 'watch takes exactly one FILE',
    options: {
      interval: { type: 'int', arg: 'MS', min: 50, max: 60_000, unit: 'milliseconds', default: 250, help: 'how often to look' },
      duration: { type: 'int', arg: 'S', min: 1, max: 86_400, unit: 'seconds', help: 'stop after this long' },
    },
    async run(io, a) {
      const duration = a.values.duration as number | undefined;
      const { watchCommand } = await import('./locksCommand');
      return watchCommand(io, a.positionals[0]!, { intervalMs: a.values.interval as number, durationMs: duration === undefined ? undefined : duration * 1000 });
    },
  },
];

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
