import * as path from 'node:path';
import { effectiveSettings, judgedFrom, normalise, Observed } from '../../facts';
import { ConnectionFinding, SETTING_NAMES, SettingName } from '../../findings';
import { describe, isUnknown, literal, parsePragmaSql } from '../../pieces';
import { PlanResult, setPlanner } from '../../planners';
import { Recommended } from '../../knowledge/recommended';
import { scopeOf } from '../../scope';
import { conditionOf } from '../../syntax/conditions';
import { Node, lineOfNode } from '../../syntax/treeSitter';
import type { PyFile } from './django';
import { afterStatement, indentOf } from './pyEdits';
import { PyNames, moduleNames, resolvePy } from './pyValues';

/**
 * Plain Python: `sqlite3.connect(file, timeout=…)` with `.execute("PRAGMA …")`
 * on the same connection, and SQLAlchemy `create_engine("sqlite:///…",
 * connect_args={…})` with `event.listens_for(engine, "connect")` handlers.
 */
export function analysePython(f: PyFile, rootAbs: string): ConnectionFinding[] {
  if (!/sqlite3|create_engine|create_async_engine/.test(f.text)) return [];
  const names = moduleNames(f.tree.rootNode);
  const out: ConnectionFinding[] = [];
  const listeners = connectListeners(f.tree.rootNode, names, f.rel);
  for (const call of f.tree.rootNode.descendantsOfType('call')) {
    const fn = call?.childForFieldName('function')?.text ?? '';
    if (!call) continue;
    if (fn === 'sqlite3.connect') out.push(plain(f, call, names, rootAbs));
    else if (/(^|\.)create(_async)?_engine$/.test(fn)) {
      const e = engine(f, call, names, rootAbs, listeners);
      if (e) out.push(e);
    }
  }
  return out;
}

const kwargs = (call: Node) => new Map((call.childForFieldName('arguments')?.namedChildren ?? []).filter((a) => a?.type === 'keyword_argument').map((a) => [a!.childForFieldName('name')!.text, a!.childForFieldName('value')!]));

function timeoutInto(o: Observed, v: Node | undefined, rel: string): void {
  if (!v) return;
  const seconds = v.type === 'integer' || v.type === 'float' ? Number(v.text) : NaN;
  if (Number.isFinite(seconds)) o.set.busy_timeout = { value: normalise('busy_timeout', String(Math.round(seconds * 1000)))!, at: `${rel}:${lineOfNode(v)}` };
  else o.unknown.busy_timeout = { expression: v.text, at: `${rel}:${lineOfNode(v)}` };
}

export interface FoundPragmas { pragmas: Record<string, string>; at: Map<string, string>; conditional: Map<string, string> }

/** PRAGMAs executed in `scope` on `receiver` (any receiver when undefined): each with its line, and the condition it runs under. */
function pragmasIn(scope: Node, receiver: string | undefined, names: PyNames, rel: string): FoundPragmas {
  const out: FoundPragmas = { pragmas: {}, at: new Map(), conditional: new Map() };
  for (const c of scope.descendantsOfType('call')) {
    const fn = c?.childForFieldName('function');
    if (!c || fn?.type !== 'attribute' || !/^(execute|executescript)$/.test(fn.childForFieldName('attribute')?.text ?? '')) continue;
    const obj = fn.childForFieldName('object')?.text ?? '';
    if (receiver !== undefined && obj !== receiver && !obj.startsWith(`${receiver}.`)) continue;
    const arg = c.childForFieldName('arguments')?.namedChildren[0];
    const text = arg ? resolvePy(arg, names).filter((p) => !isUnknown(p)).map((p) => (p as { text: string }).text).join('') : '';
    const condition = conditionOf(c, scope);
    for (const [k, v] of Object.entries(parsePragmaSql(text))) {
      if (condition) { out.conditional.set(k, condition); continue; }
      out.pragmas[k] = v;
      out.at.set(k, `${rel}:${lineOfNode(c)}`);
    }
  }
  return out;
}

/** What found pragmas say: set where they always run, unknown where a condition decides. */
export function observe(o: Observed, found: FoundPragmas): void {
  Object.assign(o.set, judgedFrom(found.pragmas, (name) => found.at.get(name)!));
  for (const [k, cond] of found.conditional) if ((SETTING_NAMES as readonly string[]).includes(k) && !o.set[k as SettingName]) o.unknown[k as SettingName] = { expression: cond };
}

/** The class around a function, or the function, or the module: where code about one engine lives. */
function enclosingDefinition(n: Node): Node {
  let s: Node = enclosingScope(n);
  for (let p = s.parent; p; p = p.parent) if (p.type === 'class_definition') { s = p; break; }
  return s;
}

/** A name assigned exactly once in the function, before `at`: its value (`uri = "file:{}?mode=memory".format(name)`). */
function localValue(n: Node, at: Node): Node | undefined {
  if (n.type !== 'identifier') return undefined;
  const values = enclosingScope(at).descendantsOfType('assignment').filter((a) => a && a.startIndex < at.startIndex && a.childForFieldName('left')?.text === n.text);
  return values.length === 1 ? values[0]!.childForFieldName('right') ?? undefined : undefined;
}

function enclosingScope(n: Node): Node {
  let s: Node = n;
  while (s.parent && s.type !== 'function_definition' && s.type !== 'module') s = s.parent;
  return s;
}

function plain(f: PyFile, call: Node, names: PyNames, rootAbs: string): ConnectionFinding {
  const arg = call.childForFieldName('arguments')?.namedChildren[0];
  const pieces = arg && arg.type !== 'keyword_argument' ? resolvePy(localValue(arg, call) ?? arg, names) : [];
  const file = literal(pieces);
  const assign = call.parent?.type === 'assignment' ? call.parent : undefined;
  const receiver = assign?.childForFieldName('left')?.type === 'identifier' ? assign.childForFieldName('left')!.text : undefined;
  const observed: Observed = { set: {}, unknown: {} };
  const found = receiver ? pragmasIn(enclosingScope(call), receiver, names, f.rel) : { pragmas: {}, at: new Map(), conditional: new Map() };
  observe(observed, found);
  timeoutInto(observed, kwargs(call).get('timeout'), f.rel);
  const finding: ConnectionFinding = {
    stack: 'python', driver: 'python-sqlite3', scope: scopeOf(f.rel, file ?? describe(pieces)), file: f.rel, line: lineOfNode(call),
    databaseExpr: file ?? arg?.text ?? '', database: file && file !== ':memory:' ? path.resolve(rootAbs, path.dirname(f.rel), file) : undefined,
    pragmas: found.pragmas, settings: effectiveSettings('python-sqlite3', observed), notes: ['python sqlite3'],
  };
  setPlanner(finding, (missing) => planPlain(f, assign?.parent ?? undefined, receiver, missing));
  return finding;
}

function planPlain(f: PyFile, statement: Node | undefined, receiver: string | undefined, missing: readonly Recommended[]): PlanResult {
  const sql = missing.map((r) => `PRAGMA ${r.name}=${r.value};`).join(' ');
  if (!statement || statement.type !== 'expression_statement' || !receiver || !/^(block|module)$/.test(statement.parent?.type ?? '')) {
    return `the connection is not assigned to a name in a block: run ${JSON.stringify(sql)} on it after connecting`;
  }
  const indent = indentOf(f.text, statement.startIndex);
  const at = afterStatement(f.text, statement);
  if (at === undefined) return `the connection's statement shares its line: run ${JSON.stringify(sql)} after it by hand`;
  return { title: `Set ${missing.map((r) => r.name).join(', ')} after connecting`, edits: [{ start: at, end: at, text: `${f.eol}${indent}${receiver}.executescript(${JSON.stringify(sql)})` }] };
}

/**
 * SQLAlchemy: a "connect" listener right after the statement that creates the
 * engine, in the same block, under a name the module does not use yet: pools
 * open connections themselves, and every one runs it.
 */
function planEngine(f: PyFile, statement: Node | undefined, engineName: string | undefined, asyncEngine: boolean, missing: readonly Recommended[]): PlanResult {
  const pragmas = missing.map((m) => `PRAGMA ${m.name}=${m.value}`);
  if (!statement || statement.type !== 'expression_statement' || !engineName || !/^[A-Za-z_][\w.]*$/.test(engineName) || !/^(block|module)$/.test(statement.parent?.type ?? '')) {
    return `the engine is not assigned to a name in a block: add an event.listens_for(engine, "connect") handler that runs ${pragmas.join('; ')}`;
  }
  const text = f.text;
  const indent = indentOf(text, statement.startIndex);
  const at = afterStatement(text, statement);
  if (at === undefined) return `the engine's statement shares its line: add the connect listener after it by hand`;
  let name = '_sqlite_connection_settings';
  for (let i = 2; text.includes(name); i++) name = `_sqlite_connection_settings_${i}`;
  const lines = [
    '', `from sqlalchemy import event as _sqlalchemy_event  # added by SQLite Doctor`, '', '',
    `@_sqlalchemy_event.listens_for(${engineName}${asyncEngine ? '.sync_engine' : ''}, "connect")`,
    `def ${name}(dbapi_connection, connection_record):`,
    '    cursor = dbapi_connection.cursor()',
    ...pragmas.map((p) => `    cursor.execute("${p}")`),
    '    cursor.close()',
  ];
  return { title: `Set ${missing.map((m) => m.name).join(', ')} on every pooled connection (a connect listener)`, edits: [{ start: at, end: at, text: lines.map((l) => (l ? `${f.eol}${indent}${l}` : f.eol)).join('') }] };
}

/** Functions registered for "connect" events: `@event.listens_for(target, "connect")` or `event.listen(target, "connect", fn)`, by target text. */
function connectListeners(root: Node, names: PyNames, rel: string): { target: string; found: FoundPragmas }[] {
  const out: { target: string; found: FoundPragmas }[] = [];
  const fns = new Map(root.descendantsOfType('function_definition').filter((d): d is Node => !!d).map((d) => [d.childForFieldName('name')!.text, d]));
  for (const call of root.descendantsOfType('call')) {
    const fn = call?.childForFieldName('function')?.text ?? '';
    const args = call?.childForFieldName('arguments')?.namedChildren ?? [];
    if (!call || !/(^|\.)(listens_for|listen)$/.test(fn) || !/["']connect["']/.test(args[1]?.text ?? '')) continue;
    const handler = fn.endsWith('listens_for') ? (call.parent?.type === 'decorator' ? call.parent.parent?.childForFieldName('definition') : undefined) : fns.get((args[2]?.text ?? '').replace(/^self\./, ''));
    if (!handler) continue;
    out.push({ target: args[0]!.text, found: pragmasIn(handler, undefined, names, rel) });
  }
  return out;
}

function engine(f: PyFile, call: Node, names: PyNames, rootAbs: string, listeners: ReturnType<typeof connectListeners>): ConnectionFinding | undefined {
  const arg = call.childForFieldName('arguments')?.namedChildren[0];
  if (!arg || arg.type === 'keyword_argument') return undefined;
  const pieces = resolvePy(arg, names);
  const head = pieces[0] && !isUnknown(pieces[0]) ? pieces[0].text : '';
  // A URL computed at run time is SQLite's when the code around it is about SQLite (a class AioSqliteConfiguration, `if "sqlite" in url`).
  const computed = head === '' && /sqlite/i.test(enclosingDefinition(call).text);
  if (!/^sqlite(\+\w+)?:\/\//.test(head) && !computed) return undefined;
  const url = literal(pieces);
  const file = url?.replace(/^sqlite(\+\w+)?:\/\/\/?/, '').replace(/\?.*$/, '');
  const assign = call.parent?.type === 'assignment' ? call.parent.childForFieldName('left')?.text : undefined;
  const observed: Observed = { set: {}, unknown: {} };
  // pysqlite passes URL query arguments to sqlite3.connect: a computed URL may carry timeout.
  if (url === undefined && pieces.some(isUnknown)) observed.unknown.busy_timeout = { expression: arg.text, at: `${f.rel}:${lineOfNode(arg)}` };
  const mine = listeners.filter((l) => l.target === assign || l.target.startsWith(`${assign}.`) || /(^|\.)Engine$/.test(l.target));
  for (const l of mine) observe(observed, l.found);
  const ca = call.childForFieldName('arguments')?.namedChildren.find((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'connect_args')?.childForFieldName('value');
  if (ca?.type === 'dictionary') {
    for (const p of ca.namedChildren) if (p?.type === 'pair' && /^["']timeout["']$/.test(p.childForFieldName('key')?.text ?? '')) timeoutInto(observed, p.childForFieldName('value') ?? undefined, f.rel);
  } else if (ca) observed.unknown.busy_timeout = { expression: ca.text, at: `${f.rel}:${lineOfNode(ca)}` };
  const finding: ConnectionFinding = {
    stack: 'python', driver: 'sqlalchemy', scope: scopeOf(f.rel, url === undefined ? undefined : file || ':memory:'), file: f.rel, line: lineOfNode(call),
    databaseExpr: url ?? describe(pieces), database: file && file !== ':memory:' ? path.resolve(rootAbs, path.dirname(f.rel), file) : undefined,
    pragmas: Object.assign({}, ...mine.map((l) => l.found.pragmas)), settings: effectiveSettings('sqlalchemy', observed), notes: ['SQLAlchemy (pysqlite)'],
  };
  const asyncEngine = /create_async_engine$/.test(call.childForFieldName('function')?.text ?? '');
  setPlanner(finding, (missing) => planEngine(f, call.parent?.parent ?? undefined, assign, asyncEngine, missing));
  return finding;
}
