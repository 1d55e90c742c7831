import type { Node } from './syntax/treeSitter';

/**
 * A string as the code builds it, resolved as far as the code alone allows:
 * literal pieces (with the node that holds each, so an edit can extend it)
 * and pieces computed at run time (an env var, a function result, a name
 * defined elsewhere), kept as their source text.
 */
export type Piece = { text: string; node?: Node } | { unknown: string };
export type Pieces = Piece[];

export const isUnknown = (p: Piece): p is { unknown: string } => 'unknown' in p;

/** The whole string when every piece is literal. */
export function literal(pieces: Pieces): string | undefined {
  let out = '';
  for (const p of pieces) {
    if (isUnknown(p)) return undefined;
    out += p.text;
  }
  return out;
}

/** The source form of the pieces, for messages: literals as written, unknowns as their expressions. */
export function describe(pieces: Pieces): string {
  return pieces.map((p) => (isUnknown(p) ? `{${p.unknown}}` : p.text)).join('');
}

/** Runs of literal text between unknown pieces, each with the unknowns around it. */
export function unknowns(pieces: Pieces): string[] {
  return pieces.filter(isUnknown).map((p) => p.unknown);
}

/** "PRAGMA a = b; PRAGMA c(d)" → { a: 'b', c: 'd' } (names lower-cased, quotes stripped). */
export function parsePragmaSql(sql: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of sql.matchAll(/PRAGMA\s+(?:\w+\.)?(\w+)\s*(?:=\s*([^;'"\s)]+|'[^']*'|"[^"]*")|\(\s*([^)]*)\))/gi)) {
    const value = (m[2] ?? m[3] ?? '').replace(/^['"]|['"]$/g, '').trim();
    if (value) out[m[1]!.toLowerCase()] = value;
  }
  return out;
}

/** The literal that names `PRAGMA <name>` and the 1-based line of that text in it (a multi-line literal's own line). */
export function pieceNaming(pieces: Pieces, name: string): { node: Node; line: number } | undefined {
  const re = new RegExp(`PRAGMA\\s+(?:\\w+\\.)?${name.replace(/\W/g, '')}\\b`, 'i');
  for (const p of pieces) {
    if (isUnknown(p) || !p.node || !re.test(p.text)) continue;
    const m = re.exec(p.node.text);
    const before = m ? p.node.text.slice(0, m.index) : '';
    return { node: p.node, line: p.node.startPosition.row + 1 + (before.match(/\n/g)?.length ?? 0) };
  }
  return undefined;
}

/**
 * The steps every language's resolver shares, given how it resolves a child:
 * parentheses, `left + right` (of the grammar's binary node type), and a name
 * bound exactly once. Undefined when the node is none of these.
 */
export function commonSteps(node: Node, binaryType: string, names: ReadonlyMap<string, Node[]>, resolve: (n: Node) => Pieces): Pieces | undefined {
  if (node.type === 'parenthesized_expression' && node.namedChildren[0]) return resolve(node.namedChildren[0]);
  if (node.type === binaryType && node.childForFieldName('operator')?.text === '+') {
    const l = node.childForFieldName('left');
    const r = node.childForFieldName('right');
    if (l && r) return [...resolve(l), ...resolve(r)];
  }
  if (node.type === 'identifier') {
    const v = names.get(node.text);
    if (v?.length === 1) return resolve(v[0]!);
  }
  return undefined;
}
