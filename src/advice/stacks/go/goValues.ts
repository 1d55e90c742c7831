import { Pieces, commonSteps } from '../../pieces';
import { Node } from '../../syntax/treeSitter';

/**
 * Go string expressions resolved statically: literals, `+`, constants and
 * variables of the same package (every file of the folder), local `:=` in
 * the same function, and fmt.Sprintf with a literal format.
 */
export type GoNames = Map<string, Node[]>;

/** Package-level `const`/`var` names with one value each (a name assigned twice is not resolved). */
export function packageNames(root: Node, into: GoNames): void {
  for (const decl of root.namedChildren) {
    if (!decl || (decl.type !== 'const_declaration' && decl.type !== 'var_declaration')) continue;
    for (const spec of decl.descendantsOfType(['const_spec', 'var_spec'])) {
      const names = spec?.childrenForFieldName('name') ?? [];
      const values = spec?.childForFieldName('value')?.namedChildren ?? [];
      names.forEach((n, i) => { if (n && values[i]) into.set(n.text, [...(into.get(n.text) ?? []), values[i]!]); });
    }
  }
}

export function goString(node: Node): string | undefined {
  if (node.type === 'raw_string_literal') return node.text.slice(1, -1);
  if (node.type !== 'interpreted_string_literal') return undefined;
  const body = node.text.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[0-7]{3}|.)/g, (_, e: string) => {
    if (e[0] === 'x' || e[0] === 'u') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' } as Record<string, string>)[e] ?? e;
  });
}

/** The single local assignment of `name` before `at` in the enclosing function, if there is exactly one. */
function localValue(name: string, at: Node): Node | undefined | 'ambiguous' {
  let fn: Node | null = at.parent;
  while (fn && fn.type !== 'function_declaration' && fn.type !== 'method_declaration' && fn.type !== 'func_literal') fn = fn.parent;
  if (!fn) return undefined;
  const found: Node[] = [];
  for (const d of fn.descendantsOfType(['short_var_declaration', 'assignment_statement', 'var_spec'])) {
    if (!d || d.startIndex > at.startIndex) continue;
    const left = d.type === 'var_spec' ? d.childrenForFieldName('name') : d.childForFieldName('left')?.namedChildren ?? [];
    const right = d.type === 'var_spec' ? d.childForFieldName('value')?.namedChildren ?? [] : d.childForFieldName('right')?.namedChildren ?? [];
    left.forEach((l, i) => { if (l?.text === name) found.push(right[i] ?? d); });
  }
  if (found.length > 1) return 'ambiguous';
  return found[0];
}

export function resolveGo(node: Node, names: GoNames, depth = 0): Pieces {
  const unknown = (): Pieces => [{ unknown: node.text }];
  if (depth > 20) return unknown();
  const s = goString(node);
  if (s !== undefined) return [{ text: s, node }];
  // A local `:=` shadows the package's name: identifiers are resolved below, not by the common steps.
  if (node.type !== 'identifier') {
    const common = commonSteps(node, 'binary_expression', names, (n) => resolveGo(n, names, depth + 1));
    if (common) return common;
  }
  if (node.type === 'identifier') {
    const local = localValue(node.text, node);
    if (local === 'ambiguous') return unknown();
    if (local) return local.type === 'short_var_declaration' || local.type === 'assignment_statement' || local.type === 'var_spec' ? unknown() : resolveGo(local, names, depth + 1);
    const pkg = names.get(node.text);
    if (pkg?.length === 1) return resolveGo(pkg[0]!, names, depth + 1);
    return unknown();
  }
  if (node.type === 'call_expression' && node.childForFieldName('function')?.text === 'fmt.Sprintf') return sprintf(node, names, depth);
  return unknown();
}

function sprintf(call: Node, names: GoNames, depth: number): Pieces {
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  const fmtNode = args[0];
  const format = fmtNode ? goString(fmtNode) : undefined;
  if (!fmtNode || format === undefined) return [{ unknown: call.text }];
  const out: Pieces = [];
  let argIndex = 1;
  let last = 0;
  for (const m of format.matchAll(/%[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])/g)) {
    if (m.index! > last) out.push({ text: format.slice(last, m.index!), node: fmtNode });
    last = m.index! + m[0].length;
    if (m[1] === '%') { out.push({ text: '%', node: fmtNode }); continue; }
    const arg = args[argIndex++];
    if (!arg) return [{ unknown: call.text }];
    const value = resolveGo(arg, names, depth + 1);
    out.push(...(arg.type === 'int_literal' ? [{ text: arg.text }] : value));
  }
  if (last < format.length) out.push({ text: format.slice(last), node: fmtNode });
  return out;
}
