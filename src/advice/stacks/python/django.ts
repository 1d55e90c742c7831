import * as path from 'node:path';
import { connectionSnippets } from '../../snippets';
import { effectiveSettings, judgedFrom } from '../../facts';
import { ConnectionFinding, lineOf } from '../../findings';
import { isUnknown, literal, parsePragmaSql } from '../../pieces';
import { PlanResult, setPlanner, setSpans } from '../../planners';
import { Recommended } from '../../knowledge/recommended';
import { scopeOf } from '../../scope';
import { Node, lineOfNode } from '../../syntax/treeSitter';
import { DjangoEntry, djangoEntries } from './djangoSettings';
import { atLeast } from './djangoVersion';
import { Entry, addEntries, entryIndent, renderDict } from './pyEdits';
import { PyNames, moduleNames, resolvePy } from './pyValues';

/**
 * Django: sqlite3 DATABASES entries in any module that binds DATABASES,
 * OPTIONS (init_command, transaction_mode: 5.1+; timeout), connection_created
 * receivers, dj-database-url `sqlite://` URLs and .env DATABASE_URL. Django
 * turns foreign_keys ON itself; Python's sqlite3 waits 5 s (timeout=5.0).
 */
export interface PyFile { rel: string; text: string; tree: { rootNode: Node }; eol: string }
export interface Receiver { rel: string; line: number; pragmas: Record<string, string>; project: string }
export interface DjangoProject { root: string; version?: [number, number] }

export function analyseDjango(f: PyFile, rootAbs: string, project: DjangoProject, receivers: readonly Receiver[], receiverOwner: Map<string, ConnectionFinding>): ConnectionFinding[] {
  const names = moduleNames(f.tree.rootNode);
  const baseDir = resolveBaseDir(names, path.join(rootAbs, path.dirname(f.rel)));
  // A relative path is opened from the working directory: Django runs from its project root (manage.py), not from the settings' folder.
  const cwd = path.join(rootAbs, project.root);
  const out: ConnectionFinding[] = [];
  for (const e of djangoEntries(f.tree.rootNode, f.rel, names, f.text)) {
    const mine = receivers.filter((r) => r.project === project.root);
    for (const r of mine) {
      for (const [k, v] of Object.entries(judgedFrom(r.pragmas, `${r.rel}:${r.line}`))) if (!e.observed.set[k as keyof typeof e.observed.set]) e.observed.set[k as keyof typeof e.observed.set] = v;
    }
    const nameText = e.name?.text ?? '';
    const database = e.name ? resolveName(e.name, names, baseDir, cwd) : undefined;
    const finding: ConnectionFinding = {
      stack: 'django', driver: 'django', scope: scopeOf(f.rel, database === undefined && /:memory:/.test(nameText) ? ':memory:' : database, /(^|\/)(dev|development|local)(_settings)?\.py$/.test(f.rel) ? 'development' : 'production'),
      file: f.rel, line: lineOfNode(e.engine), databaseExpr: nameText, database,
      pragmas: { ...Object.assign({}, ...mine.map((r) => r.pragmas)), ...e.pragmas },
      settings: effectiveSettings('django', e.observed),
      notes: [
        project.version ? `Django ${project.version.join('.')} (${project.root === '.' ? 'project root' : project.root})` : 'Django version unknown (no pin found in the project root)',
        ...mine.map((r) => `connection_created receiver in ${r.rel}:${r.line} sets ${Object.keys(r.pragmas).join(', ')}`),
        ...(['init_command', 'transaction_mode'] as const).filter((k) => (k === 'init_command' ? e.initCommand : e.pragmas.transaction_mode) && project.version && !atLeast(project.version, 5, 1))
          .map((k) => `OPTIONS.${k} needs Django 5.1+: Django ${project.version!.join('.')} passes it to sqlite3.connect, which refuses it`),
      ],
    };
    setPlanner(finding, (missing) => planDjango(f, e, project, finding, missing, receiverOwner));
    setSpans(finding, [e.entry, e.options, e.initCommand?.node].filter((n): n is Node => !!n).map((n) => [n.startIndex, n.endIndex]));
    out.push(finding);
  }
  out.push(...djangoUrls(f, names, cwd));
  return out;
}

/** Functions connected to connection_created (`.connect(fn)` or `@receiver(connection_created)`), with the PRAGMAs they execute. */
export function findReceivers(f: PyFile, project: string): Receiver[] {
  const root = f.tree.rootNode;
  if (!f.text.includes('connection_created')) return [];
  const connected = new Set<string>();
  for (const n of root.descendantsOfType('call').filter((c): c is Node => !!c)) {
    if (n.type === 'call' && /connection_created\.connect$/.test(n.childForFieldName('function')?.text ?? '')) {
      const arg = n.childForFieldName('arguments')?.namedChildren[0];
      if (arg?.type === 'identifier') connected.add(arg.text);
    }
  }
  const out: Receiver[] = [];
  const names: PyNames = moduleNames(root);
  for (const n of root.descendantsOfType('function_definition')) {
    if (!n) continue;
    const decorated = n.parent?.type === 'decorated_definition' && n.parent.namedChildren.some((d) => d?.type === 'decorator' && /connection_created/.test(d.text));
    if (!decorated && !connected.has(n.childForFieldName('name')?.text ?? '')) continue;
    const pragmas: Record<string, string> = {};
    for (const c of n.descendantsOfType('call')) {
      if (!c || !/\.execute$/.test(c.childForFieldName('function')?.text ?? '')) continue;
      const arg = c.childForFieldName('arguments')?.namedChildren[0];
      if (!arg) continue;
      const text = resolvePy(arg, names).filter((p) => !isUnknown(p)).map((p) => (p as { text: string }).text).join('');
      Object.assign(pragmas, parsePragmaSql(text));
    }
    if (Object.keys(pragmas).length) out.push({ rel: f.rel, line: lineOfNode(n), pragmas, project });
  }
  return out;
}

const sql = (missing: readonly Recommended[]) => missing.map((r) => `PRAGMA ${r.name}=${r.value};`).join(' ');
const snippet = () => connectionSnippets().find((s) => s.stack.startsWith('Django'))!.code;

function planDjango(f: PyFile, e: DjangoEntry, project: DjangoProject, finding: ConnectionFinding, missing: readonly Recommended[], owners: Map<string, ConnectionFinding>): PlanResult {
  if (!atLeast(project.version, 5, 1)) return planReceiver(f, project, finding, missing, owners);
  const eol = f.eol;
  if (e.optionsExpr) return `OPTIONS is an expression (${e.optionsExpr.text}), not a dict literal: add "init_command": ${JSON.stringify(sql(missing))} where it is defined (adding a second OPTIONS key would discard it). For example:\n${snippet()}`;
  if (e.initCommand) {
    const { node, pieces } = e.initCommand;
    if (pieces.some(isUnknown)) return `init_command is computed (${node.text}): append ${JSON.stringify(sql(missing))} to it by hand`;
    const strings = node.type === 'string' ? [node] : node.descendantsOfType('string').filter((s): s is Node => !!s);
    const last = strings[strings.length - 1];
    if (!last || strings.some((s) => /^[a-zA-Z]*[fFbB]/.test(s.text))) return `init_command is not a plain string literal (${node.text}): append ${JSON.stringify(sql(missing))} to it by hand`;
    const end = last.namedChildren.find((c) => c?.type === 'string_end');
    const current = pieces.map((p) => (p as { text: string }).text).join('').trim();
    const glue = current === '' ? '' : current.endsWith(';') ? ' ' : '; ';
    if (!end) return 'init_command could not be delimited';
    return { title: `Add ${missing.map((m) => m.name).join(', ')} to OPTIONS.init_command`, edits: [{ start: end.startIndex, end: end.startIndex, text: `${glue}${sql(missing)}` }] };
  }
  // Only what is missing: a PRAGMA for a setting the app already chose would override it
  // (an init_command busy_timeout runs after OPTIONS' timeout and wins).
  const entries = (has: (k: string) => boolean): (Entry & { says: string })[] => {
    const addTimeout = !has('timeout') && missing.some((m) => m.name === 'busy_timeout');
    const pragmas = missing.filter((m) => !(addTimeout && m.name === 'busy_timeout'));
    return [
      ...(pragmas.length ? [{ key: '"init_command"', value: JSON.stringify(sql(pragmas)), says: `init_command with ${pragmas.map((m) => `${m.name}=${m.value}`).join(', ')}` }] : []),
      ...(has('transaction_mode') ? [] : [{ key: '"transaction_mode"', value: '"IMMEDIATE"', says: 'transaction_mode IMMEDIATE' }]),
      ...(addTimeout ? [{ key: '"timeout"', value: '5', comment: 'seconds', says: 'timeout 5 s' }] : []),
    ];
  };
  const says = (list: readonly (Entry & { says: string })[]) => list.map((x) => x.says).join('; ');
  if (e.options) {
    const keys = new Set(e.options.namedChildren.filter((c) => c?.type === 'pair').map((c) => c!.childForFieldName('key')?.text.replace(/^["']|["']$/g, '')));
    if (e.options.text.includes('**')) return `OPTIONS merges another dict (${e.options.text}); add "init_command": ${JSON.stringify(sql(missing))} by hand`;
    const adding = entries((k) => keys.has(k));
    return { title: `Add to OPTIONS: ${says(adding)}`, edits: addEntries(f.text, e.options, adding, eol) };
  }
  if (e.observed.allUnknown) return `the DATABASES entry merges another dict (${e.observed.allUnknown.expression}), which may hold OPTIONS: add init_command by hand`;
  const indent = entryIndent(f.text, e.entry);
  return {
    title: `Add OPTIONS (${says(entries(() => false))})`,
    edits: addEntries(f.text, e.entry, [{ key: '"OPTIONS"', value: e.entry.startPosition.row === e.entry.endPosition.row ? `{${entries(() => false).map((x) => `${x.key}: ${x.value}`).join(', ')}}` : renderDict(entries(() => false), indent, eol) }], eol),
  };
}

/**
 * Before Django 5.1 (or when the version is unknown): one connection_created
 * receiver per project, at the end of the first settings module that needs
 * it, under a name no other definition in that module uses.
 */
function planReceiver(f: PyFile, project: DjangoProject, finding: ConnectionFinding, missing: readonly Recommended[], owners: Map<string, ConnectionFinding>): PlanResult {
  const owner = owners.get(project.root);
  if (owner && owner !== finding) return `the project's connection_created receiver (planned in ${owner.file}) covers this connection too`;
  owners.set(project.root, finding);
  const taken = new Set(f.tree.rootNode.namedChildren.map((c) => (c?.type === 'function_definition' ? c.childForFieldName('name')?.text : c?.type === 'decorated_definition' ? c.childForFieldName('definition')?.childForFieldName('name')?.text : undefined)));
  let name = '_sqlite_connection_settings';
  for (let i = 2; taken.has(name) || f.text.includes(name); i++) name = `_sqlite_connection_settings_${i}`;
  const eol = f.eol;
  const body = missing.map((m) => `            cursor.execute("PRAGMA ${m.name}=${m.value};")`).join(eol);
  const lines = [
    '', '', '# SQLite per-connection settings for production (added by SQLite Doctor).',
    `# Django ${project.version ? `${project.version.join('.')} has` : 'before 5.1 has'} no OPTIONS.init_command; this runs on every new connection.`,
    'from django.db.backends.signals import connection_created', '', '',
    `def ${name}(sender, connection, **kwargs):`, '    if connection.vendor == "sqlite":', '        with connection.cursor() as cursor:', body, '', '',
    `connection_created.connect(${name})`, '',
  ];
  const trimmed = f.text.replace(/\s+$/, '').length;
  return { title: `Set ${missing.map((m) => m.name).join(', ')} on every Django connection (connection_created receiver)`, edits: [{ start: trimmed, end: f.text.length, text: lines.join(eol) }] };
}

function djangoUrls(f: PyFile, names: PyNames, cwd: string): ConnectionFinding[] {
  const out: ConnectionFinding[] = [];
  for (const c of f.tree.rootNode.descendantsOfType('call')) {
    if (!c || !/dj_database_url\.(config|parse)$/.test(c.childForFieldName('function')?.text ?? '')) continue;
    for (const a of c.childForFieldName('arguments')?.namedChildren ?? []) {
      const v = a?.type === 'keyword_argument' ? a.childForFieldName('value') : a;
      const url = v ? resolvePy(v, names) : [];
      const text = literal(url);
      if (text?.startsWith('sqlite://')) out.push(fromUrl(text, f.rel, lineOfNode(c), cwd));
    }
  }
  return out;
}

/** `DATABASE_URL=sqlite:///db.sqlite3` in .env files (relative to the project root): a line format, not code. */
export function parseEnvFile(text: string, rel: string, root: string): ConnectionFinding[] {
  const out: ConnectionFinding[] = [];
  for (const m of text.matchAll(/^\s*(?:export\s+)?DATABASE_URL\s*=\s*["']?(sqlite:\/\/[^"'\s]*)/gm)) {
    out.push(fromUrl(m[1]!, rel, lineOf(text, m.index!), path.join(root, path.dirname(rel))));
  }
  return out;
}

function fromUrl(url: string, rel: string, line: number, baseDir: string): ConnectionFinding {
  // sqlite:///relative/path and sqlite:////absolute/path (dj-database-url)
  const p = url.replace(/^sqlite:\/\//, '');
  const file = p.startsWith('//') ? p.slice(1) : p.replace(/^\//, '');
  const finding: ConnectionFinding = {
    stack: 'django', driver: 'django', scope: scopeOf(rel, file || ':memory:'), file: rel, line, databaseExpr: url,
    database: file && file !== ':memory:' ? path.resolve(baseDir, file) : undefined,
    pragmas: {}, settings: effectiveSettings('django', { set: {}, unknown: {} }),
    notes: ['a DATABASE_URL cannot carry init_command: set OPTIONS in settings.py'],
  };
  setPlanner(finding, () => 'the database comes from a DATABASE_URL, which cannot carry init_command: add OPTIONS in settings.py');
  return finding;
}

/** BASE_DIR = Path(__file__).resolve().parent.parent, or os.path.dirname(...) nested. */
function resolveBaseDir(names: PyNames, fileDir: string): string | undefined {
  const def = names.get('BASE_DIR');
  const text = def?.length === 1 ? def[0]!.text : undefined;
  if (!text || !text.includes('__file__')) return undefined;
  const ups = (text.match(/\.parent\b/g)?.length ?? 0) + (text.match(/\.parents\[(\d+)\]/)?.[1] ? Number(text.match(/\.parents\[(\d+)\]/)![1]) + 1 : 0) + (text.match(/dirname\(/g)?.length ?? 0);
  if (ups === 0) return undefined;
  return path.resolve(fileDir, ...Array(ups - 1).fill('..'));
}

/** NAME as a path: a literal, `BASE_DIR / "x"`, `os.path.join(BASE_DIR, "x")`, str(...) of either. */
function resolveName(node: Node, names: PyNames, baseDir: string | undefined, cwd: string): string | undefined {
  let n = node;
  if (n.type === 'call' && n.childForFieldName('function')?.text === 'str') n = n.childForFieldName('arguments')?.namedChildren[0] ?? n;
  const whole = resolvePy(n, names);
  if (whole.length && whole.every((p) => !isUnknown(p))) {
    const s = whole.map((p) => (p as { text: string }).text).join('');
    return s === ':memory:' ? undefined : path.resolve(cwd, s);
  }
  const parts: string[] = [];
  if (n.type === 'binary_operator' && n.childForFieldName('operator')?.text === '/') {
    let cur: Node | null = n;
    while (cur?.type === 'binary_operator') { parts.unshift(cur.childForFieldName('right')!.text); cur = cur.childForFieldName('left'); }
    if (cur?.text !== 'BASE_DIR') return undefined;
  } else if (n.type === 'call' && /os\.path\.join$/.test(n.childForFieldName('function')?.text ?? '')) {
    const args = n.childForFieldName('arguments')?.namedChildren ?? [];
    if (args[0]?.text !== 'BASE_DIR') return undefined;
    parts.push(...args.slice(1).map((a) => a!.text));
  } else return undefined;
  const strings = parts.map((p) => /^["']([^"']*)["']$/.exec(p)?.[1]);
  if (!baseDir || strings.some((s) => s === undefined)) return undefined;
  return path.join(baseDir, ...(strings as string[]));
}
