import * as path from 'node:path';
import { normalise } from '../../facts';
import { effectiveSettings, judgedFrom, Observed } from '../../facts';
import { ConnectionFinding, SETTING_NAMES, SettingName } from '../../findings';
import { Pieces, describe, isUnknown, literal, parsePragmaSql, pieceNaming } from '../../pieces';
import { nearestDir } from '../../paths';
import { setPlanner, setSpans } from '../../planners';
import { RECOMMENDED } from '../../knowledge/recommended';
import { scopeOf } from '../../scope';
import { Node, lineOfNode } from '../../syntax/treeSitter';
import { imports, moduleDriver, registeredDrivers } from './goDrivers';
import { GoNames, packageNames, resolveGo } from './goValues';
import { goParams, readsMattnDsn } from './goParams';

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
const OPENERS = /^(Open|Connect|MustOpen|MustConnect|OpenDB|OpenContext|ConnectContext|MustConnectContext)$/;

type Pragmas = { pragmas: Record<string, string>; at: Map<string, string>; unknown: string[] };

/**
 * `X.Exec(…"PRAGMA …")` in a file (each at the line of the literal that names
 * it), and statements whose SQL is handed in from outside (a parameter of the
 * function, like an operator's startup queries): those may set anything.
 */
function filePragmas(f: GoFile, names: GoNames, relOf: (n: Node) => string | undefined): Pragmas {
  const out: Pragmas = { pragmas: {}, at: new Map(), unknown: [] };
  const toggled = new Set<string>();
  for (const call of f.tree.rootNode.descendantsOfType('call_expression')) {
    const fn = call?.childForFieldName('function');
    const method = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text ?? '' : '';
    if (!call || !/^(Exec|ExecContext|MustExec|MustExecContext)$/.test(method)) continue;
    const arg = call.childForFieldName('arguments')?.namedChildren[method.endsWith('Context') ? 1 : 0];
    if (!arg) continue;
    if (arg.type === 'identifier' && isParameter(arg)) { out.unknown.push(arg.text); continue; }
    const pieces = resolveGo(arg, names);
    const text = pieces.map((p) => (isUnknown(p) ? '\u0001' : p.text)).join('');
    if (!/PRAGMA/i.test(text)) continue;
    for (const [k, v] of Object.entries(parsePragmaSql(text))) {
      if (v.includes('\u0001')) continue;
      // A pragma set to two values (foreign_keys off, then on again around a migration) is toggled, not configured.
      if (out.pragmas[k] !== undefined && out.pragmas[k]!.toLowerCase() !== v.toLowerCase()) toggled.add(k);
      out.pragmas[k] = v;
      const lit = pieceNaming(pieces, k);
      out.at.set(k, lit ? `${relOf(lit.node) ?? f.rel}:${lit.line}` : `${f.rel}:${lineOfNode(call)}`);
    }
    // A run-time piece (\u0001) where a PRAGMA's name or value goes: that statement may set anything.
    if (/PRAGMA\s*$|=\s*$/i.test(text.split('\u0001')[0] ?? '') && text.includes('\u0001')) out.unknown.push(arg.text);
  }
  for (const k of toggled) { delete out.pragmas[k]; out.at.delete(k); }
  return out;
}

/** Whether an identifier names a parameter of the function it is used in. */
function isParameter(id: Node): boolean {
  let fn: Node | null = id.parent;
  while (fn && !/^(function_declaration|method_declaration|func_literal)$/.test(fn.type)) fn = fn.parent;
  return !!fn?.childForFieldName('parameters')?.descendantsOfType('identifier').some((p) => p?.text === id.text);
}

/** Pragmas of several files together; a pragma they set to different values is unknown, not either. */
function merge(list: Pragmas[]): Pragmas {
  const acc: Pragmas = { pragmas: {}, at: new Map(), unknown: [] };
  for (const mine of list) {
    for (const [k, v] of Object.entries(mine.pragmas)) {
      if (acc.pragmas[k] !== undefined && acc.pragmas[k]!.toLowerCase() !== v.toLowerCase()) { acc.unknown.push(`PRAGMA ${k} set to both ${acc.pragmas[k]} and ${v}`); delete acc.pragmas[k]; continue; }
      acc.pragmas[k] = v;
      acc.at.set(k, mine.at.get(k)!);
    }
    acc.unknown.push(...mine.unknown);
  }
  return acc;
}

export function analyseGo(files: GoFile[], rootAbs: string, goMods: ReadonlyMap<string, string>, problems: { file: string; error: string }[]): ConnectionFinding[] {
  const byDir = new Map<string, GoNames>();
  for (const f of files) {
    const dir = path.posix.dirname(f.rel);
    const names = byDir.get(dir) ?? new Map();
    packageNames(f.tree.rootNode, names);
    byDir.set(dir, names);
  }
  // Build-tagged files define one name twice (dbDriver in db_open_cgo.go and db_open_nocgo.go): each build reads its own.
  const namesOf = (f: GoFile, prefer: unknown = f.tree): GoNames => new Map([...byDir.get(path.posix.dirname(f.rel))!].map(([k, defs]) => {
    const own = defs.filter((d) => d.tree === prefer);
    return [k, defs.length > 1 && own.length ? own : defs];
  }));
  const drivers = registeredDrivers(files, (f) => namesOf(f));
  const treeRel = new Map<unknown, string>(files.map((f) => [f.tree, f.rel]));
  const relOf = (n: Node) => treeRel.get(n.tree);
  const pragmasOf = new Map(files.filter((f) => !f.rel.endsWith('_test.go')).map((f) => [f, filePragmas(f, namesOf(f), relOf)]));
  const out: ConnectionFinding[] = [];
  const opens: { f: GoFile; call: Node; v: { driverId: string; via?: string; dsn: Node; names: GoNames; note?: string } }[] = [];
  for (const f of files) {
    const imp = imports(f.tree.rootNode);
    const modDriver = moduleDriver(goMods.get(nearestDir(f.rel, goMods)));
    for (const call of f.tree.rootNode.descendantsOfType('call_expression')) {
      const fn = call?.childForFieldName('function');
      if (!call || fn?.type !== 'selector_expression') continue;
      const pkg = fn.childForFieldName('operand')?.text ?? '';
      const method = fn.childForFieldName('field')?.text ?? '';
      let args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a);
      if (method.endsWith('Context')) args = args.slice(1);
      const dialector = GORM_DIALECTORS[imp.get(pkg) ?? ''];
      const variants: { driverId: string; via?: string; dsn: Node; names: GoNames; note?: string }[] = [];
      if (dialector && method === 'Open' && args.length === 1) variants.push({ driverId: dialector, via: 'gorm', dsn: args[0]!, names: namesOf(f) });
      else if (OPENERS.test(method) && args.length === 2 && (pkg === 'sql' || /sqlx|entgo\.io|dbx|otelsql|sqltrace/.test(imp.get(pkg) ?? ''))) {
        const importPath = imp.get(pkg) ?? '';
        const via = importPath.includes('sqlx') ? 'sqlx' : importPath.includes('entgo.io') ? 'ent' : importPath.includes('dbx') ? 'dbx' : undefined;
        const nameNode = args[0]!;
        const defs = nameNode.type === 'identifier' ? byDir.get(path.posix.dirname(f.rel))!.get(nameNode.text) ?? [] : [];
        const builds = defs.length > 1 ? [...new Set(defs.map((d) => d.tree))] : [f.tree];
        for (const build of builds) {
          const names = namesOf(f, build);
          const name = literal(resolveGo(nameNode, names));
          const driverId = name !== undefined ? drivers.get(name) : modDriver;
          if (driverId) variants.push({ driverId, via, dsn: args[1]!, names, note: name === undefined ? `the driver name is computed at run time (${nameNode.text}); assumed to be the module's only SQLite driver, ${driverId}` : undefined });
        }
      }
      for (const v of variants) opens.push({ f, call, v });
    }
  }
  // PRAGMAs a file executes belong to the connections it opens; a file of the package that opens none
  // (shiori's sqlite.go) serves every connection of the package.
  const opening = new Set(opens.map((o) => o.f));
  for (const { f, call, v } of opens) {
    const dir = path.posix.dirname(f.rel);
    const shared = files.filter((g) => g !== f && !opening.has(g) && path.posix.dirname(g.rel) === dir).map((g) => pragmasOf.get(g)).filter((p): p is Pragmas => !!p);
    const pkg = merge([...shared, ...(pragmasOf.has(f) ? [pragmasOf.get(f)!] : [])]);
    const finding = fromDsn(f, relOf, rootAbs, call, v.driverId, v.via, resolveGo(v.dsn, v.names), v.dsn, problems, pkg);
    if (finding && v.note) finding.notes.push(v.note);
    if (finding) out.push(finding);
  }
  return out;
}


function literalOf(p: Pieces): string | undefined {
  return p.every((x) => !isUnknown(x)) ? p.map((x) => (x as { text: string }).text).join('') : undefined;
}

function fromDsn(f: GoFile, relOf: (n: Node) => string | undefined, rootAbs: string, call: Node, driverId: string, via: string | undefined, pieces: Pieces, dsnNode: Node, problems: { file: string; error: string }[], pkg?: Pragmas): ConnectionFinding | undefined {
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
  const pragmaParam = readsMattnDsn(driverId) ? undefined : '_pragma';
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
      } else if (readsMattnDsn(driverId)) name = MATTN[key];
      else if (MATTN[key]) { ignored.push(part); continue; }
      if (key.includes('\u0001')) { observed.allUnknown ??= { expression: dsnNode.text, at: lineAt(at) }; continue; }
      if (!name) continue;
      if (raw.includes('\u0001')) { observed.unknown[name] = { expression: expr, at: lineAt(at) }; continue; }
      const v = normalise(name, raw);
      if (v !== undefined) observed.set[name] = { value: v, at: lineAt(at) };
    }
  }
  // PRAGMAs the package executes: what the DSN does not set.
  if (pkg) {
    for (const [k, v] of Object.entries(judgedFrom(pkg.pragmas, (name) => pkg.at.get(name)!))) observed.set[k as SettingName] ??= v;
    if (pkg.unknown.length) for (const n of SETTING_NAMES) if (!observed.set[n]) observed.unknown[n] ??= { expression: pkg.unknown.join(', ') };
  }
  // ncruces applies busy_timeout(60000) only when the DSN has no _pragma at all.
  if (driverId === 'ncruces/go-sqlite3' && /(^|&)_pragma=/.test(flat.slice(q + 1)) && q >= 0) observed.defaults = { busy_timeout: { value: '0', source: 'ncruces/go-sqlite3 driver: a DSN with _pragma gets no default busy_timeout' } };
  const notes = [`${via ? `${via} over ` : ''}${driverId}`, 'relative DSN paths resolve against the process working directory; assumed to be the package folder'];
  if (ignored.length) {
    notes.push(readsMattnDsn(driverId)
      ? `mattn/go-sqlite3 has no _pragma= parameter: ${ignored.join(', ')} is ignored (use _busy_timeout, _journal_mode, _synchronous, _foreign_keys)`
      : `${driverId} reads only _pragma=name(value): mattn's ${ignored.join(', ')} is ignored`);
  }
  const finding: ConnectionFinding = {
    stack: 'go', driver: driverId, ...(via && { via }), scope: scopeOf(f.rel, database ?? (literalOf(pieces) ?? undefined)),
    file: f.rel, line: lineOfNode(call), databaseExpr: expr,
    database: database && !database.startsWith(':memory:') ? path.resolve(rootAbs, path.dirname(f.rel), database) : undefined,
    pragmas: Object.fromEntries(Object.entries(observed.set).map(([k, v]) => [k, v!.value])),
    settings: effectiveSettings(driverId, observed), notes,
  };
  if (database === undefined && literalOf(pieces) === undefined && /:memory:|mode=memory/.test(flat)) finding.scope = 'test';
  setSpans(finding, [call, ...pieces.map((p) => (isUnknown(p) ? undefined : p.node))].filter((n): n is Node => !!n && n.tree === f.tree).map((n) => [n.startIndex, n.endIndex]));
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
