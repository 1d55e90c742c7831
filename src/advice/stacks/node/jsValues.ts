import { Pieces, commonSteps } from '../../pieces';
import { Node } from '../../syntax/treeSitter';

/**
 * JavaScript/TypeScript string expressions resolved statically: string and
 * template literals (each `${…}` unknown), `+`, and module-level `const`
 * names bound once.
 */
export type JsNames = Map<string, Node[]>;

export function moduleConsts(root: Node): JsNames {
  const out: JsNames = new Map();
  for (const st of root.namedChildren) {
    const decl = st?.type === 'export_statement' ? st.childForFieldName('declaration') : st;
    if (decl?.type !== 'lexical_declaration' && decl?.type !== 'variable_declaration') continue;
    for (const d of decl.namedChildren) {
      const name = d?.type === 'variable_declarator' ? d.childForFieldName('name') : undefined;
      const value = d?.childForFieldName('value');
      if (name?.type === 'identifier' && value) out.set(name.text, [...(out.get(name.text) ?? []), value]);
    }
  }
  return out;
}

function unescapeJs(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|\r?\n|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (e[0] === 'u') return String.fromCodePoint(parseInt(e.replace(/[u{}]/g, ''), 16));
    return ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', 0: '\0' } as Record<string, string>)[e] ?? (e.startsWith('\n') || e.startsWith('\r') ? '' : e);
  });
}

export function resolveJs(node: Node, names: JsNames, depth = 0): Pieces {
  const unknown: Pieces = [{ unknown: node.text }];
  if (depth > 20) return unknown;
  if (node.type === 'string') return [{ text: unescapeJs(node.text.slice(1, -1)), node }];
  if (node.type === 'template_string') {
    const out: Pieces = [];
    for (const c of node.namedChildren) {
      if (c?.type === 'string_fragment') out.push({ text: c.text, node });
      else if (c?.type === 'escape_sequence') out.push({ text: unescapeJs(c.text), node });
      else if (c) out.push({ unknown: c.text });
    }
    return out.length ? out : [{ text: '', node }];
  }
  if ((node.type === 'as_expression' || node.type === 'satisfies_expression' || node.type === 'non_null_expression') && node.namedChildren[0]) return resolveJs(node.namedChildren[0], names, depth + 1);
  return commonSteps(node, 'binary_expression', names, (n) => resolveJs(n, names, depth + 1)) ?? unknown;
}

/** `{ key: value }` of an object literal (plain keys only). */
export function objectProps(obj: Node | null | undefined): Map<string, Node> {
  const out = new Map<string, Node>();
  if (obj?.type !== 'object') return out;
  for (const p of obj.namedChildren) {
    if (p?.type === 'pair') {
      const k = p.childForFieldName('key');
      const v = p.childForFieldName('value');
      if (k && v) out.set(k.text.replace(/^["']|["']$/g, ''), v);
    } else if (p?.type === 'shorthand_property_identifier') out.set(p.text, p);
    else if (p?.type === 'method_definition') { const k = p.childForFieldName('name'); if (k) out.set(k.text, p); }
  }
  return out;
}
