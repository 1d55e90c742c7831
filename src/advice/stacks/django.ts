import * as path from 'node:path';
import { ConnectionFinding, lineOf, parsePragmas } from '../findings';

/**
 * Django: DATABASES entries with the sqlite3 engine in settings modules —
 * NAME, OPTIONS.init_command (Django 5.1+), transaction_mode, timeout — and
 * dj-database-url style `sqlite:///` URLs. Django itself always turns
 * foreign_keys ON for SQLite, and Python's sqlite3 waits 5 s on a lock
 * (timeout=5.0) unless OPTIONS.timeout says otherwise.
 */
export function isDjangoSettings(rel: string): boolean {
  return /(^|\/)settings(\/[^/]+|[^/]*)\.py$/.test(rel);
}

export function parseDjangoSettings(text: string, rel: string, root: string): ConnectionFinding[] {
  const out: ConnectionFinding[] = [];
  const fileDir = path.join(root, path.dirname(rel));
  const baseDir = resolveBaseDir(text, fileDir);
  for (const m of text.matchAll(/["']ENGINE["']\s*:\s*["']django\.db\.backends\.sqlite3["']/g)) {
    const block = enclosingBraces(text, m.index!);
    if (!block) continue;
    const body = text.slice(block.start, block.end);
    const name = expressionAfter(body, /["']NAME["']\s*:/) ?? '';
    const init = stringAfter(body, /["']init_command["']\s*:/);
    const transactionMode = stringAfter(body, /["']transaction_mode["']\s*:/);
    const timeout = /["']timeout["']\s*:\s*(\d+(?:\.\d+)?)/.exec(body)?.[1];
    const pragmas = init ? parsePragmas(init) : {};
    if (transactionMode) pragmas['transaction_mode'] = transactionMode.toUpperCase();
    out.push({
      stack: 'django',
      file: rel,
      line: lineOf(text, m.index!),
      databaseExpr: name,
      database: resolveName(name, baseDir),
      pragmas,
      defaults: {
        foreign_keys: 'ON (Django enables it on every SQLite connection)',
        busy_timeout: timeout ? `${Math.round(Number(timeout) * 1000)} (OPTIONS.timeout)` : '5000 (Python sqlite3 timeout=5.0)',
      },
      notes: init ? [] : ['no OPTIONS.init_command: journal_mode and synchronous are left to the file and SQLite defaults'],
    });
  }
  for (const m of text.matchAll(/dj_database_url\.(?:config|parse)\([^)]{0,400}?["'](sqlite:\/\/[^"']{0,400})["']/g)) {
    out.push(fromUrl(m[1]!, rel, lineOf(text, m.index!), root));
  }
  return out;
}

/** `DATABASE_URL=sqlite:///db.sqlite3` in .env files (relative to the project root). */
export function parseEnvFile(text: string, rel: string, root: string): ConnectionFinding[] {
  const out: ConnectionFinding[] = [];
  for (const m of text.matchAll(/^\s*(?:export\s+)?DATABASE_URL\s*=\s*["']?(sqlite:\/\/[^"'\s]*)/gm)) {
    out.push(fromUrl(m[1]!, rel, lineOf(text, m.index!), path.join(root, path.dirname(rel))));
  }
  return out;
}

/** Pragmas executed from a connection_created signal handler (the pre-5.1 way). */
export function parseDjangoSignal(text: string): { line: number; pragmas: Record<string, string> } | undefined {
  const at = text.indexOf('connection_created');
  if (at < 0) return undefined;
  const pragmas = parsePragmas(text);
  return Object.keys(pragmas).length ? { line: lineOf(text, at), pragmas } : undefined;
}

function fromUrl(url: string, rel: string, line: number, baseDir: string): ConnectionFinding {
  // sqlite:///relative/path and sqlite:////absolute/path (dj-database-url)
  const p = url.replace(/^sqlite:\/\//, '');
  const file = p.startsWith('//') ? p.slice(1) : p.replace(/^\//, '');
  return {
    stack: 'django',
    file: rel,
    line,
    databaseExpr: url,
    database: file && file !== ':memory:' ? path.resolve(baseDir, file) : undefined,
    pragmas: {},
    defaults: { foreign_keys: 'ON (Django enables it on every SQLite connection)', busy_timeout: '5000 (Python sqlite3 timeout=5.0)' },
    notes: ['a DATABASE_URL cannot carry init_command: set OPTIONS in settings.py'],
  };
}

/** BASE_DIR = Path(__file__).resolve().parent.parent, or os.path.dirname(...) nested. */
function resolveBaseDir(text: string, fileDir: string): string | undefined {
  const def = /^BASE_DIR\s*=\s*(.+)$/m.exec(text)?.[1];
  if (!def || !def.includes('__file__')) return undefined;
  const ups = (def.match(/\.parent\b/g)?.length ?? 0) + (def.match(/dirname\(/g)?.length ?? 0);
  if (ups === 0) return undefined;
  return path.resolve(fileDir, ...Array(ups - 1).fill('..'));
}

function resolveName(expr: string, baseDir: string | undefined): string | undefined {
  const parts = [...expr.matchAll(/["']([^"']+)["']/g)].map((m) => m[1]!);
  if (!parts.length) return undefined;
  if (/^BASE_DIR\s*\//.test(expr) || /os\.path\.join\(\s*BASE_DIR/.test(expr)) return baseDir ? path.join(baseDir, ...parts) : undefined;
  if (/^["']/.test(expr) && parts.length === 1) return path.isAbsolute(parts[0]!) ? parts[0] : baseDir ? path.join(baseDir, parts[0]!) : undefined;
  return undefined;
}

/**
 * A DATABASES entry is a few hundred characters: the search for its braces
 * stops this far from the match, so a crafted file with thousands of
 * matches in one huge dict stays linear.
 */
const MAX_ENTRY_CHARS = 8192;

/** The {...} around an offset, by brace depth (strings are rare enough in settings to ignore). */
function enclosingBraces(text: string, at: number): { start: number; end: number } | undefined {
  let depth = 0;
  let start = -1;
  for (let i = at; i >= Math.max(0, at - MAX_ENTRY_CHARS); i--) {
    if (text[i] === '}') depth++;
    else if (text[i] === '{') {
      if (depth === 0) { start = i; break; }
      depth--;
    }
  }
  if (start < 0) return undefined;
  depth = 0;
  for (let i = start; i < Math.min(text.length, start + 2 * MAX_ENTRY_CHARS); i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return { start, end: i + 1 };
  }
  return undefined;
}

/** The Python expression after a key, up to the comma or brace that ends it at bracket depth 0. */
function expressionAfter(body: string, key: RegExp): string | undefined {
  const m = key.exec(body);
  if (!m) return undefined;
  let depth = 0;
  let quote = '';
  const start = m.index + m[0].length;
  for (let i = start; i < body.length; i++) {
    const c = body[i]!;
    if (quote) { if (c === quote) quote = ''; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') { if (depth-- === 0) return body.slice(start, i).trim(); }
    else if ((c === ',' || c === '\n') && depth === 0) return body.slice(start, i).trim();
  }
  return body.slice(start).trim();
}

/** The Python string value after a key: one literal or adjacent literals, optionally in parentheses. */
function stringAfter(body: string, key: RegExp): string | undefined {
  const m = key.exec(body);
  if (!m) return undefined;
  const rest = body.slice(m.index + m[0].length);
  const lit = /^\s*\(?((?:\s*[rRuU]?(?:"[^"\n]*"|'[^'\n]*'))+)/.exec(rest);
  if (!lit) return undefined;
  return [...lit[1]!.matchAll(/"([^"\n]*)"|'([^'\n]*)'/g)].map((x) => x[1] ?? x[2]).join('');
}
