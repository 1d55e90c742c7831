import * as path from 'node:path';
import type { AppFindings, ConnectionFinding } from '../findings';
import type { Fix, Unfixable } from './fixTypes';
import { planMisconfigFixes } from './misconfig';
import { TextEdit, plannerOf, spansOf } from '../planners';
import { missingSettings } from '../knowledge/recommended';
import { SourceText, readSource } from '../sourceText';
import { grammarFor, parse } from '../syntax/treeSitter';

/**
 * Fixes that write the recommended per-connection settings where each stack
 * expects them, as edits of the syntax-tree nodes the analysis found
 * (offsets into the file as read, so an editor can preview and undo them, and
 * the CLI can print a diff). Test connections are never fixed. Each fix only
 * adds what is missing, so applying it twice changes nothing. Where the
 * right edit cannot be proved, the finding is returned as unfixable with the
 * reason, never guessed at; settings that are unknown are named, not added.
 */
export type { TextEdit } from '../planners';
export type { Fix, Unfixable };

export interface WorkspacePlan {
  fixes: Fix[];
  unfixable: Unfixable[];
  /** Settings left alone because they are computed at run time: "file:line setting: expression". */
  unknown: string[];
  /** Test connections found (never fixed, never counted). */
  tests: { file: string; line: number; stack: ConnectionFinding['stack'] }[];
  /** Files that could not be read or parsed. */
  problems: { file: string; error: string }[];
  /** Each file's text as read, with its encoding and line endings (the edits' offsets are into it). */
  sources: Map<string, SourceText>;
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Every fix for the app under `root`. */
export async function planWorkspaceFixes(root: string, exclude: readonly string[] = []): Promise<WorkspacePlan> {
  const { findAppSettings, releaseTrees } = await import('../appConfig');
  const findings = await findAppSettings(root, exclude, { keepTrees: true });
  try {
    return await planFindings(root, findings);
  } finally {
    releaseTrees(findings);
  }
}

async function planFindings(root: string, findings: AppFindings): Promise<WorkspacePlan> {
  const plan: WorkspacePlan = { fixes: [], unfixable: [], unknown: [], tests: [], problems: [...(findings.problems ?? [])], sources: new Map() };
  const source = async (rel: string) => {
    if (!plan.sources.has(rel)) plan.sources.set(rel, await readSource(path.join(root, rel), 4 * 1024 * 1024));
    return plan.sources.get(rel)!;
  };
  const fixed = new Set<string>();
  for (const f of findings.connections) {
    if (f.scope === 'test') { plan.tests.push({ file: f.file, line: f.line, stack: f.stack }); continue; }
    const unknown = Object.entries(f.settings).filter(([, s]) => s.state === 'unknown') as [string, { expression: string }][];
    for (const [expr, names] of groupBy(unknown)) plan.unknown.push(`${f.file}:${f.line} ${names.join(', ')}: computed at run time (${expr})`);
    let text: SourceText;
    try {
      text = await source(f.file);
    } catch (err) {
      plan.problems.push({ file: f.file, error: (err as Error).message });
      continue;
    }
    // What is wrong first (a setting that silently does nothing); what is missing is planned on the
    // corrected text, in the next round (the CLI runs rounds until nothing changes; the editor re-plans on save).
    const mine = spansOf(f);
    const wrong = (await outsideComments(f.file, text.text, planMisconfigFixes(f, text.text)))
      .filter((fix) => !mine || fix.edits.every((e) => mine.some(([a, b]) => e.start >= a && e.end <= b)));
    for (const fix of wrong) if (!plan.fixes.some((x) => x.file === fix.file && x.edits[0]!.start === fix.edits[0]!.start)) plan.fixes.push(fix);
    if (wrong.length || plan.fixes.some((x) => x.file === f.file && x.missing.length === 0)) continue;
    const missing = missingSettings(f.settings);
    const planner = plannerOf(f);
    if (!missing.length || !planner) continue;
    const base = { file: f.file, line: f.line, stack: f.stack, missing: missing.map((m) => `${m.name}=${m.value}`) };
    const result = planner(missing);
    if (typeof result === 'string') { plan.unfixable.push({ ...base, why: result }); continue; }
    const key = `${f.file}\u0000${JSON.stringify(result.edits)}`;
    if (fixed.has(key)) continue; // two entries that share one edit (one DSN constant, one receiver)
    fixed.add(key);
    const { rest, ...fix } = result;
    plan.fixes.push({ ...base, ...fix, missing: base.missing.filter((m) => !rest?.missing.some((r) => m.startsWith(`${r.name}=`))) });
    if (rest) plan.unfixable.push({ ...base, missing: rest.missing.map((m) => `${m.name}=${m.value}`), why: rest.why });
  }
  return plan;
}

function groupBy(unknown: [string, { expression: string }][]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, s] of unknown) out.set(s.expression, [...(out.get(s.expression) ?? []), name]);
  return out;
}

/** Misconfiguration fixes read from text: only those outside comments count (commented-out code is not the app's). */
async function outsideComments(rel: string, text: string, fixes: Fix[]): Promise<Fix[]> {
  const grammar = grammarFor(rel);
  if (!fixes.length || !grammar) return fixes;
  const tree = await parse(grammar, text);
  try {
    const comments: [number, number][] = [];
    for (const n of tree.rootNode.descendantsOfType('comment')) if (n) comments.push([n.startIndex, n.endIndex]);
    return fixes.filter((f) => !f.edits.some((e) => comments.some(([s, end]) => e.start >= s && e.start < end)));
  } finally {
    tree.delete();
  }
}
