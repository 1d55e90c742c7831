import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import layersFile from '../scripts/layers.json';
import { Edge, cycles, importsOf, layerViolation, sourceFiles } from './helpers/importGraph';

/** The map of ARCHITECTURE.md, checked on the resolved import graph of src/ and webview/. */
const root = path.join(__dirname, '..');
const files = sourceFiles(root);
const imports = files.map((from) => ({ from, list: importsOf(root, from) }));
const edges: Edge[] = imports.flatMap(({ from, list }) => list.filter((i) => i.to).map((i) => ({ from, to: i.to!, typeOnly: i.typeOnly })));

describe('architecture: the import graph of src/ and webview/', () => {
  it('reads the graph (import type and dynamic import() included)', () => {
    assert.ok(files.length > 100, `${files.length} files`);
    // Known edges of each kind, so an empty or partial graph cannot pass the checks below.
    const has = (from: string, to: string, typeOnly: boolean): boolean => edges.some((e) => e.from === from && e.to === to && e.typeOnly === typeOnly);
    assert.ok(has('src/sqlite/disk/state.ts', 'src/sqlite/disk/walFollower.ts', true), 'import type');
    assert.ok(has('src/advice/fix/fixes.ts', 'src/advice/appConfig.ts', false), 'await import()');
    assert.ok(has('src/sqlite/disk/state.ts', 'src/sqlite/os/fileio.ts', false), 'import');
  });

  it('has no import cycle, type-only imports included', () => {
    assert.deepEqual(cycles(edges), []);
  });

  it('imports only in the directions scripts/layers.json allows (vscode only in the adapters)', () => {
    const wrong = imports.flatMap(({ from, list }) => list.map((i) => layerViolation(from, i)).filter((v) => v !== undefined));
    assert.deepEqual(wrong, []);
  });

  it(`keeps every folder at ${layersFile.maxFilesPerFolder} files or fewer`, () => {
    const dirs = [...new Set(files.map((f) => path.dirname(f)))];
    const big = dirs.map((d) => ({ d, n: readdirSync(path.join(root, d), { withFileTypes: true }).filter((e) => e.isFile()).length })).filter(({ n }) => n > layersFile.maxFilesPerFolder);
    assert.deepEqual(big, []);
  });

  it(`keeps every source file at ${layersFile.maxLinesPerFile} lines or fewer`, () => {
    const long = files.map((f) => ({ f, lines: readFileSync(path.join(root, f), 'utf8').split('\n').length - 1 })).filter(({ lines }) => lines > layersFile.maxLinesPerFile);
    assert.deepEqual(long, []);
  });
});

describe('architecture checks catch what they are for', () => {
  it('finds a cycle made only of type imports', () => {
    assert.deepEqual(cycles([{ from: 'a', to: 'b', typeOnly: true }, { from: 'b', to: 'a', typeOnly: true }, { from: 'b', to: 'c', typeOnly: false }]), [['a', 'b']]);
  });

  it('refuses a lower layer importing a higher one, vscode in the core, and the webview importing the core', () => {
    const value = (to: string): { spec: string; to: string; typeOnly: boolean } => ({ spec: to, to, typeOnly: false });
    assert.match(layerViolation('src/sqlite/disk/state.ts', value('src/sqlite/write/journalMode.ts')) ?? '', /disk.*imports.*write/);
    assert.match(layerViolation('src/sqlite/os/fileio.ts', { spec: 'vscode', typeOnly: false }) ?? '', /vscode outside the adapters/);
    assert.match(layerViolation('src/ui/services/model.ts', { spec: 'vscode', typeOnly: true }) ?? '', /vscode outside the adapters/);
    assert.match(layerViolation('webview/detail.ts', value('src/sqlite/content/inspect.ts')) ?? '', /webview.*imports/);
    assert.match(layerViolation('src/shared/format.ts', value('src/advice/findings.ts')) ?? '', /shared.*imports/);
    assert.equal(layerViolation('src/shared/protocol.ts', { ...value('src/advice/findings.ts'), typeOnly: true }), undefined);
    assert.equal(layerViolation('src/ui/panel.ts', { spec: 'vscode', typeOnly: false }), undefined);
    assert.equal(layerViolation('src/sqlite/write/rebuild.ts', value('src/sqlite/content/space.ts')), undefined);
  });
});
