import { effectiveSettings, normalise, Observed } from '../../facts';
import { ConnectionFinding } from '../../findings';
import { setPlanner, setSpans } from '../../planners';
import { scopeOf } from '../../scope';
import { Node, lineOfNode } from '../../syntax/treeSitter';
import { JsNames, moduleConsts, objectProps } from './jsValues';
import { planNodePragmas, statementOf } from './nodeEdits';
import { ormConfig } from './nodeOrms';
import { JsFile, fileOf, observeFound, pragmasOn } from './nodePragmas';
export type { JsFile };

/**
 * Node: `new Database(file)` (better-sqlite3), `new DatabaseSync(file)`
 * (node:sqlite), `new sqlite3.Database(file)` (node-sqlite3), knex with an
 * SQLite client (pool.afterCreate), TypeORM and Sequelize SQLite options.
 * Pragmas count only when called on the same instance, in its scope.
 */
const MODULES: Record<string, string> = { 'better-sqlite3': 'better-sqlite3', 'node:sqlite': 'node:sqlite', sqlite3: 'sqlite3' };

export function mentionsSqliteModule(text: string): boolean {
  return /['"](better-sqlite3|node:sqlite|sqlite3|knex|typeorm|sequelize)['"]|['"]@prisma\/client/.test(text);
}

/** Local names bound to each SQLite module: `import X from`, `import { DatabaseSync } from`, `const X = require(…)`. */
function bindings(root: Node): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of root.descendantsOfType(['import_statement', 'variable_declarator']).filter((x): x is Node => !!x)) {
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
  // `const [{ default: Database }] = await Promise.all([import("better-sqlite3"), …])`: the name a dynamic import gives.
  if (!out.has('Database') && /import\(\s*["']better-sqlite3["']\s*\)/.test(root.text)) out.set('Database', 'better-sqlite3');
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

export function analyseNode(f: JsFile, rootAbs: string, packageDir: string, prismaSqlite = false): ConnectionFinding[] {
  const root = f.tree.rootNode;
  const bound = bindings(root);
  const names = moduleConsts(root);
  const out: ConnectionFinding[] = [];
  // descendantsOfType walks inside the wasm module: far cheaper than visiting every node from JavaScript.
  for (const n of root.descendantsOfType(['new_expression', 'object']).filter((x): x is Node => !!x)) {
    if (n.type === 'new_expression') {
      const ctor = n.childForFieldName('constructor');
      const driverId = ctor ? driverOfConstructor(ctor, bound) : undefined;
      if (driverId) out.push(instance(f, n, driverId, names, rootAbs, packageDir));
      else if (prismaSqlite && ctor?.text === 'PrismaClient' && /["']@prisma\/client/.test(f.text)) out.push(prisma(f, n));
    } else if (n.type === 'object') {
      const orm = ormConfig(f, n, names, rootAbs, packageDir);
      if (orm) out.push(orm);
    }
  }
  return out;
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

function instance(f: JsFile, expr: Node, driverId: string, names: JsNames, rootAbs: string, packageDir: string): ConnectionFinding {
  const args = expr.childForFieldName('arguments')?.namedChildren ?? [];
  const file = fileOf(args[0] ?? undefined, names, rootAbs, packageDir);
  const opts = objectProps(args[1]);
  const { name, scope } = receiverOf(expr);
  const observed: Observed = { set: {}, unknown: {} };
  const found = pragmasOn(name ?? '\u0000', scope, names, f.rel, expr);
  observeFound(observed, found, `${f.rel}:${lineOfNode(expr)}`);
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
  setSpans(finding, [[expr.startIndex, expr.endIndex], ...found.calls]);
  return finding;
}

/** `new PrismaClient()` in a project whose schema's datasource is SQLite: Prisma's own engine opens the file. */
function prisma(f: JsFile, expr: Node): ConnectionFinding {
  const finding: ConnectionFinding = {
    stack: 'node', driver: 'prisma', scope: scopeOf(f.rel, undefined), file: f.rel, line: lineOfNode(expr),
    databaseExpr: 'the datasource url of schema.prisma', pragmas: {}, settings: effectiveSettings('prisma', { set: {}, unknown: {} }), notes: ['prisma'],
  };
  setPlanner(finding, () => 'Prisma opens SQLite itself and its schema sets no pragmas: run PRAGMA journal_mode=WAL once on the file (it persists); the rest is Prisma\'s own');
  return finding;
}
