import { Observed, judgedFrom, normalise } from '../../facts';
import { SETTING_NAMES } from '../../findings';
import { Pieces, isUnknown, literal, parsePragmaSql, pieceNaming, unknowns } from '../../pieces';
import { Node, lineOfNode } from '../../syntax/treeSitter';
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

/** ENGINE names the sqlite3 backend, or is "django.db.backends." + a run-time choice in a module that names sqlite3. */
function isSqliteEngine(value: Node, names: PyNames, text: string): boolean {
  const pieces = resolvePy(value, names);
  const known = pieces.filter((p) => !isUnknown(p)).map((p) => (p as { text: string }).text);
  if (known.some((k) => k.includes('django.db.backends.sqlite3'))) return true;
  if (value.type === 'boolean_operator') return value.namedChildren.some((c) => !!c && isSqliteEngine(c, names, text));
  return known.join('') === 'django.db.backends.' && pieces.some(isUnknown) && /["']sqlite3["']/.test(text);
}

/** The subscript path a dict is bound to: `X = {…}` → [X]; `DATABASES = {"default": {…}}` → [DATABASES, default]. */
function bindingPath(dict: Node, names: PyNames): string[] | undefined {
  const parent = dict.parent;
  if (parent?.type === 'assignment') return subscriptPath(parent.childForFieldName('left')!, names) ?? (parent.childForFieldName('left')!.type === 'identifier' ? [parent.childForFieldName('left')!.text] : undefined);
  if (parent?.type === 'pair' && parent.parent?.type === 'dictionary') {
    const key = literal(resolvePy(parent.childForFieldName('key')!, names));
    const outer = bindingPath(parent.parent, names);
    return key !== undefined && outer ? [...outer, key] : undefined;
  }
  return undefined;
}

/** A conditional OPTIONS (`{…} if sqlite else {}`): the branch that holds settings is the SQLite one. */
function settingsBranch(value: Node, names: PyNames): Node {
  const v = derefPy(value, names);
  if (v.type === 'conditional_expression') {
    const dicts = v.namedChildren.filter((c): c is Node => !!c && c.type === 'dictionary');
    return dicts.find((d) => d.namedChildren.some((c) => c?.type === 'pair')) ?? v;
  }
  if (v.type === 'parenthesized_expression' && v.namedChildren[0]) return settingsBranch(v.namedChildren[0], names);
  return v;
}

/** Every dict literal of a settings module whose ENGINE is SQLite, with its OPTIONS as they take effect. */
export function djangoEntries(root: Node, rel: string, names: PyNames, text: string): DjangoEntry[] {
  const out: DjangoEntry[] = [];
  const assigns = root.descendantsOfType('assignment').filter((a): a is Node => !!a);
  for (const entry of root.descendantsOfType('dictionary')) {
    if (!entry) continue;
    const { pairs: keys, opaque } = dictPairs(entry, names);
    const enginePair = keys.get('ENGINE');
    const engine = enginePair?.childForFieldName('value');
    if (!engine || !isSqliteEngine(engine, names, text)) continue;
    const binding = bindingPath(entry, names);
    const alias = binding?.[binding.length - 1] ?? 'default';
    const e: DjangoEntry = { alias, aliasNode: enginePair!, entry, engine: enginePair!, name: keys.get('NAME')?.childForFieldName('value') ?? undefined, observed: { set: {}, unknown: {} }, pragmas: {} };
    const optionsValue = keys.get('OPTIONS')?.childForFieldName('value') ?? undefined;
    let options = optionsValue ? settingsBranch(optionsValue, names) : undefined;
    if (!optionsValue && opaque.length) e.observed.allUnknown = { expression: opaque.map((o) => o.text).join(', '), at: `${rel}:${lineOfNode(opaque[0]!)}` };
    // Later statements win: X["OPTIONS"] = … and X["OPTIONS"]["key"] = …, where X is the path the entry is bound to.
    const overrides: { key: string; value: Node }[] = [];
    for (const a of binding ? assigns : []) {
      if (a.startIndex < entry.endIndex) continue;
      const path = subscriptPath(a.childForFieldName('left')!, names);
      if (!path || path.length < binding!.length + 1 || binding!.some((k, i) => path[i] !== k) || path[binding!.length] !== 'OPTIONS') continue;
      const value = a.childForFieldName('right')!;
      if (path.length === binding!.length + 1) { options = settingsBranch(value, names); overrides.length = 0; }
      else if (path.length === binding!.length + 2) overrides.push({ key: path[binding!.length + 1]!, value });
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
    const mutation = binding && laterMutation(root, entry, [...binding, 'OPTIONS'], names);
    // `DATABASES["default"].update({...})` and the like may replace what the literal says: every setting is then the run's.
    if (mutation) e.observed = { set: {}, unknown: {}, allUnknown: { expression: mutation.text, at: `${rel}:${lineOfNode(mutation)}` } };
    out.push(e);
  }
  return out;
}

const MUTATORS = new Set(['update', 'setdefault', 'pop', 'popitem', 'clear']);

/** A later `X.update(…)` (or another mutating dict method) on the OPTIONS path or a dict that holds it. */
function laterMutation(root: Node, entry: Node, optionsPath: string[], names: PyNames): Node | undefined {
  for (const call of root.descendantsOfType('call')) {
    const fn = call?.childForFieldName('function');
    if (!call || call.startIndex < entry.endIndex || fn?.type !== 'attribute' || !MUTATORS.has(fn.childForFieldName('attribute')?.text ?? '')) continue;
    const object = fn.childForFieldName('object')!;
    const path = object.type === 'identifier' ? [object.text] : subscriptPath(object, names);
    if (path && path.length <= optionsPath.length && path.every((k, i) => optionsPath[i] === k)) return call;
  }
  return undefined;
}

function readOptions(e: DjangoEntry, values: Map<string, Node>, rel: string, names: PyNames): void {
  // timeout is sqlite3.connect's; an init_command busy_timeout runs after it and wins.
  const timeout = values.get('timeout');
  if (timeout) {
    const seconds = timeout.type === 'integer' || timeout.type === 'float' ? Number(timeout.text.replace(/_/g, '')) : NaN;
    if (Number.isFinite(seconds)) e.observed.set.busy_timeout = { value: normalise('busy_timeout', String(Math.round(seconds * 1000)))!, at: `${rel}:${lineOfNode(timeout)}` };
    else e.observed.unknown.busy_timeout = { expression: timeout.text, at: `${rel}:${lineOfNode(timeout)}` };
  }
  const init = values.get('init_command');
  if (init) {
    const pieces = resolvePy(init, names);
    e.initCommand = { node: init, pieces };
    // A run-time piece stands as \u0001: a value that holds one is unknown, not the literal around it.
    const parsed = parsePragmaSql(pieces.map((p) => (isUnknown(p) ? '\u0001' : p.text)).join(''));
    const pragmas = Object.fromEntries(Object.entries(parsed).filter(([, v]) => !v.includes('\u0001')));
    Object.assign(e.pragmas, pragmas);
    Object.assign(e.observed.set, judgedFrom(pragmas, (name) => `${rel}:${pieceNaming(pieces, name)?.line ?? lineOfNode(init)}`));
    if (pieces.some(isUnknown)) for (const n of SETTING_NAMES) if (!pragmas[n]) e.observed.unknown[n] = { expression: parsed[n]?.includes('\u0001') ? unknowns(pieces).join(' ') : init.text, at: `${rel}:${lineOfNode(init)}` };
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
