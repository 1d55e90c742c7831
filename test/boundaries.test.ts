import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

/**
 * `npm run lint` keeps the map of ARCHITECTURE.md: probe files at the paths
 * below, linted with the project's own eslint.config.mjs. The probes are
 * given as text at those paths (ESLint's lintText), never written into the
 * tree, so the import-graph test running beside this one never sees them.
 * Type-aware rules are off for the probes: they need the file on disk, and
 * the boundaries are syntax.
 */
const root = path.join(__dirname, '..');
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
  },
});

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  assert.equal(result!.fatalErrorCount, 0, JSON.stringify(result!.messages));
  return result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('lint boundaries (eslint.config.mjs from scripts/layers.json)', () => {
  it('fails a probe in the core that imports vscode', async () => {
    const [error, ...more] = await boundaryErrors('src/sqlite/os/probe.ts', "import * as vscode from 'vscode';\nexport const probe = vscode;\n");
    assert.match(error ?? '', /vscode belongs to the adapters in src\/ui\/ and src\/extension\.ts/);
    assert.deepEqual(more, []);
    assert.equal((await boundaryErrors('src/ui/services/probe.ts', "import type { Uri } from 'vscode';\nexport type Probe = Uri;\n")).length, 1);
    assert.deepEqual(await boundaryErrors('src/ui/probe.ts', "import * as vscode from 'vscode';\nexport const probe = vscode;\n"), []);
  });

  it('fails a probe in webview/ that imports from the core, not one that imports src/shared/', async () => {
    assert.match((await boundaryErrors('webview/probe.ts', "import { readDatabaseState } from '../src/sqlite/disk/state';\nexport const probe = readDatabaseState;\n"))[0] ?? '', / webview may not import src\/sqlite\/disk/);
    assert.match((await boundaryErrors('webview/probe.ts', "import type { Check } from '../src/advice/checks';\nexport type Probe = Check;\n"))[0] ?? '', / webview may not import src\/advice/);
    assert.deepEqual(await boundaryErrors('webview/probe.ts', "import { formatBytes } from '../src/shared/format';\nexport const probe = formatBytes;\n"), []);
  });

  it('fails a lower layer importing a higher one', async () => {
    assert.match((await boundaryErrors('src/sqlite/disk/probe.ts', "import { setJournalMode } from '../write/journalMode';\nexport const probe = setJournalMode;\n"))[0] ?? '', / src\/sqlite\/disk may not import src\/sqlite\/write/);
    assert.match((await boundaryErrors('src/sqlite/os/probe.ts', "import { runChecks } from '../../advice/checks';\nexport const probe = runChecks;\n"))[0] ?? '', / src\/sqlite\/os may not import src\/advice/);
    assert.match((await boundaryErrors('src/advice/knowledge/probe.ts', "import { RECOMMENDED } from '../recommended';\nexport const probe = RECOMMENDED;\n"))[0] ?? '', / src\/advice\/knowledge may not import src\/advice/);
    assert.match((await boundaryErrors('src/ui/services/probe.ts', "import { registerCommands } from '../commands';\nexport const probe = registerCommands;\n"))[0] ?? '', / src\/ui\/services may not import src\/ui/);
    // The other way round is the direction of the map.
    assert.deepEqual(await boundaryErrors('src/sqlite/write/probe.ts', "import { readDatabaseState } from '../disk/state';\nimport { WAL_RESET_BUG } from '../../advice/knowledge/knownBugs';\nexport const probe = [readDatabaseState, WAL_RESET_BUG];\n"), []);
  });

  it('lets src/shared/ name advice types, not import advice values', async () => {
    assert.deepEqual(await boundaryErrors('src/shared/probe.ts', "import type { ConnectionFinding } from '../advice/findings';\nexport type Probe = ConnectionFinding;\n"), []);
    assert.equal((await boundaryErrors('src/shared/probe.ts', "import { lineOf } from '../advice/findings';\nexport const probe = lineOf;\n")).length, 1);
  });
});
