import { parseArgs } from 'node:util';

// A command's arguments are declared once (CommandSpec); parsing, range
// checks, usage lines and help text are all made from that declaration.

/** Bad usage: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {}

interface OptionBase {
  help: string;
}
export type OptionSpec = OptionBase & (
  | { type: 'flag' }
  /** `empty`: the message when the value is blank (a blank value is then a mistake, not a default). */
  | { type: 'string'; arg: string; empty?: string }
  /** A whole number in [min, max] of `unit`; `default` when absent. */
  | { type: 'int'; arg: string; min: number; max: number; unit: string; default?: number }
  /** One of `values` (compared without case when `ignoreCase`), `default` when absent. */
  | { type: 'enum'; values: readonly string[]; default: string; ignoreCase?: boolean }
  /** Repeatable: every occurrence, in order. `glob-list` says its values are globs. */
  | { type: 'list' | 'glob-list'; arg: string }
);

export interface PositionalSpec {
  /** As shown in the usage line: FILE, DEST, enable|disable. */
  name: string;
  /** Absent means this value. */
  default?: string;
  /** The only values taken. */
  choices?: readonly string[];
  /** The message when the value is blank. */
  empty?: string;
}

export interface CommandSpec {
  name: string;
  /** One line for the command's own help. */
  summary: string;
  positionals: readonly PositionalSpec[];
  /** The message when the positionals do not fit: "inspect takes exactly one FILE". */
  arity: string;
  options: Readonly<Record<string, OptionSpec>>;
  /** Lines after the options in the command's help. */
  notes?: readonly string[];
}

export type OptionValue = boolean | string | number | string[] | undefined;

export interface ParsedArgs {
  /** Every declared option, by its name, converted and defaulted; undefined when absent without a default. */
  values: Record<string, OptionValue>;
  /** Every declared positional, defaults filled in. */
  positionals: string[];
  /** `--help` or `-h` was given: show the command's help instead of running it. */
  help: boolean;
}

export function parseCommand(spec: CommandSpec, args: string[]): ParsedArgs {
  const options: Record<string, { type: 'boolean' | 'string'; multiple?: boolean; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(spec.options)) {
    options[name] = { type: o.type === 'flag' ? 'boolean' : 'string', multiple: o.type === 'list' || o.type === 'glob-list' };
  }
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.values.help) return { values: {}, positionals: [], help: true };
  const raw = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const values: Record<string, OptionValue> = {};
  for (const [name, o] of Object.entries(spec.options)) values[name] = optionValue(`--${name}`, o, raw[name]);
  return { values, positionals: positionalValues(spec, parsed.positionals), help: false };
}

function optionValue(flag: string, o: OptionSpec, raw: string | boolean | string[] | undefined): OptionValue {
  switch (o.type) {
    case 'flag':
      return !!raw;
    case 'list':
    case 'glob-list':
      return raw as string[] | undefined;
    case 'string':
      if (o.empty !== undefined && typeof raw === 'string' && !raw.trim()) throw new UsageError(o.empty);
      return raw as string | undefined;
    case 'int':
      return raw === undefined ? o.default : wholeNumber(flag, raw as string, o);
    case 'enum': {
      if (raw === undefined) return o.default;
      const given = o.ignoreCase ? (raw as string).toLowerCase() : (raw as string);
      if (!o.values.includes(given)) throw new UsageError(`${flag} must be ${orList(o.values)}`);
      return given;
    }
  }
}

function wholeNumber(flag: string, value: string, o: { min: number; max: number; unit: string }): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(n >= o.min && n <= o.max)) throw new UsageError(`${flag} takes a whole number of ${o.unit} from ${o.min} to ${o.max} (got ${JSON.stringify(value)})`);
  return n;
}

function positionalValues(spec: CommandSpec, given: string[]): string[] {
  const required = spec.positionals.filter((p) => p.default === undefined).length;
  if (given.length < required || given.length > spec.positionals.length) throw new UsageError(spec.arity);
  return spec.positionals.map((p, i) => {
    const value = given[i] ?? p.default!;
    if (p.choices && !p.choices.includes(value)) throw new UsageError(spec.arity);
    if (p.empty !== undefined && !value.trim()) throw new UsageError(p.empty);
    return value;
  });
}

function orList(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** The option as the usage line shows it: [--json], [--mode a|b], [--exclude GLOB]… */
function optionUsage(name: string, o: OptionSpec): string {
  switch (o.type) {
    case 'flag': return `[--${name}]`;
    case 'enum': return `[--${name} ${o.values.join('|')}]`;
    case 'list':
    case 'glob-list': return `[--${name} ${o.arg}]…`;
    default: return `[--${name} ${o.arg}]`;
  }
}

/** `sqlite-doctor backup FILE DEST [--force] …`, one line. */
export function usageLine(program: string, spec: CommandSpec): string {
  const positionals = spec.positionals.map((p) => (p.default === undefined ? p.name : `[${p.name}]`));
  const options = Object.entries(spec.options).map(([name, o]) => optionUsage(name, o));
  return [program, spec.name, ...positionals, ...options].join(' ');
}

/** What the option takes and its default, after its help text. */
function optionDetail(o: OptionSpec): string {
  switch (o.type) {
    case 'int': return ` (${o.min} to ${o.max} ${o.unit}${o.default === undefined ? '' : `; default ${o.default}`})`;
    case 'enum': return ` (default ${o.default})`;
    case 'glob-list':
    case 'list': return ' (repeatable)';
    default: return '';
  }
}

/** `sqlite-doctor help CMD` and `CMD --help`: the usage line, then each option with its help. */
export function commandHelp(program: string, spec: CommandSpec): string {
  const entries = Object.entries(spec.options).map(([name, o]) => [optionUsage(name, o).replace(/^\[|\]…?$/g, ''), o.help + optionDetail(o)] as const);
  const width = Math.max(0, ...entries.map(([u]) => u.length));
  const lines = [`Usage: ${usageLine(program, spec)}`, '', spec.summary];
  if (entries.length) lines.push('', 'Options:', ...entries.map(([u, h]) => `  ${u.padEnd(width)}  ${h}`));
  if (spec.notes?.length) lines.push('', ...spec.notes);
  return lines.join('\n');
}
