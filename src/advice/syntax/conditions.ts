import type { Node } from './treeSitter';

/**
 * A setting applied under a condition (`if walMode: …`, `if (testMode) … else …`)
 * is decided at run time: the analysers report it as unknown, with the
 * condition as its expression. Python and JavaScript trees name these nodes alike.
 * Returns the condition a statement runs under inside `scope`, if any.
 */
export function conditionOf(n: Node, scope: Node): string | undefined {
  for (let p = n.parent; p && p !== scope; p = p.parent) {
    if (/^(if_statement|elif_clause|conditional_expression|ternary_expression)$/.test(p.type)) return unparen((p.childForFieldName('condition') ?? p.namedChildren[1] ?? p).text);
    if (p.type === 'else_clause' && p.parent) return `not ${p.parent.childForFieldName('condition')?.text ?? ''}`;
  }
  return undefined;
}

const unparen = (s: string) => (s.startsWith('(') && s.endsWith(')') ? s.slice(1, -1) : s);
