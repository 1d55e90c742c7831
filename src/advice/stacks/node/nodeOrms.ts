import { DefaultValue } from '../../drivers';
import { effectiveSettings, normalise, Observed } from '../../facts';
import { ConnectionFinding } from '../../findings';
import { literal } from '../../pieces';
import { setPlanner } from '../../planners';
import { scopeOf } from '../../scope';
import { Node, lineOfNode } from '../../syntax/treeSitter';
import { JsNames, objectProps, resolveJs } from './jsValues';
import { Found, JsFile, fileOf, observeFound, pragmasOn } from './nodePragmas';

/**
 * Node ORMs and query builders configured by an object literal: knex
 * (`client` + `connection.filename`, pragmas in `pool.afterCreate` and the
 * functions it calls), TypeORM (`type: 'sqlite' | 'better-sqlite3'`,
 * `enableWAL`, `busyTimeout`) and Sequelize (`dialect: 'sqlite'`). The
 * connection is the line naming the client, type or dialect.
 */
const SQLITE_CLIENTS = /^(sqlite3?|better-sqlite3|@vscode\/sqlite3|@louislam\/sqlite3)$/;

export function ormConfig(f: JsFile, obj: Node, names: JsNames, rootAbs: string, packageDir: string): ConnectionFinding | undefined {
  const props = objectProps(obj);
  const text = (key: string) => { const v = props.get(key); return v ? literal(resolveJs(v, names)) : undefined; };
  const conn = objectProps(props.get('connection'));
  // `filename` is knex's SQLite-only connection key (also inside a conditional spread: `...(isSQLite && { filename })`).
  const filename = props.get('connection')?.descendantsOfType(['pair']).find((p) => p?.childForFieldName('key')?.text === 'filename');
  if (props.has('client') && (SQLITE_CLIENTS.test(text('client') ?? '') || (text('client') === undefined && filename))) return knex(f, props, filename?.childForFieldName('value') ?? conn.get('filename'), names, rootAbs, packageDir);
  const type = text('type');
  if ((type === 'sqlite' || type === 'better-sqlite3') && props.has('database')) return typeorm(f, props, type, names, rootAbs, packageDir);
  if (text('dialect') === 'sqlite' && props.has('storage')) return sequelize(f, props, names, rootAbs, packageDir);
  return undefined;
}

function finding(f: JsFile, at: Node, driver: string, via: string | undefined, file: ReturnType<typeof fileOf>, observed: Observed, why: string): ConnectionFinding {
  const out: ConnectionFinding = {
    stack: 'node', driver, ...(via && { via }), scope: scopeOf(f.rel, file.literal), file: f.rel, line: lineOfNode(at),
    databaseExpr: file.literal ?? file.expr, database: file.database, pragmas: {}, settings: effectiveSettings(driver, observed), notes: [via ? `${via} over ${driver}` : driver],
  };
  setPlanner(out, () => why);
  return out;
}

/** Functions of the file by name (declarations and class methods): where afterCreate hands the connection on. */
function functionsOf(root: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const n of root.descendantsOfType(['function_declaration', 'method_definition'])) if (n?.childForFieldName('name')) out.set(n.childForFieldName('name')!.text, n);
  return out;
}

function knex(f: JsFile, props: Map<string, Node>, filename: Node | null | undefined, names: JsNames, rootAbs: string, packageDir: string): ConnectionFinding {
  const client = props.get('client')!;
  const clientName = literal(resolveJs(client, names));
  const observed: Observed = { set: {}, unknown: {} };
  const after = objectProps(props.get('pool')).get('afterCreate');
  if (after) {
    const found: Found = pragmasOn(undefined, after, names, f.rel);
    const fns = functionsOf(f.tree.rootNode);
    for (const call of after.descendantsOfType('call_expression')) {
      const callee = call?.childForFieldName('function')?.text.replace(/^this\./, '') ?? '';
      const target = fns.get(callee);
      if (!target) continue;
      const more = pragmasOn(undefined, target, names, f.rel);
      Object.assign(found.pragmas, more.pragmas);
      for (const [k, v] of more.at) found.at.set(k, v);
      for (const [k, v] of more.conditional) found.conditional.set(k, v);
      found.unknown.push(...more.unknown);
    }
    observeFound(observed, found, `${f.rel}:${lineOfNode(after)}`);
  }
  const driver = clientName === 'better-sqlite3' ? 'better-sqlite3' : clientName && SQLITE_CLIENTS.test(clientName) ? 'sqlite3' : 'knex';
  if (driver === 'knex') {
    // The client is chosen at run time: busy_timeout and foreign_keys differ between knex's two SQLite drivers.
    for (const n of ['busy_timeout', 'foreign_keys'] as const) if (!observed.set[n]) observed.unknown[n] = { expression: client.text };
  }
  return finding(f, client.parent ?? client, driver, 'knex', fileOf(filename ?? undefined, names, rootAbs, packageDir), observed,
    'knex opens its connections itself: set the pragmas in pool.afterCreate (conn.pragma(…) for better-sqlite3, conn.run("PRAGMA …") for sqlite3), then call done(null, conn)');
}

function typeorm(f: JsFile, props: Map<string, Node>, type: string, names: JsNames, rootAbs: string, packageDir: string): ConnectionFinding {
  const observed: Observed = { set: {}, unknown: {} };
  const wal = props.get('enableWAL');
  if (wal?.text === 'true') observed.set.journal_mode = { value: 'wal', at: `${f.rel}:${lineOfNode(wal)}` };
  else if (wal && wal.text !== 'false') observed.unknown.journal_mode = { expression: wal.text };
  const busy = props.get('busyTimeout') ?? (type === 'better-sqlite3' ? props.get('timeout') : undefined);
  const ms = busy ? normalise('busy_timeout', busy.text) : undefined;
  if (busy && ms !== undefined && Number(ms) > 0) observed.set.busy_timeout = { value: ms, at: `${f.rel}:${lineOfNode(busy)}` };
  else if (busy && ms === undefined) observed.unknown.busy_timeout = { expression: busy.text };
  if (type === 'better-sqlite3') observed.defaults = { busy_timeout: BETTER_TIMEOUT };
  return finding(f, props.get('type')!.parent!, 'typeorm', undefined, fileOf(props.get('database'), names, rootAbs, packageDir), observed,
    'TypeORM: set enableWAL: true and busyTimeout in the data source options; other pragmas in prepareDatabase');
}

const BETTER_TIMEOUT: DefaultValue = { value: '5000', source: 'TypeORM BetterSqlite3Driver: timeout = 5000 unless given' };

function sequelize(f: JsFile, props: Map<string, Node>, names: JsNames, rootAbs: string, packageDir: string): ConnectionFinding {
  const observed: Observed = { set: {}, unknown: {} };
  const fk = props.get('foreignKeys');
  if (fk?.text === 'false') observed.set.foreign_keys = { value: 'off', at: `${f.rel}:${lineOfNode(fk)}` };
  return finding(f, props.get('dialect')!.parent!, 'sequelize', undefined, fileOf(props.get('storage'), names, rootAbs, packageDir), observed,
    'Sequelize opens its connections itself: run the PRAGMAs in an afterConnect hook on the raw connection');
}
