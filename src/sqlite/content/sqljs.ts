import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { SqlJsStatic } from 'sql.js';

/**
 * sql.js (SQLite compiled to wasm) is our reading engine: it has no file
 * locks and works only on in-memory copies, so it can never write to a live
 * database. Loaded once, on first use. The wasm sits beside the bundle in a
 * build, or in node_modules when running from source.
 */
let loading: Promise<SqlJsStatic> | undefined;

export function loadSqlJs(): Promise<SqlJsStatic> {
  // Imported here, not at the top: header-only reads never pay for evaluating sql.js.
  // Baseline (Liftoff) code only: the optimising tier recompiles all of
  // SQLite's 1.2 MB of wasm on background threads, which costs a short-lived
  // process more CPU than it saves (bench: "deep inspection"). Only CLI
  // processes load sql.js, so no other code shares this flag.
  if (!loading) setFlagsFromString('--liftoff-only');
  loading ??= import('sql.js').then((m) => m.default({ locateFile: (file: string) => path.join(wasmDir(), file) }));
  return loading;
}

function wasmDir(): string {
  if (existsSync(path.join(__dirname, 'sql-wasm.wasm'))) return __dirname;
  return path.dirname(require.resolve('sql.js/dist/sql-wasm.wasm'));
}
