import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { findAppSettings } from '../src/advice/appConfig';
import { grammarFor, hasSyntaxError, parse } from '../src/advice/syntax/treeSitter';
import { cli } from './helpers/apps';
import { CORPUS, ProjectResult, copyProject, evaluate, expected, projects } from './helpers/corpus';

/**
 * The corpus of real projects (test/corpus/, verdicts written by reading
 * each project): every production connection is found at its file:line,
 * every fact is right or honestly unknown (never wrong), test connections are
 * never counted nor edited, the files `fix` writes still compile, and a
 * second `fix` changes nothing.
 */
const GOFMT = spawnSync('gofmt', ['-h']).error ? undefined : 'gofmt';

function filesOf(root: string, rel = ''): string[] {
  return readdirSync(path.join(root, rel)).flatMap((name) => {
    const child = rel ? `${rel}/${name}` : name;
    return statSync(path.join(root, child)).isDirectory() ? filesOf(root, child) : [child];
  });
}

async function assertCompiles(root: string, rel: string, original: string): Promise<void> {
  const abs = path.join(root, rel);
  const grammar = grammarFor(rel);
  if (grammar) {
    const [before, now] = [await parse(grammar, original), await parse(grammar, readFileSync(abs, 'latin1'))];
    try {
      assert.ok(hasSyntaxError(before) || !hasSyntaxError(now), `${rel}: the fixed file has a syntax error`);
    } finally {
      before.delete();
      now.delete();
    }
  }
  if (rel.endsWith('.py')) execFileSync('python3', ['-m', 'py_compile', abs]);
  if (rel.endsWith('.go') && GOFMT) execFileSync(GOFMT, ['-e', abs], { stdio: 'ignore' });
  if (/\.(js|cjs|mjs)$/.test(rel)) execFileSync(process.execPath, ['--check', abs]);
  if (/\.ya?ml$/.test(rel)) {
    const { parseDocument } = await import('yaml');
    assert.equal(parseDocument(readFileSync(abs, 'utf8').replace(/<%[\s\S]*?%>/g, (m) => 'E'.repeat(m.length))).errors.length, 0, `${rel}: YAML`);
  }
}

describe('the corpus of real projects', () => {
  const results: ProjectResult[] = [];
  after(() => {
    const sum = (f: (r: ProjectResult) => number) => results.reduce((a, r) => a + f(r), 0);
    console.log(`corpus: ${results.length} projects; production connections found ${sum((r) => r.found)}/${sum((r) => r.expected)}; facts right ${sum((r) => r.facts.right)}, honestly unknown ${sum((r) => r.facts.unknown)}, wrong ${sum((r) => r.facts.wrong)}`);
  });

  for (const slug of projects()) {
    it(slug, async () => {
      const root = copyProject(slug);
      const want = expected(slug);
      const result = await evaluate(slug, root);
      results.push(result);
      assert.equal(result.found, result.expected, result.misses.join('\n'));
      assert.equal(result.facts.wrong, 0, result.misses.join('\n'));

      const found = await findAppSettings(root);
      for (const t of want.tests) {
        const at = found.connections.filter((c) => c.file === t.file && c.line === t.line);
        assert.ok(at.every((c) => c.scope === 'test'), `${t.file}:${t.line} is a test connection`);
      }

      const before = new Map(filesOf(root).map((f) => [f, readFileSync(path.join(root, f), 'latin1')]));
      const planned = JSON.parse(cli('fix', root, '--dry-run', '--json').stdout) as { fixed: { file: string; line: number }[] };
      for (const t of want.tests) assert.ok(!planned.fixed.some((x) => x.file === t.file && x.line === t.line), `${t.file}:${t.line}: a test connection is never fixed`);
      const first = cli('fix', root);
      assert.ok(first.status === 0 || first.status === 3, first.stdout + first.stderr);
      // A file that holds only test connections is not touched at all.
      const appFiles = new Set(want.production.map((p) => p.file));
      for (const t of want.tests) if (!appFiles.has(t.file)) assert.equal(readFileSync(path.join(root, t.file), 'latin1'), before.get(t.file), `${t.file}: test code is never edited`);
      const changed = [...before].filter(([f, text]) => readFileSync(path.join(root, f), 'latin1') !== text);
      for (const [f, text] of changed) await assertCompiles(root, f, text);
      const afterFirst = new Map(filesOf(root).map((f) => [f, readFileSync(path.join(root, f), 'latin1')]));
      const second = cli('fix', root);
      assert.doesNotMatch(second.stdout, /^fixed /m, `a second fix changes nothing:\n${second.stdout}`);
      for (const [f, text] of afterFirst) assert.equal(readFileSync(path.join(root, f), 'latin1'), text, `${f} changed on the second fix`);
    });
  }

  it('every project of the corpus has its verdicts', () => {
    assert.ok(projects().length >= 20, `${projects().length} projects in ${CORPUS}`);
  });
});
