import { ConnectionFinding } from './findings';
import { planMisconfigFixes } from './misconfig';
import { RECOMMENDED, Recommended, missingSettings } from './recommended';

/**
 * Fixes that write the recommended per-connection settings where each stack
 * expects them, as text edits on the app's own files (offsets into the text,
 * so an editor can preview and undo them, and the CLI can print a diff).
 * Each fix only adds what is missing, so applying it twice changes nothing.
 * Where the right edit cannot be proved, the finding is returned as
 * unfixable with the reason, never guessed at.
 */
export interface TextEdit { start: number; end: number; text: string }

export interface Fix {
  file: string;
  line: number;
  stack: ConnectionFinding['stack'];
  /** One line for a quick fix title or a CLI summary. */
  title: string;
  missing: string[];
  edits: TextEdit[];
}

export interface Unfixable { file: string; line: number; stack: ConnectionFinding['stack']; missing: string[]; why: string }

export interface StackVersions {
  /** [major, minor] of Django from the project's requirements or lock file. */
  django?: [number, number];
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

const lineStart = (text: string, at: number) => text.lastIndexOf('\n', at - 1) + 1;
const indentAt = (text: string, at: number) => /^[ \t]*/.exec(text.slice(lineStart(text, at)))![0];
const sql = (missing: readonly Recommended[]) => missing.map((r) => `PRAGMA ${r.name}=${r.value};`).join(' ');

/** The fix for one finding in `text` (the finding's file), or why there is none. */
export function planFix(finding: ConnectionFinding, text: string, versions: StackVersions = {}): Fix | Unfixable | undefined {
  const missing = missingSettings(finding.pragmas, finding.defaults);
  if (!missing.length) return undefined;
  const base = { file: finding.file, line: finding.line, stack: finding.stack, missing: missing.map((m) => `${m.name}=${m.value}`) };
  const result = PLANNERS[finding.stack](finding, text, missing, versions);
  return typeof result === 'string' ? { ...base, why: result } : { ...base, ...result };
}

type Planner = (f: ConnectionFinding, text: string, missing: Recommended[], v: StackVersions) => { title: string; edits: TextEdit[] } | string;

const PLANNERS: Record<ConnectionFinding['stack'], Planner> = {
  django: planDjango,
  node: planNode,
  go: planGo,
  rails: planRails,
};

/** Offset of the start of a 1-based line. */
function offsetOfLine(text: string, line: number): number {
  let at = 0;
  for (let i = 1; i < line && at >= 0; i++) at = text.indexOf('\n', at) + 1;
  return Math.max(0, at);
}

/** The {...} entry around `at` (a DATABASES entry is small: the search is bounded). */
function enclosingDict(text: string, at: number): { start: number; end: number } | undefined {
  let depth = 0;
  let start = -1;
  for (let i = at; i >= Math.max(0, at - 8192); i--) {
    const c = text[i];
    if (c === '}') depth++;
    else if (c === '{') { if (depth === 0) { start = i; break; } depth--; }
  }
  if (start < 0) return undefined;
  depth = 0;
  for (let i = start; i < Math.min(text.length, start + 16384); i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return { start, end: i };
  }
  return undefined;
}

/**
 * Django 5.1+: OPTIONS with init_command (the pragmas), transaction_mode
 * IMMEDIATE and timeout in seconds, inside the DATABASES entry. Older or
 * unknown Django: a connection_created receiver guarded by the vendor, at
 * the end of settings.py (the way the "SQLite in production" advice shows).
 */
function planDjango(f: ConnectionFinding, text: string, missing: Recommended[], v: StackVersions): { title: string; edits: TextEdit[] } | string {
  if (f.databaseExpr.startsWith('sqlite://')) return 'the database comes from a DATABASE_URL, which cannot carry init_command: add OPTIONS in settings.py';
  const modern = v.django !== undefined && (v.django[0] > 5 || (v.django[0] === 5 && v.django[1] >= 1));
  if (!modern) {
    const body = missing.map((m) => `            cursor.execute("PRAGMA ${m.name}=${m.value};")`).join('\n');
    const code = `\n\n# SQLite per-connection settings for production (added by SQLite Doctor).\n# Django ${v.django ? `${v.django.join('.')} has` : 'before 5.1 has'} no OPTIONS.init_command; this runs on every new connection.\nfrom django.db.backends.signals import connection_created\n\n\ndef _sqlite_connection_settings(sender, connection, **kwargs):\n    if connection.vendor == "sqlite":\n        with connection.cursor() as cursor:\n${body}\n\n\nconnection_created.connect(_sqlite_connection_settings)\n`;
    return { title: `Set ${missing.map((m) => m.name).join(', ')} on every Django connection (connection_created receiver)`, edits: [{ start: text.replace(/\s+$/, '').length, end: text.length, text: code }] };
  }
  const engineAt = text.indexOf('django.db.backends.sqlite3', offsetOfLine(text, f.line));
  const entry = engineAt >= 0 ? enclosingDict(text, engineAt) : undefined;
  if (!entry) return 'the DATABASES entry could not be delimited';
  const body = text.slice(entry.start, entry.end);
  const options = /["']OPTIONS["']\s*:\s*\{/.exec(body);
  if (/["']init_command["']/.test(body)) {
    // Add to a single literal init_command; anything more complex is the app's to edit.
    const lit = /(["']init_command["']\s*:\s*)(["'])([^"'\n]*)\2/.exec(body);
    if (!lit) return 'init_command is not a single string literal; add the pragmas to it by hand';
    const at = entry.start + lit.index + lit[1]!.length;
    const joined = `${lit[3]!.trim().replace(/;?$/, ';')} ${sql(missing)}`.trim();
    return { title: `Add ${missing.map((m) => m.name).join(', ')} to OPTIONS.init_command`, edits: [{ start: at, end: at + lit[0].length - lit[1]!.length, text: JSON.stringify(joined) }] };
  }
  const indent = indentAt(text, engineAt);
  // A new init_command states the whole recommended set: explicit beats relying on Django's and Python's defaults.
  const extra = (inner: string) => [
    `${inner}"init_command": ${JSON.stringify(sql(RECOMMENDED))},`,
    ...(/["']transaction_mode["']/.test(body) ? [] : [`${inner}"transaction_mode": "IMMEDIATE",`]),
    ...(/["']timeout["']/.test(body) ? [] : [`${inner}"timeout": 5,  # seconds`]),
  ];
  if (options) {
    const at = entry.start + options.index + options[0].length;
    return { title: 'Add init_command and transaction_mode to OPTIONS', edits: [{ start: at, end: at, text: `\n${extra(`${indent}    `).join('\n')}` }] };
  }
  // Before the entry's closing brace, after its last value.
  const beforeClose = text.slice(0, entry.end).replace(/\s+$/, '');
  const comma = beforeClose.endsWith(',') || beforeClose.endsWith('{') ? '' : ',';
  return {
    title: 'Add OPTIONS (init_command with the recommended pragmas, transaction_mode IMMEDIATE, timeout)',
    edits: [{ start: beforeClose.length, end: beforeClose.length, text: `${comma}\n${indent}"OPTIONS": {\n${extra(`${indent}    `).join('\n')}\n${indent}},` }],
  };
}

/** Node: pragma calls right after the statement that opens the database, in the module's own API. */
function planNode(f: ConnectionFinding, text: string, missing: Recommended[]): { title: string; edits: TextEdit[] } | string {
  const from = offsetOfLine(text, f.line);
  const m = /(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*new\s+(?:sqlite\.)?(Database|DatabaseSync)\s*\(/.exec(text.slice(from));
  if (!m) return 'the database is not assigned to a variable on this line (const db = new Database(…)), so there is nowhere to call .pragma()';
  const open = from + m.index + m[0].length;
  let depth = 1;
  let i = open;
  for (; i < text.length && depth > 0; i++) if (text[i] === '(') depth++; else if (text[i] === ')') depth--;
  const eol = text.indexOf('\n', i);
  const end = eol < 0 ? text.length : eol;
  const indent = indentAt(text, from + m.index);
  const variable = m[1]!;
  const better = f.notes.includes('better-sqlite3');
  const lines = better
    ? missing.map((r) => `${indent}${variable}.pragma('${r.name} = ${r.value}');`)
    : [`${indent}${variable}.exec(${JSON.stringify(sql(missing))});`];
  return { title: `Set ${missing.map((r) => r.name).join(', ')} after opening the database`, edits: [{ start: end, end, text: `\n${lines.join('\n')}` }] };
}

/** Go: DSN parameters in the driver's own spelling (mattn/go-sqlite3 "sqlite3", modernc.org/sqlite "sqlite"). */
function planGo(f: ConnectionFinding, text: string, missing: Recommended[]): { title: string; edits: TextEdit[] } | string {
  const from = offsetOfLine(text, f.line);
  const m = /sql\.Open\(\s*"(sqlite3?|libsql)"\s*,\s*(?:"([^"]*)"|`([^`]*)`)/.exec(text.slice(from));
  if (!m) return 'the sql.Open call could not be found again';
  const mattn = m[1] === 'sqlite3';
  const value = (r: Recommended) => (r.name === 'foreign_keys' ? '1' : r.value);
  const params = missing.map((r) => (mattn ? `_${r.name}=${value(r)}` : `_pragma=${r.name}(${value(r)})`));
  const dsn = m[2] ?? m[3] ?? '';
  const dsnStart = from + m.index + m[0].length - 1 - dsn.length;
  const joined = `${dsn}${dsn.includes('?') ? '&' : '?'}${params.join('&')}`;
  return { title: `Add ${missing.map((r) => r.name).join(', ')} to the DSN`, edits: [{ start: dsnStart, end: dsnStart + dsn.length, text: joined }] };
}

/**
 * Rails: timeout (milliseconds) in database.yml; Rails 7.1+ already sets
 * journal_mode=WAL, synchronous=NORMAL and foreign_keys=ON (Rails 8 also
 * mmap_size, journal_size_limit, cache_size and IMMEDIATE transactions), so
 * only what is still missing is added, under `pragmas:`.
 */
function planRails(f: ConnectionFinding, text: string, missing: Recommended[]): { title: string; edits: TextEdit[] } | string {
  const env = f.databaseExpr.split(':')[0]!;
  const envAt = new RegExp(`^${env}:[^\\n]*\\n`, 'm').exec(text);
  if (!envAt) return `the ${env}: entry could not be found`;
  const pragmaOnly = missing.filter((r) => r.name !== 'busy_timeout');
  if (pragmaOnly.length && !f.notes.some((n) => /Rails (7\.[1-9]|[89]|\d\d)/.test(n))) {
    return `Rails before 7.1 (or of unknown version) has no database.yml pragmas: set ${pragmaOnly.map((r) => r.name).join(', ')} in an initializer, or upgrade`;
  }
  if (pragmaOnly.length && Object.keys(f.pragmas).length) return `the ${env}: entry already has pragmas:; add ${pragmaOnly.map((r) => r.name).join(', ')} to it by hand`;
  const next = /^([ \t]+)\S/m.exec(text.slice(envAt.index + envAt[0].length));
  const ind = next?.[1] ?? '  ';
  const lines = [
    ...(missing.some((r) => r.name === 'busy_timeout') ? [`${ind}timeout: 5000`] : []),
    ...(pragmaOnly.length ? [`${ind}pragmas:`, ...pragmaOnly.map((r) => `${ind}${ind}${r.name}: ${r.value.toLowerCase()}`)] : []),
  ];
  const at = envAt.index + envAt[0].length;
  return { title: `Add ${missing.map((r) => r.name).join(', ')} to ${env}: in database.yml`, edits: [{ start: at, end: at, text: `${lines.join('\n')}\n` }] };
}

/** Django's version from requirements*.txt, pyproject.toml, poetry.lock, uv.lock or Pipfile.lock text. */
export function djangoVersionFrom(files: { name: string; text: string }[]): [number, number] | undefined {
  for (const { name, text } of files) {
    const m = /\.lock$/.test(name) && name !== 'Pipfile.lock'
      ? /name\s*=\s*"django"\s*\n\s*version\s*=\s*"(\d+)\.(\d+)/i.exec(text)
      : name === 'Pipfile.lock'
        ? /"django"\s*:\s*\{[^}]*"version"\s*:\s*"==(\d+)\.(\d+)/i.exec(text)
        : /^\s*["']?django\s*(?:==|~=|>=)\s*(\d+)\.(\d+)/im.exec(text);
    if (m) return [Number(m[1]), Number(m[2])];
  }
  return undefined;
}

/** Every fix for the app under `root`: the findings, each file's text, and the stack versions it can read. */
export async function planWorkspaceFixes(root: string, exclude?: readonly string[]): Promise<{ fixes: Fix[]; unfixable: Unfixable[] }> {
  const { findAppSettings } = await import('./appConfig');
  const { promises: fsp } = await import('node:fs');
  const path = await import('node:path');
  const findings = await findAppSettings(root, exclude);
  const read = (rel: string) => fsp.readFile(path.join(root, rel), 'utf8').catch(() => undefined);
  const versionFiles = await Promise.all(['requirements.txt', 'requirements/base.txt', 'requirements/production.txt', 'pyproject.toml', 'poetry.lock', 'uv.lock', 'Pipfile.lock']
    .map(async (name) => ({ name: path.basename(name), text: (await read(name)) ?? '' })));
  const versions: StackVersions = { django: djangoVersionFrom(versionFiles.filter((f) => f.text)) };
  const fixes: Fix[] = [];
  const unfixable: Unfixable[] = [];
  // A file with several findings (two databases in one settings.py) is planned against its text once per finding, in order.
  for (const f of findings.connections) {
    const text = await read(f.file);
    if (text === undefined) continue;
    // What is wrong first (a setting that silently does nothing); what is missing is planned on the
    // corrected text, in the next round (the CLI runs rounds until nothing changes; the editor re-plans on save).
    const wrong = planMisconfigFixes(f, text);
    for (const fix of wrong) if (!fixes.some((x) => x.file === fix.file && x.edits[0]!.start === fix.edits[0]!.start)) fixes.push(fix);
    if (wrong.length || fixes.some((x) => x.file === f.file && x.missing.length === 0)) continue;
    const plan = planFix(f, text, versions);
    if (!plan) continue;
    if ('why' in plan) unfixable.push(plan);
    // Two entries of one old-Django settings.py need the same receiver once.
    else if (!fixes.some((x) => x.file === plan.file && JSON.stringify(x.edits) === JSON.stringify(plan.edits))) fixes.push(plan);
  }
  return { fixes, unfixable };
}
