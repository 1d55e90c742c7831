// Builds every bundle; exits non-zero on any error so CI and `prepare` fail loudly.
// `--watch` (npm run watch) rebuilds every bundle on change and keeps running.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// Keep in step with GRAMMARS in src/advice/syntax/treeSitter.ts.
const GRAMMARS = ['python', 'go', 'javascript', 'typescript', 'tsx'];
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning',
  // sqljs.ts resolves the wasm from node_modules only when running unbundled.
  logOverride: { 'require-resolve-not-external': 'silent' } };

// The CLI starts fast because it loads only what its command needs: dist/cli.js
// holds the argument parsing and the command table, and each src/cli/*Command.ts
// is its own bundle (dist/cli-<name>.js, beside the wasm sql.js looks for) that
// commands.ts's `await import('./xCommand')` requires on demand.
const commandEntries = readdirSync('src/cli').filter((f) => f.endsWith('Command.ts')).map((f) => `src/cli/${f}`);
const lazyCommands = {
  name: 'lazy-commands',
  setup(build) {
    build.onResolve({ filter: /^\.\/\w+Command$/ }, (args) => (args.importer.endsWith(join('src', 'cli', 'commands.ts')) ? { path: `./cli-${args.path.slice(2)}.js`, external: true } : undefined));
  },
};
const cli = { ...common, platform: 'node', format: 'cjs', target: 'node20',
  // import() of a command bundle becomes require(): Node's ESM loader alone costs ~10 ms at start.
  supported: { 'dynamic-import': false } };
const builds = [
  { ...cli, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', plugins: [lazyCommands] },
  { ...cli, entryPoints: commandEntries, outdir: 'dist', entryNames: 'cli-[name]' },
  // A scan's helper threads (src/workspace/scanThreads.ts), used by the CLI and the extension.
  { ...cli, entryPoints: ['src/workspace/scanWorker.ts'], outfile: 'dist/scanWorker.js' },
];
if (existsSync('src/extension.ts')) {
  builds.push({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] });
}
if (existsSync('webview/main.ts')) {
  builds.push({ ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' });
}

function copyAssets() {
  // sql.js loads its wasm at run time from beside the bundle.
  copyFileSync(join(dirname(require.resolve('sql.js/dist/sql-wasm.wasm')), 'sql-wasm.wasm'), 'dist/sql-wasm.wasm');
  // tree-sitter's runtime and the grammars the app-config analysis reads (src/advice/syntax/treeSitter.ts), nothing more.
  const treeSitter = dirname(require.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter.wasm'));
  for (const f of ['tree-sitter.js', 'tree-sitter.wasm', ...GRAMMARS.map((g) => `tree-sitter-${g}.wasm`)]) copyFileSync(join(treeSitter, f), join('dist', f));
  // The panel's stylesheet sits in the build output: the webview may load nothing else.
  copyFileSync('webview/panel.css', 'dist/panel.css');
}

try {
  mkdirSync('dist', { recursive: true });
  if (watch) {
    // Each rebuild says when it is done (the launch config's preLaunchTask waits for the first).
    const report = { name: 'report', setup: (b) => b.onEnd((r) => { copyAssets(); console.log(`[watch] ${b.initialOptions.outfile ?? b.initialOptions.outdir}: ${r.errors.length ? `${r.errors.length} error(s)` : 'built'}`); }) };
    const contexts = await Promise.all(builds.map((b) => esbuild.context({ ...b, logLevel: 'info', plugins: [...(b.plugins ?? []), report] })));
    await Promise.all(contexts.map((c) => c.watch()));
    console.log('[watch] watching src/ and webview/ (webview/panel.css is copied on each rebuild)');
  } else {
    await Promise.all(builds.map((b) => esbuild.build(b)));
    copyAssets();
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
