import { Observed, judgedFrom, normalise } from '../facts';
import { SETTING_NAMES } from '../findings';
import { Pieces, isUnknown, literal, parsePragmaSql } from '../pieces';
import { Node, lineOfNode } from '../syntax/treeSitter';
import { PyNames, derefPy, dictPairs, resolvePy } from './pyValues';

/**
 * One Django DATABASES entry read from its syntax tree: the entry dict, its
 * OPTIONS (a literal dict, a later `DATABASES[alias]["OPTIONS"] = …`, or an
 * expression), and what they set. What the tree cannot decide is unknown.
 */
export interface DjangoEntry {
  alias: string;
  aliasNode: Node;
  entry: Node;
  engine: Node;
  name?: Node;
  /** The OPTIONS dict literal that takes effect, if it is one. */
  options?: Node;
  /** OPTIONS given as an expression (a variable, dict(...), a call): its source. */
  optionsExpr?: Node;
  initCommand?: { node: Node; pieces: Pieces };
  observed: Observed;
  pragmas: Record<string, string>;
}

const SQLITE_ENGINE = /^django\.db\.backends\.sqlite3$/;

/** The dict a module-level `DATABASES = …` binds, and later `DATABASES[alias][…] = …` statements. */
export function djangoEntries(root: Node, rel: string, names: PyNames): DjangoEntry[] {
  const out: DjangoEntry[] = [];
  const assigns = root.namedChildren.filter((s): s is Node => !!s && s.type === 'expression_statement').map((s) => s.namedChildren[0]).filter((a): a is Node => a?.type === 'assignment');
  const top = assigns.filter((a) => a.childForFieldName('left')?.text === 'DATABASES');
  const dbDict = top.length === 1 ? derefPy(top[0]!.childForFieldName('right')!, names) : undefined;
  if (!dbDict || dbDict.type !== 'dictionary') return out;
  const { pairs } = dictPairs(dbDict, names);
  for (const [alias, pair] of pairs) {
    const entry = derefPy(pair.childForFieldName('value')!, names);
    if (entry.type !== 'dictionary') continue;
    const { pairs: keys, opaque } = dictPairs(entry, names);
    const enginePair = keys.get('ENGINE');
    const engine = enginePair?.childForFieldName('value');
    if (!engine || !SQLITE_ENGINE.test(literal(resolvePy(engine, names)) ?? '')) continue;
    const e: DjangoEntry = { alias, aliasNode: pair.childForFieldName('key')!, entry, engine: enginePair!, name: keys.get('NAME')?.childForFieldName('value') ?? undefined, observed: { set: {}, unknown: {} }, pragmas: {} };
    const optionsValue = keys.get('OPTIONS')?.childForFieldName('value') ?? undefined;
    let options = optionsValue ? derefPy(optionsValue, names) : undefined;
    if (!optionsValue && opaque.length) e.observed.allUnknown = { expression: opaque.map((o) => o.text).join(', '), at: `${rel}:${lineOfNode(opaque[0]!)}` };
    // Later statements win: DATABASES["alias"]["OPTIONS"] = … and DATABASES["alias"]["OPTIONS"]["key"] = ….
    const overrides: { key: string; value: Node }[] = [];
    for (const a of assigns) {
      const path = subscriptPath(a.childForFieldName('left')!, names);
      if (!path || path[0] !== 'DATABASES' || path[1] !== alias) continue;
      const value = a.childForFieldName('right')!;
      if (path.length === 3 && path[2] === 'OPTIONS') { options = derefPy(value, names); overrides.length = 0; }
      else if (path.length === 4 && path[2] === 'OPTIONS') overrides.push({ key: path[3]!, value });
    }
    if (options && options.type !== 'dictionary') {
      e.optionsExpr = options;
      e.observed.allUnknown = { expression: options.text, at: `${rel}:${lineOfNode(options)}` };
    } else if (options) {
      e.options = options;
      const opt = dictPairs(options, names);
      if (opt.opaque.length) e.observed.allUnknown = { expression: opt.opaque.map((o) => o.text).join(', '), at: `${rel}:${lineOfNode(opt.opaque[0]!)}` };
      const values = new Map([...opt.pairs].map(([k, p]) => [k, p.childForFieldName('value')!]));
      for (const o of overrides) values.set(o.key, o.value);
      readOptions(e, values, rel, names);
    }
    out.push(e);
  }
  return out;
}

function readOptions(e: DjangoEntry, values: Map<string, Node>, rel: string, names: PyNames): void {
  const init = values.get('init_command');
  if (init) {
    const pieces = resolvePy(init, names);
    e.initCommand = { node: init, pieces };
    const known = pieces.filter((p) => !isUnknown(p)).map((p) => (p as { text: string }).text).join(' ');
    const pragmas = parsePragmaSql(known);
    Object.assign(e.pragmas, pragmas);
    Object.assign(e.observed.set, judgedFrom(pragmas, `${rel}:${lineOfNode(init)}`));
    if (pieces.some(isUnknown)) for (const n of SETTING_NAMES) if (!e.observed.set[n]) e.observed.unknown[n] = { expression: init.text, at: `${rel}:${lineOfNode(init)}` };
  }
  const timeout = values.get('timeout');
  if (timeout) {
    const seconds = timeout.type === 'integer' || timeout.type === 'float' ? Number(timeout.text.replace(/_/g, '')) : NaN;
    if (Number.isFinite(seconds)) e.observed.set.busy_timeout = { value: normalise('busy_timeout', String(Math.round(seconds * 1000)))!, at: `${rel}:${lineOfNode(timeout)}` };
    else e.observed.unknown.busy_timeout = { expression: timeout.text, at: `${rel}:${lineOfNode(timeout)}` };
  }
  const mode = values.get('transaction_mode');
  const modeText = mode ? literal(resolvePy(mode, names)) : undefined;
  if (modeText) e.pragmas.transaction_mode = modeText.toUpperCase();
}

/** `DATABASES["default"]["OPTIONS"]` → ['DATABASES', 'default', 'OPTIONS'] (string keys only). */
function subscriptPath(node: Node, names: PyNames): string[] | undefined {
  const keys: string[] = [];
  let n: Node | null = node;
  while (n?.type === 'subscript') {
    const sub = n.childForFieldName('subscript');
    const key = sub ? literal(resolvePy(sub, names)) : undefined;
    if (key === undefined) return undefined;
    keys.unshift(key);
    n = n.childForFieldName('value');
  }
  return n?.type === 'identifier' && keys.length ? [n.text, ...keys] : undefined;
}
