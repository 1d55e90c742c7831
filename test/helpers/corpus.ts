import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { findAppSettings } from '../../src/advice/appConfig';
import type { ConnectionFinding } from '../../src/advice/findings';
import { tempDir } from './fixtures';

/**
 * The corpus of real projects (test/corpus/<slug>/, verdicts in
 * EXPECTED.json, written by reading each project's code) compared with what
 * the analysis finds: each expected production connection found at its
 * file:line, and each of its facts right, honestly unknown, or wrong.
 */
export const CORPUS = path.join(__dirname, '..', 'corpus');
export const JUDGED = ['journal_mode', 'busy_timeout', 'synchronous', 'foreign_keys'] as const;

export interface ExpectedFact { state: 'set' | 'default' | 'unknown'; value?: string | number; at?: string; source?: string; expression?: string }
export interface Expected {
  stack: string;
  production: { file: string; line: number; driver: string; settings: Record<string, ExpectedFact> }[];
  tests: { file: string; line: number }[];
}

export const projects = (): string[] => readdirSync(CORPUS).filter((n) => statSync(path.join(CORPUS, n)).isDirectory()).sort();
export const expected = (slug: string): Expected => JSON.parse(readFileSync(path.join(CORPUS, slug, 'EXPECTED.json'), 'utf8')) as Expected;

/** A private copy of a project: fixes run there, never in the repository. */
export function copyProject(slug: string): string {
  const dir = tempDir(`corpus-${slug}-`);
  cpSync(path.join(CORPUS, slug), dir, { recursive: true });
  return dir;
}

export type Verdict = 'right' | 'unknown' | 'wrong';

/** Our fact against the verdict: the same state and value is right; our "unknown" is honest; anything else is wrong. */
export function judge(ours: ConnectionFinding['settings'][keyof ConnectionFinding['settings']] | undefined, want: ExpectedFact): Verdict {
  if (!ours || ours.state === 'unknown') return want.state === 'unknown' || ours ? 'unknown' : 'wrong';
  if (want.state === 'unknown') return 'wrong';
  if (ours.state !== want.state || String(ours.value).toLowerCase() !== String(want.value).toLowerCase()) return 'wrong';
  return want.state === 'set' && ours.state === 'set' && ours.at !== want.at ? 'wrong' : 'right';
}

export interface ProjectResult {
  slug: string;
  found: number;
  expected: number;
  facts: Record<Verdict, number>;
  misses: string[];
}

export async function evaluate(slug: string, root: string): Promise<ProjectResult> {
  const want = expected(slug);
  const findings = await findAppSettings(root);
  const result: ProjectResult = { slug, found: 0, expected: want.production.length, facts: { right: 0, unknown: 0, wrong: 0 }, misses: [] };
  for (const p of want.production) {
    const here = findings.connections.filter((c) => c.file === p.file && c.line === p.line && c.scope !== 'test');
    const ours = here.find((c) => c.driver === p.driver || c.via === p.driver) ?? here[0];
    if (!ours) { result.misses.push(`not found: ${p.file}:${p.line} (${p.driver}); ours: ${findings.connections.map((c) => `${c.file}:${c.line}/${c.scope}`).join(', ') || 'none'}`); continue; }
    result.found++;
    if (ours.driver !== p.driver && ours.via !== p.driver) result.misses.push(`${p.file}:${p.line} driver ${ours.via ? `${ours.via} over ` : ''}${ours.driver}, expected ${p.driver}`);
    for (const name of JUDGED) {
      const w = p.settings[name];
      if (!w) continue;
      const v = judge(ours.settings[name], w);
      result.facts[v]++;
      if (v === 'wrong') result.misses.push(`${p.file}:${p.line} ${name}: ours ${JSON.stringify(ours.settings[name])}, expected ${JSON.stringify(w)}`);
    }
  }
  return result;
}
