import * as path from 'node:path';
import { judgedFrom, Observed } from '../../facts';
import { conditionOf } from '../../syntax/conditions';
import { SETTING_NAMES, SettingName } from '../../findings';
import { isUnknown, literal, parsePragmaSql } from '../../pieces';
import { Node, lineOfNode } from '../../syntax/treeSitter';
import { JsNames, resolveJs } from './jsValues';

/**
 * What a Node file says about one connection, shared by the plain drivers
 * (node.ts) and the ORMs over them (nodeOrms.ts): the file it opens and the
 * PRAGMAs run on it.
 */
export interface JsFile { rel: string; text: string; tree: { rootNode: Node }; eol: string }

export function fileOf(arg: Node | undefined, names: JsNames, rootAbs: string, packageDir: string): { expr: string; database?: string; literal?: string } {
  if (!arg) return { expr: '', literal: '' };
  const lit = literal(resolveJs(arg, names));
  return { expr: arg.text, literal: lit, database: lit === undefined || lit === ':memory:' || lit === '' ? undefined : path.resolve(rootAbs, packageDir, lit) };
}

/** PRAGMAs set through `<receiver>.pragma('…')`, `.exec('PRAGMA …')`, `.run('PRAGMA …')` in `scope` (any receiver when undefined). */
export function pragmasOn(receiver: string | undefined, scope: Node, names: JsNames, rel: string, chainedFrom?: Node): Found {
  const out: Found = { pragmas: {}, at: new Map(), conditional: new Map(), unknown: [], calls: [] };
  for (const c of scope.descendantsOfType('call_expression')) {
    const fn = c?.childForFieldName('function');
    if (!c || !fn) continue;
    // With no receiver to follow (a pool hook's own connection), a helper that runs SQL counts too: asyncRun("PRAGMA …").
    if (fn.type !== 'member_expression' && !(receiver === undefined && fn.type === 'identifier')) continue;
    const method = fn.type === 'member_expression' ? fn.childForFieldName('property')?.text ?? '' : 'exec';
    const obj = fn.type === 'member_expression' ? fn.childForFieldName('object') : undefined;
    const onReceiver = receiver === undefined || obj?.text === receiver || (chainedFrom && obj && obj.startIndex <= chainedFrom.startIndex && obj.endIndex >= chainedFrom.endIndex);
    if (!onReceiver || !/^(pragma|exec|run|raw)$/.test(method)) continue;
    const arg = c.childForFieldName('arguments')?.namedChildren[0];
    if (!arg) continue;
    const pieces = resolveJs(arg, names);
    const text = pieces.filter((p) => !isUnknown(p)).map((p) => (p as { text: string }).text).join('');
    const found = parsePragmaSql(method === 'pragma' ? `PRAGMA ${text}` : text);
    const condition = conditionOf(c, scope);
    for (const [k, v] of Object.entries(found)) {
      if (condition) { out.conditional.set(k, condition); continue; }
      out.pragmas[k] = v;
      out.at.set(k, `${rel}:${lineOfNode(c)}`);
    }
    out.calls.push([c.startIndex, c.endIndex]);
    if (!Object.keys(found).length && pieces.some(isUnknown) && (method === 'pragma' || /PRAGMA/i.test(text))) out.unknown.push(arg.text);
  }
  return out;
}

/** PRAGMAs found on an instance: values and lines, those under a condition, computed ones, and the calls that hold them. */
export interface Found { pragmas: Record<string, string>; at: Map<string, string>; conditional: Map<string, string>; unknown: string[]; calls: [number, number][] }

/** What found pragmas say: set where they always run, unknown where a condition or a computed statement decides. */
export function observeFound(o: Observed, found: Found, at: string): void {
  Object.assign(o.set, judgedFrom(found.pragmas, (name) => found.at.get(name)!));
  for (const [k, cond] of found.conditional) if ((SETTING_NAMES as readonly string[]).includes(k) && !o.set[k as SettingName]) o.unknown[k as SettingName] = { expression: cond };
  if (found.unknown.length) o.allUnknown = { expression: found.unknown.join(', '), at };
}
