import type { PlanResult } from '../../planners';
import type { Recommended } from '../../knowledge/recommended';
import { Node } from '../../syntax/treeSitter';
import type { JsFile } from './nodePragmas';

/**
 * Pragma calls for a Node connection, placed through the syntax tree: on the
 * variable the instance is bound to, right after the whole statement that
 * creates it (a chain like `new Database(f).defaultSafeIntegers(true)` stays
 * whole), in the same block, never after a `return`.
 */
const STATEMENTS = /^(lexical_declaration|variable_declaration|expression_statement|export_statement|return_statement|throw_statement)$/;

export function statementOf(expr: Node): Node | undefined {
  let n: Node | null = expr;
  while (n && !STATEMENTS.test(n.type)) {
    if (/^(arrow_function|function_expression|function_declaration|class_body|program|statement_block)$/.test(n.type)) return undefined;
    n = n.parent;
  }
  return n ?? undefined;
}

const lineStart = (text: string, at: number) => text.lastIndexOf('\n', at - 1) + 1;

export function planNodePragmas(f: JsFile, expr: Node, statement: Node | undefined, name: string | undefined, _scope: Node, driverId: string, missing: readonly Recommended[]): PlanResult {
  const list = missing.map((r) => r.name).join(', ');
  if (!statement || statement.type === 'return_statement' || statement.type === 'throw_statement') {
    return `the database is created inside an expression (${expr.text}), not bound to a variable: call ${driverId === 'better-sqlite3' ? '.pragma()' : '.exec()'} on it where it is kept, to set ${list}`;
  }
  if (!name || !/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)?$/.test(name)) {
    return `the database is not bound to a plain variable (${statement.text.slice(0, 80)}): set ${list} on it after it is created`;
  }
  // `export const db = new …` is one statement: the calls go after the export, which is what sits in the program.
  if (statement.parent?.type === 'export_statement') statement = statement.parent;
  // The statement must sit in a block or the program: an arrow function's expression body has no place for another statement.
  const container = statement.parent;
  if (!container || !/^(program|statement_block|switch_case)$/.test(container.type)) return `the statement that creates the database is not in a block: set ${list} after it by hand`;
  const indent = /^[ \t]*/.exec(f.text.slice(lineStart(f.text, statement.startIndex)))![0];
  const calls = driverId === 'better-sqlite3'
    ? missing.map((r) => `${name}.pragma('${r.name} = ${r.value}');`)
    : [`${name}.exec(${JSON.stringify(missing.map((r) => `PRAGMA ${r.name}=${r.value};`).join(' '))});`];
  // A statement without its `;` (ASI) still ends at its node: the new statements go on lines of their own.
  const at = statement.endIndex;
  const sameLineRest = f.text.slice(at, f.text.indexOf('\n', at) < 0 ? f.text.length : f.text.indexOf('\n', at));
  const oneLine = sameLineRest.trim() !== '' && !/^\s*(\/\/.*)?\r?$/.test(sameLineRest);
  const insertAt = oneLine ? at : at + sameLineRest.replace(/\r$/, '').length;
  return {
    title: `Set ${list} after opening the database`,
    edits: [{ start: insertAt, end: insertAt, text: calls.map((c) => `${f.eol}${indent}${c}`).join('') + (oneLine ? `${f.eol}${indent}` : '') }],
  };
}
