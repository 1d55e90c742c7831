import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { PER_CONNECTION, RECOMMENDED, recommendedSetting } from '../src/advice/knowledge/recommended';
import { connectionSnippets } from '../src/advice/snippets';
import { CONNECTION_PRAGMAS } from '../src/advice/knowledge/connectionPragmas';
import { WAL_EXPLAINED } from '../src/advice/knowledge/walExplained';

/** Each stack's spelling of one recommended setting, as its snippet must carry it. */
const SPELLING: Record<string, (r: { name: string; value: string }) => string> = {
  'Django 5.1+': (r) => `PRAGMA ${r.name}=${r.value};`,
  'Python sqlite3': (r) => `PRAGMA ${r.name}=${r.value};`,
  'Node better-sqlite3': (r) => `db.pragma('${r.name}=${r.value}');`,
  'Node node:sqlite (Node 22.13+)': (r) => `PRAGMA ${r.name}=${r.value};`,
  'Go (mattn/go-sqlite3)': (r) => `_${r.name}=${r.name === 'foreign_keys' ? '1' : r.value}`,
  'Go (modernc.org/sqlite, ncruces/go-sqlite3)': (r) => `_pragma=${r.name}(${r.name === 'foreign_keys' ? '1' : r.value})`,
  'Rails 7.1+': (r) => (r.name === 'busy_timeout' ? `timeout: ${r.value}` : `${r.name}: ${r.value === 'ON' ? 'true' : r.value.toLowerCase()}`),
};

describe('the recommended settings: one table, read by every surface', () => {
  it('every snippet carries every recommended value, in its stack\'s spelling', () => {
    const snippets = connectionSnippets('app.db');
    assert.deepEqual(snippets.map((s) => s.stack).sort(), Object.keys(SPELLING).sort(), 'a new snippet needs its spelling here');
    for (const s of snippets) for (const r of RECOMMENDED) assert.ok(s.code.includes(SPELLING[s.stack]!(r)), `${s.stack}: ${recommendedSetting(r.name)}\n${s.code}`);
    const python = snippets.find((s) => s.stack === 'Python sqlite3')!;
    assert.ok(python.code.includes(`timeout=${Number(RECOMMENDED.find((r) => r.name === 'busy_timeout')!.value) / 1000})`), 'sqlite3.connect takes seconds');
  });

  it('the connection pragmas shown by inspect recommend the table\'s values', () => {
    for (const r of PER_CONNECTION) {
      const shown = CONNECTION_PRAGMAS.find((p) => p.name === r.name);
      assert.ok(shown, r.name);
      assert.ok(shown.recommended.startsWith(r.value), `${r.name}: ${shown.recommended}`);
    }
  });

  it('the WAL explanation names each per-connection setting with the table\'s value', () => {
    const point = WAL_EXPLAINED.find((w) => /per-connection/i.test(w.point))!;
    for (const r of PER_CONNECTION) assert.ok(point.detail.includes(recommendedSetting(r.name)), `${recommendedSetting(r.name)} in ${point.detail}`);
  });

  it('no surface spells a recommended value itself', () => {
    const busy = RECOMMENDED.find((r) => r.name === 'busy_timeout')!.value;
    for (const file of ['src/advice/snippets.ts', 'src/advice/knowledge/connectionPragmas.ts', 'src/advice/knowledge/walExplained.ts', 'src/advice/checks.ts', 'src/advice/litestreamSetup.ts', 'src/advice/stacks/rails.ts']) {
      const text = readFileSync(path.join(__dirname, '..', file), 'utf8');
      for (const r of RECOMMENDED) assert.ok(!text.includes(recommendedSetting(r.name)), `${file} spells ${recommendedSetting(r.name)}`);
      assert.ok(!new RegExp(`timeout[:=] ?${busy}\\b`).test(text), `${file} spells the busy timeout`);
    }
  });
});
