import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

// The corpus's verdict files are hand-written; this keeps them in the one format
// the analyser's corpus test reads (docs: test/corpus/README.md).
const CORPUS = path.join(__dirname, 'corpus');
const STACKS = ['go', 'node', 'django', 'sqlalchemy', 'python', 'rails'];
const DRIVERS = [
  'mattn/go-sqlite3', 'modernc.org/sqlite', 'ncruces/go-sqlite3', 'gorm', 'better-sqlite3', 'node:sqlite', 'sqlite3',
  'knex', 'typeorm', 'sequelize', 'drizzle', 'prisma', 'django', 'sqlalchemy', 'python-sqlite3', 'rails',
];
const VALUES: Record<string, (v: unknown) => boolean> = {
  journal_mode: (v) => ['wal', 'delete', 'truncate', 'memory', 'persist', 'off'].includes(v as string),
  busy_timeout: (v) => Number.isInteger(v) && (v as number) >= 0,
  synchronous: (v) => ['off', 'normal', 'full', 'extra'].includes(v as string),
  foreign_keys: (v) => v === 'on' || v === 'off',
};
// A set fact's line must say which setting it sets (catches verdicts off by a line).
const MENTIONS: Record<string, RegExp> = {
  journal_mode: /journal|wal/i, busy_timeout: /busy|timeout/i, synchronous: /sync/i, foreign_keys: /foreign|_fk/i,
};
const LICENSE_FILE = /^(LICEN[CS]E|COPYING|MIT-LICENSE)(\.(md|txt))?$/i;

const projects = readdirSync(CORPUS).filter((name) => statSync(path.join(CORPUS, name)).isDirectory()).sort();

function linesOf(file: string): string[] {
  const lines = readFileSync(file, 'latin1').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Asserts `rel` names a corpus file of `slug` and `line` is one of its non-blank lines; returns that line. */
function assertLineOf(slug: string, rel: unknown, line: unknown, what: string): string {
  assert.equal(typeof rel, 'string', `${what}: file must be a string`);
  const file = path.join(CORPUS, slug, rel as string);
  assert.ok(!path.relative(path.join(CORPUS, slug), file).startsWith('..'), `${what}: ${String(rel)} leaves the project`);
  assert.ok(existsSync(file) && statSync(file).isFile(), `${what}: ${String(rel)} is not in the corpus`);
  assert.ok(Number.isInteger(line) && (line as number) >= 1, `${what}: line must be a positive integer`);
  const text = linesOf(file)[(line as number) - 1];
  assert.ok(text !== undefined && text.trim() !== '', `${what}: ${String(rel)} has no line ${String(line)} or it is blank`);
  return text;
}

function assertAt(slug: string, at: unknown, what: string): string {
  const m = typeof at === 'string' ? /^(.+):(\d+)$/.exec(at) : null;
  assert.ok(m, `${what}: at must be "file:line", got ${JSON.stringify(at)}`);
  return assertLineOf(slug, m[1], Number(m[2]), what);
}

function assertSetting(slug: string, name: string, fact: Record<string, unknown>, what: string): void {
  const keys = Object.keys(fact).sort().join(',');
  if (fact.state === 'set') {
    assert.equal(keys, 'at,state,value', `${what}: a set fact has value and at`);
    assert.ok(VALUES[name]!(fact.value), `${what}: ${JSON.stringify(fact.value)} is not a normalised ${name}`);
    assert.match(assertAt(slug, fact.at, what), MENTIONS[name]!, `${what}: ${String(fact.at)} does not mention ${name}`);
  } else if (fact.state === 'default') {
    assert.equal(keys, 'source,state,value', `${what}: a default fact has value and source`);
    assert.ok(VALUES[name]!(fact.value), `${what}: ${JSON.stringify(fact.value)} is not a normalised ${name}`);
    assert.ok(typeof fact.source === 'string' && fact.source.length > 10, `${what}: source must cite the driver`);
  } else {
    assert.equal(fact.state, 'unknown', `${what}: state must be set, default or unknown`);
    assert.equal(keys, 'expression,state', `${what}: an unknown fact has only its expression`);
    assert.ok(typeof fact.expression === 'string' && fact.expression.length > 0, `${what}: expression must be source text`);
  }
}

describe('corpus of real projects (format of EXPECTED.json)', () => {
  it('holds at least 20 projects across Go, Node, Python and Rails', () => {
    assert.ok(projects.length >= 20, `only ${projects.length} projects`);
    const stacks = new Set(projects.map((slug) => readExpected(slug).stack as string));
    for (const group of [['go'], ['node'], ['django', 'sqlalchemy', 'python'], ['rails']]) {
      assert.ok(group.some((s) => stacks.has(s)), `no ${group.join('/')} project`);
    }
  });

  const readme = readFileSync(path.join(CORPUS, 'README.md'), 'utf8');
  for (const slug of projects) {
    it(`${slug}: verdicts follow the format and point into its files`, () => {
      const e = readExpected(slug);
      assert.equal(Object.keys(e).sort().join(','), 'commit,license,notes,production,repo,stack,tests');
      assert.equal(typeof e.repo === 'string' && e.repo.replace('/', '__').toLowerCase(), slug, 'slug is owner__repo lowercased');
      assert.match(e.commit as string, /^[0-9a-f]{40}$/);
      assert.match(e.license as string, /^[A-Za-z0-9.+-]+$/, 'license is an SPDX id');
      assert.ok(STACKS.includes(e.stack as string), `stack ${String(e.stack)}`);
      assert.ok(readdirSync(path.join(CORPUS, slug)).some((f) => LICENSE_FILE.test(f)), 'the project LICENSE is kept');
      assert.ok(readme.includes(`${e.repo as string}@${e.commit as string}`), 'README lists repo@commit');
      assert.ok(typeof e.notes === 'string' && e.notes.length > 0, 'notes explain the verdicts');
      const production = e.production as Record<string, unknown>[];
      assert.ok(Array.isArray(production) && production.length > 0, 'at least one production connection');
      production.forEach((c, i) => {
        const what = `${slug} production[${i}]`;
        assert.equal(Object.keys(c).sort().join(','), 'driver,file,line,settings', what);
        assertLineOf(slug, c.file, c.line, what);
        assert.ok(DRIVERS.includes(c.driver as string), `${what}: driver ${String(c.driver)}`);
        const settings = c.settings as Record<string, Record<string, unknown>>;
        assert.equal(Object.keys(settings).sort().join(','), 'busy_timeout,foreign_keys,journal_mode,synchronous', what);
        for (const [name, fact] of Object.entries(settings)) assertSetting(slug, name, fact, `${what}.${name}`);
      });
      const tests = e.tests as Record<string, unknown>[];
      assert.ok(Array.isArray(tests), 'tests is a list');
      tests.forEach((t, i) => {
        assert.equal(Object.keys(t).sort().join(','), 'file,line', `${slug} tests[${i}]`);
        assertLineOf(slug, t.file, t.line, `${slug} tests[${i}]`);
      });
    });
  }
});

function readExpected(slug: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(CORPUS, slug, 'EXPECTED.json'), 'utf8')) as Record<string, unknown>;
}
