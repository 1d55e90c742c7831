import * as path from 'node:path';
import { normalise } from '../facts';
import { effectiveSettings, Observed } from '../facts';
import { ConnectionFinding, SettingName } from '../findings';
import { Pieces, describe, isUnknown } from '../pieces';
import { setPlanner } from '../planners';
import { RECOMMENDED } from '../recommended';
import { scopeOf } from '../scope';
import { Node, lineOfNode } from '../syntax/treeSitter';
import { GoNames, goString, packageNames, resolveGo } from './goValues';
import { goParams } from './goParams';

/**
 * Go: database/sql opens (`sql.Open`, sqlx, ent, dbx: any `X.Open(name, dsn)`
 * whose driver name a SQLite driver registers) and gorm's SQLite dialectors
 * (`sqlite.Open(dsn)`). The DSN is resolved as far as the package's own
 * constants allow; its parameters are read in the driver's own spelling.
 */
export interface GoFile { rel: string; tree: { rootNode: Node }; text: string }

const MATTN: Record<string, SettingName> = {
  _busy_timeout: 'busy_timeout', _timeout: 'busy_timeout', _journal_mode: 'journal_mode', _journal: 'journal_mode',
  _synchronous: 'synchronous', _sync: 'synchronous', _foreign_keys: 'foreign_keys', _fk: 'foreign_keys', _cache_size: 'cache_size',
};
const GORM_DIALECTORS: Record<string, string> = {
  'gorm.io/driver/sqlite': 'mattn/go-sqlite3',
  'github.com/glebarez/sqlite': 'modernc.org/sqlite',
  'github.com/ncruces/go-sqlite3/gormlite': 'ncruces/go-sqlite3',
};
const OPENERS = new Set(['Open', 'Connect', 'MustOpen', 'MustConnect', 'OpenDB']);

function imports(root: Node): Map<string, string> {
  const out = new Map<string, string>();
  for (const spec of root.descendantsOfType('import_spec')) {
    const p = spec?.childForFieldName('path');
    const importPath = p ? goString(p) : undefined;
    if (!importPath) continue;
    const alias = spec!.childForFieldName('name')?.text ?? importPath.split('/').pop()!;
    out.set(alias, importPath);
  }
  return out;
}

/** Driver names registered in the project: the drivers' own names plus sql.Register("name", &sqlite3.SQLiteDriver{…}). */
function registeredDrivers(files: GoFile[]): Map<string, string> {
  const paths = new Set(files.flatMap((f) => [...imports(f.tree.rootNode).values()]));
  const names = new Map<string, string>();
  names.set('sqlite', 'modernc.org/sqlite');
  names.set('sqlite3', paths.has('github.com/ncruces/go-sqlite3/driver') && !paths.has('github.com/mattn/go-sqlite3') ? 'ncruces/go-sqlite3' : 'mattn/go-sqlite3');
  for (const f of files) {
    for (const call of f.tree.rootNode.descendantsOfType('call_expression')) {
      if (call?.childForFieldName('function')?.text !== 'sql.Register') continue;
      const [name, drv] = call.childForFieldName('arguments')?.namedChildren ?? [];
      const n = name ? goString(name) : undefined;
      if (n && drv && /SQLiteDriver\b/.test(drv.text)) names.set(n, 'mattn/go-sqlite3');
    }
  }
  return names;
}

export function analyseGo(files: GoFile[], rootAbs: string, problems: { file: string; error: string }[]): ConnectionFinding[] {
  const drivers = registeredDrivers(files);
  const byDir = new Map<string, GoNames>();
  for (const f of files) {
    const dir = path.posix.dirname(f.rel);
    const names = byDir.get(dir) ?? new Map();
    packageNames(f.tree.rootNode, names);
    byDir.set(dir, names);
  }
  // A constant may live in another file of the package: a setting's file:line is that of the node holding it.
  const treeRel = new Map<unknown, string>(files.map((f) => [f.tree, f.rel]));
  const out: ConnectionFinding[] = [];
  for (const f of files) {
    const imp = imports(f.tree.rootNode);
    const names = byDir.get(path.posix.dirname(f.rel))!;
    for (const call of f.tree.rootNode.descendantsOfType('call_expression')) {
      const fn = call?.childForFieldName('function');
      if (!call || fn?.type !== 'selector_expression') continue;
      const pkg = fn.childForFieldName('operand')?.text ?? '';
      const method = fn.childForFieldName('field')?.text ?? '';
      const args = call.childForFieldName('arguments')?.namedChildren ?? [];
      let driverId: string | undefined;
      let via: string | undefined;
      let dsnNode: Node | undefined;
      const dialector = GORM_DIALECTORS[imp.get(pkg) ?? ''];
      if (dialector && method === 'Open' && args.length === 1) {
        [driverId, via, dsnNode] = [dialector, 'gorm', args[0]!];
      } else if (OPENERS.has(method) && args.length === 2) {
        const name = goString(args[0]!) ?? (args[0]!.type === 'identifier' ? literalOf(resolveGo(args[0]!, names)) : undefined);
        driverId = name ? drivers.get(name) : undefined;
        const importPath = imp.get(pkg) ?? '';
        via = importPath.includes('sqlx') ? 'sqlx' : importPath.includes('entgo.io') ? 'ent' : importPath.includes('dbx') ? 'dbx' : undefined;
        dsnNode = args[1]!;
      }
      if (!driverId || !dsnNode) continue;
      const finding = fromDsn(f, (n) => treeRel.get(n.tree), rootAbs, call, driverId, via, resolveGo(dsnNode, names), dsnNode, problems);
      if (finding) out.push(finding);
    }
  }
  return out;
}

function literalOf(p: Pieces): string | undefined {
  return p.every((x) => !isUnknown(x)) ? p.map((x) => (x as { text: string }).text).join('') : undefined;
}

function fromDsn(f: GoFile, relOf: (n: Node) => string | undefined, rootAbs: string, call: Node, driverId: string, via: string | undefined, pieces: Pieces, dsnNode: Node, problems: { file: string; error: string }[]): ConnectionFinding | undefined {
  // Unknown pieces become placeholders, so the DSN's own '?', '&' and '=' stay where the code puts them.
  let flat = '';
  const starts: number[] = [];
  pieces.forEach((p, i) => { starts.push(flat.length); flat += isUnknown(p) ? `\u0001${i}\u0002` : p.text; });
  const pieceAt = (offset: number) => { let i = 0; while (i + 1 < starts.length && starts[i + 1]! <= offset) i++; return pieces[i]!; };
  const lineAt = (offset: number) => { const p = pieceAt(offset); return !isUnknown(p) && p.node ? `${relOf(p.node) ?? f.rel}:${lineOfNode(p.node)}` : `${f.rel}:${lineOfNode(call)}`; };
  const q = flat.indexOf('?');
  const target = q < 0 ? flat : flat.slice(0, q);
  const expr = describe(pieces);
  const database = target.includes('\u0001') ? undefined : target.replace(/^file:/, '');
  const last = pieces[pieces.length - 1];
  const unknownAfter = pieces.some((p, i) => isUnknown(p) && q >= 0 && starts[i]! > q);
  const observed: Observed = { set: {}, unknown: {} };
  const pragmaParam = driverId === 'mattn/go-sqlite3' ? undefined : '_pragma';
  const ignored: string[] = [];
  if ((q < 0 && last && isUnknown(last)) || unknownAfter) observed.allUnknown = { expression: dsnNode.text, at: `${f.rel}:${lineOfNode(dsnNode)}` };
  if (q >= 0) {
    let offset = q + 1;
    for (const part of flat.slice(q + 1).split('&')) {
      const at = offset;
      offset += part.length + 1;
      const eq = part.indexOf('=');
      let key: string, value: string;
      try {
        key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
        value = decodeURIComponent(eq < 0 ? '' : part.slice(eq + 1).replace(/\+/g, ' '));
      } catch {
        problems.push({ file: f.rel, error: `line ${lineOfNode(call)}: the DSN ${JSON.stringify(expr)} has a malformed %-escape in "${part}": the driver refuses to open it` });
        return undefined;
      }
      let name: SettingName | undefined;
      let raw = value;
      if (key === '_pragma') {
        const m = /^(\w+)\((.*)\)$/s.exec(value);
        if (!pragmaParam) { ignored.push(part); continue; }
        if (m && (RECOMMENDED.some((r) => r.name === m[1]!.toLowerCase()) || m[1]!.toLowerCase() === 'cache_size')) [name, raw] = [m[1]!.toLowerCase() as SettingName, m[2]!];
      } else if (driverId === 'mattn/go-sqlite3') name = MATTN[key];
      if (key.includes('\u0001')) { observed.allUnknown ??= { expression: dsnNode.text, at: lineAt(at) }; continue; }
      if (!name) continue;
      if (raw.includes('\u0001')) { observed.unknown[name] = { expression: expr, at: lineAt(at) }; continue; }
      const v = normalise(name, raw);
      if (v !== undefined) observed.set[name] = { value: v, at: lineAt(at) };
    }
  }
  // ncruces applies busy_timeout(60000) only when the DSN has no _pragma at all.
  if (driverId === 'ncruces/go-sqlite3' && /(^|&)_pragma=/.test(flat.slice(q + 1)) && q >= 0) observed.defaults = { busy_timeout: { value: '0', source: 'ncruces/go-sqlite3 driver: a DSN with _pragma gets no default busy_timeout' } };
  const notes = [`${via ? `${via} over ` : ''}${driverId}`, 'relative DSN paths resolve against the process working directory; assumed to be the package folder'];
  if (ignored.length) notes.push(`mattn/go-sqlite3 has no _pragma= parameter: ${ignored.join(', ')} is ignored (use _busy_timeout, _journal_mode, _synchronous, _foreign_keys)`);
  const finding: ConnectionFinding = {
    stack: 'go', driver: driverId, ...(via && { via }), scope: scopeOf(f.rel, database ?? (literalOf(pieces) ?? undefined)),
    file: f.rel, line: lineOfNode(call), databaseExpr: expr,
    database: database && !database.startsWith(':memory:') ? path.resolve(rootAbs, path.dirname(f.rel), database) : undefined,
    pragmas: Object.fromEntries(Object.entries(observed.set).map(([k, v]) => [k, v!.value])),
    settings: effectiveSettings(driverId, observed), notes,
  };
  if (database === undefined && literalOf(pieces) === undefined && /:memory:|mode=memory/.test(flat)) finding.scope = 'test';
  setPlanner(finding, (missing) => {
    const tail = pieces[pieces.length - 1];
    if (!tail || isUnknown(tail) || !tail.node || tail.node.tree !== f.tree || (tail.node.type !== 'interpreted_string_literal' && tail.node.type !== 'raw_string_literal') || observed.allUnknown) {
      return `the DSN ends in a value computed at run time (${dsnNode.text}), so parameters cannot be appended safely; add ${goParams(driverId, missing).join('&')} where the DSN is built`;
    }
    const params = goParams(driverId, missing);
    const at = tail.node.endIndex - 1;
    return { title: `Add ${missing.map((r) => r.name).join(', ')} to the DSN (${driverId} spelling)`, edits: [{ start: at, end: at, text: `${q >= 0 ? '&' : '?'}${params.join('&')}` }] };
  });
  return finding;
}
