import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fmtMs, median, run } from './measure';

/**
 * App configuration at scale, through syntax trees: `app-settings` and `fix`
 * on a Django settings.py, a Go file and a JS file of 100 KB … 1 MB each
 * (realistic shapes: thousands of settings, one SQLite connection), against
 * `python3 -m py_compile` of the same settings.py (a parser reading the same
 * bytes) in the same run; and the 5,000-entry settings.py of issue #21 (44 s
 * before the trees), fixed for real.
 */
const CLI = path.resolve('bin/sqlite-doctor.js');

function settings(entries: number): string {
  const lines = Array.from({ length: entries }, (_, i) => `    "SETTING_${i}": {"enabled": True, "value": "${'v'.repeat(8)}${i}"},  # entry ${i}`);
  return `from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\nFEATURES = {\n${lines.join('\n')}\n}\nDATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.sqlite3",\n        "NAME": BASE_DIR / "db.sqlite3",\n    }\n}\n`;
}

function goFile(entries: number): string {
  const lines = Array.from({ length: entries }, (_, i) => `\t"key${i}": "${'v'.repeat(16)}${i}",`);
  return `package main\n\nimport (\n\t"database/sql"\n\n\t_ "modernc.org/sqlite"\n)\n\nvar table = map[string]string{\n${lines.join('\n')}\n}\n\nfunc open() { sql.Open("sqlite", "app.db") }\n`;
}

function jsFile(entries: number): string {
  const lines = Array.from({ length: entries }, (_, i) => `  key${i}: '${'v'.repeat(16)}${i}',`);
  return `const Database = require('better-sqlite3');\nconst table = {\n${lines.join('\n')}\n};\nconst db = new Database('app.db');\nmodule.exports = { db, table };\n`;
}

/** Entries that make a file of about `kb` KB. */
const entriesFor = (kb: number, make: (n: number) => string) => Math.round((kb * 1024) / (make(1000).length / 1000));

export async function benchAppConfig(quick: boolean, say: (s: string) => void): Promise<void> {
  // Apps are written (and fixed) in a temporary folder of their own, removed at the end.
  const work = mkdtempSync(path.join(tmpdir(), 'sqlite-doctor-bench-appconfig-'));
  try {
    await sizes(work, quick, say);
    await fiveThousand(work, say);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function sizes(work: string, quick: boolean, say: (s: string) => void): Promise<void> {
  const sizes = quick ? [100, 400] : [100, 250, 500, 1000];
  const rows: { kb: number; analyse: number; fix: number; compile: number }[] = [];
  for (const kb of sizes) {
    const dir = path.join(work, `appconfig-${kb}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(path.join(dir, 'proj'), { recursive: true });
    writeFileSync(path.join(dir, 'requirements.txt'), 'Django==5.2\n');
    writeFileSync(path.join(dir, 'proj', 'settings.py'), settings(entriesFor(kb, settings)));
    writeFileSync(path.join(dir, 'main.go'), goFile(entriesFor(kb, goFile)));
    writeFileSync(path.join(dir, 'package.json'), '{}');
    writeFileSync(path.join(dir, 'app.js'), jsFile(entriesFor(kb, jsFile)));
    const analyse = await median(3, () => run(process.execPath, [CLI, 'app-settings', dir, '--json']));
    const copy = `${dir}-fix`;
    const fix = await median(3, async () => {
      rmSync(copy, { recursive: true, force: true });
      cpSync(dir, copy, { recursive: true });
      return run(process.execPath, [CLI, 'fix', copy]);
    });
    const compile = await median(3, () => run('python3', ['-m', 'py_compile', path.join(dir, 'proj', 'settings.py')]));
    rows.push({ kb, analyse: analyse.ms, fix: fix.ms, compile: compile.ms });
  }
  const [first, last] = [rows[0]!, rows.at(-1)!];
  say(`| analysis and fix time vs file size, settings.py + main.go + app.js of ${sizes.join(' / ')} KB each | fix grows ${(last.fix / first.fix).toFixed(1)}× for ${last.kb / first.kb}× the bytes (linear: ≤ ${last.kb / first.kb}×) | app-settings ${rows.map((r) => `${fmtMs(r.analyse)} ms`).join(' / ')}; fix (3 files written) ${rows.map((r) => `${fmtMs(r.fix)} ms`).join(' / ')} | python3 -m py_compile of the settings.py alone ${rows.map((r) => `${fmtMs(r.compile)} ms`).join(' / ')} |`);
}

async function fiveThousand(work: string, say: (s: string) => void): Promise<void> {
  const dir = path.join(work, 'appconfig-5000');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'proj'), { recursive: true });
  writeFileSync(path.join(dir, 'requirements.txt'), 'Django==5.2\n');
  writeFileSync(path.join(dir, 'proj', 'settings.py'), settings(5000));
  const size = statSync(path.join(dir, 'proj', 'settings.py')).size;
  const copy = `${dir}-fix`;
  const fix = await median(3, async () => {
    rmSync(copy, { recursive: true, force: true });
    cpSync(dir, copy, { recursive: true });
    return run(process.execPath, [CLI, 'fix', copy]);
  });
  const node = await median(3, () => run(process.execPath, ['-e', '']));
  say(`| fix a 5,000-entry settings.py (${Math.round(size / 1024)} KiB) | OPTIONS added, file written | ${fmtMs(fix.ms)} ms wall (${fmtMs(fix.ms - node.ms)} ms beyond Node's start), goal < 2 s (44 s with the regular expressions) | node -e '' ${fmtMs(node.ms)} ms |`);
}

/** The VSIX with the grammars it ships: `npm run package`, then its size and the grammars' share. */
export async function benchVsixSize(say: (s: string) => void): Promise<void> {
  await run('npm', ['run', 'package']);
  const vsix = statSync(path.resolve('sqlite-doctor.vsix')).size;
  const grammars = ['tree-sitter.wasm', 'tree-sitter.js', ...['python', 'go', 'javascript', 'typescript', 'tsx'].map((g) => `tree-sitter-${g}.wasm`)];
  const raw = grammars.reduce((sum, f) => sum + statSync(path.resolve('dist', f)).size, 0);
  say(`| VSIX size | sqlite-doctor.vsix with tree-sitter and 5 grammars (python, go, javascript, typescript, tsx) | ${(vsix / 2 ** 20).toFixed(2)} MiB | the runtime + grammars: ${(raw / 2 ** 20).toFixed(2)} MiB uncompressed in dist/ |`);
}
