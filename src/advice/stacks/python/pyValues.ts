import { Pieces, commonSteps } from '../../pieces';
import { Node } from '../../syntax/treeSitter';

/**
 * Python expressions resolved statically: string literals (with escapes),
 * implicit and `+` concatenation, f-strings (their literal parts; each
 * `{…}` is unknown), parentheses, and module-level names assigned once.
 */
export type PyNames = Map<string, Node[]>;

/** Module-level `NAME = value` assignments. */
export function moduleNames(root: Node): PyNames {
  const out: PyNames = new Map();
  for (const st of root.namedChildren) {
    const a = st?.type === 'expression_statement' ? st.namedChildren[0] : undefined;
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type === 'identifier' && right) out.set(left.text, [...(out.get(left.text) ?? []), right]);
  }
  return out;
}

const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '\n': '', a: '\x07', b: '\b', f: '\f', v: '\v', 0: '\0' };

export function pyString(node: Node): Pieces | undefined {
  if (node.type === 'concatenated_string') return node.namedChildren.flatMap((c) => (c ? pyString(c) ?? [{ unknown: c.text }] : []));
  if (node.type !== 'string') return undefined;
  const prefix = (node.children[0]?.text ?? '').replace(/["']+$/, '').toLowerCase();
  if (prefix.includes('b')) return [{ unknown: node.text }];
  const raw = prefix.includes('r');
  const out: Pieces = [];
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === 'string_content') out.push({ text: raw ? c.text : c.text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|\n|.)/g, (_, e: string) => (e.length > 1 ? String.fromCharCode(parseInt(e.slice(1), 16)) : ESC[e] ?? `\\${e}`)), node });
    else if (c.type === 'escape_sequence') out.push({ text: raw ? c.text : c.text.replace(/^\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)$/s, (_, e: string) => (e.length > 1 ? String.fromCharCode(parseInt(e.slice(1), 16)) : ESC[e] ?? `\\${e}`)), node });
    else if (c.type === 'interpolation') out.push({ unknown: c.text });
  }
  return out;
}

export function resolvePy(node: Node, names: PyNames, depth = 0): Pieces {
  const unknown: Pieces = [{ unknown: node.text }];
  if (depth > 20) return unknown;
  const s = pyString(node);
  if (s) return s;
  const common = commonSteps(node, 'binary_operator', names, (n) => resolvePy(n, names, depth + 1));
  if (common) return common;
  // "sqlite:///{0}".format(path): the literal parts are known, each {…} is the argument's (run-time) value.
  const fn = node.type === 'call' ? node.childForFieldName('function') : undefined;
  if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'format') {
    const template = literalOf(resolvePy(fn.childForFieldName('object')!, names, depth + 1));
    if (template !== undefined) {
      const out: Pieces = [];
      let last = 0;
      for (const m of template.matchAll(/\{[^{}]*\}/g)) {
        if (m.index! > last) out.push({ text: template.slice(last, m.index!) });
        out.push({ unknown: `${m[0]} of ${node.text}` });
        last = m.index! + m[0].length;
      }
      if (last < template.length) out.push({ text: template.slice(last) });
      return out;
    }
  }
  return unknown;
}

const literalOf = (p: Pieces) => (p.every((x) => 'text' in x) ? p.map((x) => (x as { text: string }).text).join('') : undefined);

/** The node a name stands for, through module-level names assigned once. */
export function derefPy(node: Node, names: PyNames): Node {
  let n = node;
  for (let i = 0; i < 20 && n.type === 'identifier'; i++) {
    const v = names.get(n.text);
    if (v?.length !== 1) break;
    n = v[0]!;
  }
  return n;
}

/** Key (resolved string) → pair node of a dict literal; splats and computed keys are listed apart. */
export function dictPairs(dict: Node, names: PyNames): { pairs: Map<string, Node>; opaque: Node[] } {
  const pairs = new Map<string, Node>();
  const opaque: Node[] = [];
  for (const c of dict.namedChildren) {
    if (!c || c.type === 'comment') continue;
    if (c.type !== 'pair') { opaque.push(c); continue; }
    const key = c.childForFieldName('key');
    const k = key ? resolvePy(key, names) : [];
    const text = k.every((p) => 'text' in p) ? k.map((p) => (p as { text: string }).text).join('') : undefined;
    if (text === undefined) opaque.push(c);
    else pairs.set(text, c);
  }
  return { pairs, opaque };
}
