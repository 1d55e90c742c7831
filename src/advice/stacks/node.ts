import * as path from 'node:path';
import { effectiveSettings, judgedFrom, normalise, Observed } from '../facts';
import { ConnectionFinding } from '../findings';
import { isUnknown, literal, parsePragmaSql } from '../pieces';
import { setPlanner } from '../planners';
import { scopeOf } from '../scope';
import { Node, lineOfNode, walkNodes } from '../syntax/treeSitter';
import { JsNames, moduleConsts, objectProps, resolveJs } from './jsValues';
import { planNodePragmas, statementOf } from './nodeEdits';

/**
 * Node: `new Database(file)` (better-sqlite3), `new DatabaseSync(file)`
 * (node:sqlite), `new sqlite3.Database(file)` (node-sqlite3), knex with an
 * SQLite client (pool.afterCreate), TypeORM and Sequelize SQLite options.
 * Pragmas count only when called on the same instance, in its scope.
 */
export interface JsFile { rel: string; text: string; tree: { rootNode: Node }; eol: string }

const MODULES: Record<string, string> = { 'better-sqlite3': 'better-sqlite3', 'node:sqlite': 'node:sqlite', sqlite3: 'sqlite3' };

export function mentionsSqliteModule(text: string): boolean {
  return /['"](better-sqlite3|node:sqlite|sqlite3|knex|typeorm|sequelize)['"]/.test(text);
}

/** Local names bound to each SQLite module: `import X from`, `import { DatabaseSync } from`, `const X = require(…)`. */
function bindings(root: Node): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of walkNodes(root)) {
    if (n.type === 'import_statement') {
      const mod = MODULES[n.childForFieldName('source')?.text.slice(1, -1) ?? ''];
      if (!mod) continue;
      for (const id of n.descendantsOfType(['identifier'])) if (id) out.set(id.text, mod);
    } else if (n.type === 'variable_declarator') {
      const v = n.childForFieldName('value');
      const req = v?.type === 'call_expression' && v.childForFieldName('function')?.text === 'require' ? v : v?.type === 'member_expression' ? v.childForFieldName('object') : undefined;
      const arg = req?.type === 'call_expression' && req.childForFieldName('function')?.text === 'require' ? req.childForFieldName('arguments')?.namedChildren[0] : undefined;
      const mod = MODULES[arg?.type === 'string' ? arg.text.slice(1, -1) : ''];
      if (!mod) continue;
      for (const id of n.childForFieldName('name')?.descendantsOfType(['identifier', 'shorthand_property_identifier_pattern']) ?? []) if (id) out.set(id.text, mod);
      const name = n.childForFieldName('name');
      if (name?.type === 'identifier') out.set(name.text, mod);
    }
  }
  return out;
}

function driverOfConstructor(ctor: Node, bound: Map<string, string>): string | undefined {
  const text = ctor.text;
  const head = text.split('.')[0]!.replace(/\(.*$/, '');
  const mod = bound.get(head);
  if (!mod) return undefined;
  if (mod === 'node:sqlite') return /DatabaseSync$/.test(text) ? 'node:sqlite' : undefined;
  if (mod === 'sqlite3') return /\bDatabase$/.test(text) ? 'sqlite3' : undefined;
  return 'better-sqlite3';
}

export function analyseNode(f: JsFile, rootAbs: string, packageDir: string): ConnectionFinding[] {
  const root = f.tree.rootNode;
  const bound = bindings(root);
  const names = moduleConsts(root);
  const out: ConnectionFinding[] = [];
  for (const n of walkNodes(root)) {
    if (n.type === 'new_expression') {
      const ctor = n.childForFieldName('constructor');
      const driverId = ctor ? driverOfConstructor(ctor, bound) : undefined;
      if (driverId) out.push(instance(f, n, driverId, names, rootAbs, packageDir));
    } else if (n.type === 'call_expression' && /^(knex|Knex)$/.test(n.childForFieldName('function')?.text ?? '')) {
      const k = knex(f, n, names, rootAbs, packageDir);
      if (k) out.push(k);
    }
  }
  return out;
}

function fileOf(arg: Node | undefined, names: JsNames, rootAbs: string, packageDir: string): { expr: string; database?: string; literal?: string } {
  if (!arg) return { expr: '', literal: '' };
  const lit = literal(resolveJs(arg, names));
  return { expr: arg.text, literal: lit, database: lit === undefined || lit === ':memory:' || lit === '' ? undefined : path.resolve(rootAbs, packageDir, lit) };
}

/** The name the instance is bound to and the function (or program) it lives in. */
function receiverOf(expr: Node): { name?: string; scope: Node } {
  let n: Node = expr;
  // Chained calls on the new instance (new Database(f).pragma(…)) belong to the same statement.
  while (n.parent && (n.parent.type === 'member_expression' || n.parent.type === 'call_expression' || n.parent.type === 'parenthesized_expression' || n.parent.type === 'await_expression')) n = n.parent;
  const p = n.parent;
  const name = p?.type === 'variable_declarator' && p.childForFieldName('name')?.type === 'identifier' ? p.childForFieldName('name')!.text
    : p?.type === 'assignment_expression' ? p.childForFieldName('left')?.text : undefined;
  let scope: Node = expr;
  while (scope.parent && !/^(function_declaration|function_expression|arrow_function|method_definition|program|class_body)$/.test(scope.type)) scope = scope.parent;
  return { name, scope };
}

/** PRAGMAs set through `<receiver>.pragma('…')`, `.exec('PRAGMA …')`, `.run('PRAGMA …')` in `scope`. */
function pragmasOn(receiver: string, scope: Node, names: JsNames, chainedFrom?: Node): { pragmas: Record<string, string>; unknown: string[]; line?: number } {
  const pragmas: Record<string, string> = {};
  const unknown: string[] = [];
  let line: number | undefined;
  for (const c of scope.descendantsOfType('call_expression')) {
    const fn = c?.childForFieldName('function');
    if (!c || fn?.type !== 'member_expression') continue;
    const method = fn.childForFieldName('property')?.text ?? '';
    const obj = fn.childForFieldName('object');
    const onReceiver = obj?.text === receiver || (chainedFrom && obj && obj.startIndex <= chainedFrom.startIndex && obj.endIndex >= chainedFrom.endIndex);
    if (!onReceiver || !/^(pragma|exec|run)$/.test(method)) continue;
    const arg = c.childForFieldName('arguments')?.namedChildren[0];
    if (!arg) continue;
    const pieces = resolveJs(arg, names);
    const text = pieces.filter((p) => !isUnknown(p)).map((p) => (p as { text: string }).text).join('');
    const found = parsePragmaSql(method === 'pragma' ? `PRAGMA ${text}` : text);
    if (Object.keys(found).length) { Object.assign(pragmas, found); line ??= lineOfNode(c); }
    else if (pieces.some(isUnknown) && (method === 'pragma' || /PRAGMA/i.test(text))) unknown.push(arg.text);
  }
  return { pragmas, unknown, line };
}

function instance(f: JsFile, expr: Node, driverId: string, names: JsNames, rootAbs: string, packageDir: string): ConnectionFinding {
  const args = expr.childForFieldName('arguments')?.namedChildren ?? [];
  const file = fileOf(args[0] ?? undefined, names, rootAbs, packageDir);
  const opts = objectProps(args[1]);
  const { name, scope } = receiverOf(expr);
  const observed: Observed = { set: {}, unknown: {} };
  const found = name ? pragmasOn(name, scope, names, expr) : pragmasOn('\u0000', scope, names, expr);
  Object.assign(observed.set, judgedFrom(found.pragmas, `${f.rel}:${found.line ?? lineOfNode(expr)}`));
  if (found.unknown.length) observed.allUnknown = { expression: found.unknown.join(', '), at: `${f.rel}:${lineOfNode(expr)}` };
  const timeout = opts.get('timeout');
  if (timeout) {
    const v = normalise('busy_timeout', timeout.text);
    if (v !== undefined) observed.set.busy_timeout = { value: v, at: `${f.rel}:${lineOfNode(timeout)}` };
    else observed.unknown.busy_timeout = { expression: timeout.text, at: `${f.rel}:${lineOfNode(timeout)}` };
  }
  const fk = opts.get('enableForeignKeyConstraints');
  if (driverId === 'node:sqlite' && fk) observed.set.foreign_keys ??= fk.text === 'false' ? { value: 'off', at: `${f.rel}:${lineOfNode(fk)}` } : { value: 'on', at: `${f.rel}:${lineOfNode(fk)}` };
  if (driverId === 'node:sqlite' && !timeout) observed.defaults = { busy_timeout: { value: '0', source: 'Node docs (sqlite.md): DatabaseSync timeout defaults to 0' } };
  const finding: ConnectionFinding = {
    stack: 'node', driver: driverId, scope: scopeOf(f.rel, file.literal), file: f.rel, line: lineOfNode(expr),
    databaseExpr: file.literal ?? file.expr, database: file.database, pragmas: found.pragmas,
    settings: effectiveSettings(driverId, observed), notes: [driverId],
  };
  const statement = statementOf(expr);
  setPlanner(finding, (missing) => planNodePragmas(f, expr, statement, name, scope, driverId, missing));
  return finding;
}

function knex(f: JsFile, call: Node, names: JsNames, rootAbs: string, packageDir: string): ConnectionFinding | undefined {
  const cfg = objectProps(call.childForFieldName('arguments')?.namedChildren[0]);
  const client = cfg.get('client');
  const clientName = client ? literal(resolveJs(client, names)) : undefined;
  if (!clientName || !/^(sqlite3|better-sqlite3)$/.test(clientName)) return undefined;
  const conn = objectProps(cfg.get('connection'));
  const file = fileOf(conn.get('filename'), names, rootAbs, packageDir);
  const observed: Observed = { set: {}, unknown: {} };
  const after = objectProps(cfg.get('pool')).get('afterCreate');
  let line: number | undefined;
  if (after) {
    const param = after.childForFieldName('parameters')?.namedChildren[0]?.text ?? after.namedChildren.find((c) => c?.type === 'identifier')?.text;
    const found = param ? pragmasOn(param, after, names) : { pragmas: {}, unknown: [], line: undefined };
    line = found.line;
    Object.assign(observed.set, judgedFrom(found.pragmas, `${f.rel}:${line ?? lineOfNode(after)}`));
  }
  const driverId = clientName === 'sqlite3' ? 'sqlite3' : 'better-sqlite3';
  const finding: ConnectionFinding = {
    stack: 'node', driver: driverId, via: 'knex', scope: scopeOf(f.rel, file.literal), file: f.rel, line: lineOfNode(call),
    databaseExpr: file.literal ?? file.expr, database: file.database, pragmas: {}, settings: effectiveSettings(driverId, observed), notes: ['knex', driverId],
  };
  setPlanner(finding, (missing) => `knex opens its connections itself: add pool: { afterCreate: (conn, done) => { ${missing.map((m) => driverId === 'better-sqlite3' ? `conn.pragma('${m.name} = ${m.value}');` : `conn.run('PRAGMA ${m.name}=${m.value}');`).join(' ')} done(null, conn); } } to the knex config`);
  return finding;
}
