import type { TextEdit } from '../../planners';
import { Node } from '../../syntax/treeSitter';

/**
 * Edits to a Python dict literal through its syntax tree: new `key: value`
 * entries go after the last entry (its comma and any trailing comment kept
 * on their line), or inside an empty `{}`, one per line in the dict's own
 * indentation; a one-line dict stays on one line.
 */
export interface Entry { key: string; value: string; comment?: string }

const lineStart = (text: string, at: number) => text.lastIndexOf('\n', at - 1) + 1;
export const indentOf = (text: string, at: number) => /^[ \t]*/.exec(text.slice(lineStart(text, at)))![0];

/** The end of the line holding `at` (before its \r\n or \n). */
export function lineEnd(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  const end = nl < 0 ? text.length : nl;
  return text[end - 1] === '\r' ? end - 1 : end;
}

export function addEntries(text: string, dict: Node, entries: readonly Entry[], eol: string): TextEdit[] {
  const items = dict.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  const inline = dict.startPosition.row === dict.endPosition.row;
  const render = (e: Entry, withComment: boolean) => `${e.key}: ${e.value}${withComment && e.comment ? `,  # ${e.comment}` : ','}`;
  if (inline) {
    const body = entries.map((e) => `${e.key}: ${e.value}`).join(', ');
    const last = items[items.length - 1];
    if (!last) return [{ start: dict.startIndex + 1, end: dict.endIndex - 1, text: body }];
    const comma = last.nextSibling?.type === ',' ? last.nextSibling : undefined;
    const at = comma ? comma.endIndex : last.endIndex;
    return [{ start: at, end: at, text: `${comma ? ' ' : ', '}${body}` }];
  }
  const last = items[items.length - 1];
  if (!last) {
    // `{` … `}` on different lines with nothing between but comments: entries go right after the `{` line.
    const indent = `${indentOf(text, dict.startIndex)}    `;
    const at = lineEnd(text, dict.startIndex);
    return [{ start: at, end: at, text: entries.map((e) => `${eol}${indent}${render(e, true)}`).join('') }];
  }
  const indent = indentOf(text, last.startIndex);
  const comma = last.nextSibling?.type === ',' ? last.nextSibling : undefined;
  const edits: TextEdit[] = [];
  if (!comma) edits.push({ start: last.endIndex, end: last.endIndex, text: ',' });
  // After the line holding the last entry's end (its comma and any comment stay where they are).
  const at = lineEnd(text, last.endIndex);
  const closeOnSameLine = dict.endPosition.row === last.endPosition.row;
  if (closeOnSameLine) {
    // `"NAME": x}`: the closing brace shares the line; entries go before it on lines of their own.
    const close = dict.endIndex - 1;
    return [...edits, { start: close, end: close, text: `${entries.map((e) => `${eol}${indent}${render(e, false)}`).join('')}${eol}${indentOf(text, dict.startIndex)}` }];
  }
  edits.push({ start: at, end: at, text: entries.map((e) => `${eol}${indent}${render(e, true)}`).join('') });
  return edits;
}

/** A nested dict value, rendered for `addEntries` at the indentation it will sit at. */
export function renderDict(entries: readonly Entry[], indent: string, eol: string): string {
  return `{${entries.map((e) => `${eol}${indent}    ${e.key}: ${e.value},${e.comment ? `  # ${e.comment}` : ''}`).join('')}${eol}${indent}}`;
}

/** The indentation new entries of `dict` get (that of its last entry, else one level in). */
export function entryIndent(text: string, dict: Node): string {
  const items = dict.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  const last = items[items.length - 1];
  return last && dict.startPosition.row !== dict.endPosition.row ? indentOf(text, last.startIndex) : `${indentOf(text, dict.startIndex)}    `;
}

/** After a statement, on its own lines: where new statements go (its line's end), or undefined when code shares that line. */
export function afterStatement(text: string, statement: Node): number | undefined {
  const at = lineEnd(text, statement.endIndex);
  const rest = text.slice(statement.endIndex, at).trim();
  return rest === '' || rest.startsWith('#') ? at : undefined;
}
