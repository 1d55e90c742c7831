import js from '@eslint/js';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import tseslint from 'typescript-eslint';

// The import directions of ARCHITECTURE.md (scripts/layers.json): for each layer, every layer it may not
// import becomes a pattern over the relative specifier as written from that layer's folder.
// test/architecture.test.ts checks the same table on the resolved graph.
const { layers } = JSON.parse(readFileSync(join(import.meta.dirname, 'scripts', 'layers.json'), 'utf8'));
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const under = (layer, list) => list.some((a) => layer === a || layer.startsWith(`${a}/`));
function forbidden(layer, target, allowTypes) {
  const dir = layer.endsWith('.ts') ? dirname(layer) : layer;
  const path = relative(dir, target);
  const ups = path.split('/').filter((p) => p === '..').length;
  const tail = path.split('/').filter((p) => p !== '..').join('/');
  // Sub-layers of the target this layer may import (src/advice/knowledge from src/sqlite/os), and its own folder.
  const keep = Object.keys(layers).filter((l) => l.startsWith(`${target}/`) && (l === layer || under(l, layers[layer].mayImport))).map((l) => escape(l.slice(target.length + 1)));
  const exclude = keep.length ? `(?!(${keep.join('|')})(/|$))` : '';
  const regex = tail ? `^(\\./|(\\.\\./)+)${escape(tail)}${exclude ? `/${exclude}` : '(/|$)'}` : `^(\\.\\./){${ups}}(?!\\.\\./)${exclude}`;
  return { regex, allowTypeImports: allowTypes, message: `${layer} may not import ${target} (ARCHITECTURE.md, scripts/layers.json).` };
}
const layerRules = Object.entries(layers).filter(([layer]) => layer !== 'package.json').map(([layer, rules]) => ({
  files: [layer.endsWith('.ts') ? layer : `${layer}/**/*.ts`],
  ignores: Object.keys(layers).filter((l) => l.startsWith(`${layer}/`)).map((l) => `${l}/**`),
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', {
      paths: (rules.mayImportModules ?? []).includes('vscode') ? [] : [{ name: 'vscode', message: 'vscode belongs to the adapters in src/ui/ and src/extension.ts (ARCHITECTURE.md).' }],
      patterns: Object.keys(layers).filter((t) => t !== layer && t !== 'package.json' && !under(t, rules.mayImport)).map((t) => forbidden(layer, t, under(t, rules.mayImportTypes ?? []))),
    }],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', 'test-output/', '*.vsix', 'test/corpus/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's describe/it return promises the runner itself awaits.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layerRules,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { require: 'readonly', process: 'readonly', console: 'readonly', module: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
