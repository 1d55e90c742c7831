import type { ConnectionFinding } from './findings';
import type { Recommended } from './knowledge/recommended';

/**
 * How to fix one connection, decided where its syntax tree was read: the
 * analyser that found the connection leaves a planner beside it (offsets
 * into the file as read), so the fix edits the node the analysis saw.
 */
export interface TextEdit { start: number; end: number; text: string }
/** A fix, or why there is none; a fix may leave part of what is missing to the app (`rest`, with why). */
export type PlanResult = { title: string; edits: TextEdit[]; rest?: { missing: readonly Recommended[]; why: string } } | string;
export type Planner = (missing: readonly Recommended[]) => PlanResult;

const planners = new WeakMap<ConnectionFinding, Planner>();

export function setPlanner(finding: ConnectionFinding, planner: Planner): void {
  planners.set(finding, planner);
}

/** The planner of a finding whose syntax trees are still alive (findAppSettings with keepTrees). */
export function plannerOf(finding: ConnectionFinding): Planner | undefined {
  return planners.get(finding);
}

/**
 * Where in its file a connection is configured (offset ranges of the nodes
 * the analysis read: a DATABASES entry, a DSN, the pragma calls on the
 * instance, a database.yml entry). Misconfigurations are corrected only
 * there — never in another connection's code, a test's, or a comment.
 */
const spans = new WeakMap<ConnectionFinding, [number, number][]>();

export function setSpans(finding: ConnectionFinding, ranges: [number, number][]): void {
  spans.set(finding, ranges);
}

export function spansOf(finding: ConnectionFinding): [number, number][] | undefined {
  return spans.get(finding);
}
