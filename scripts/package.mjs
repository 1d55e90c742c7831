// `npm run package`: builds for production and packs the VSIX from a small
// staging folder holding only what ships, so vsce never walks .cache/ (code-server,
// benchmark trees with hundreds of thousands of files). .vscodeignore still applies.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve('.');
execFileSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' });
const stage = mkdtempSync(join(tmpdir(), 'sqlite-doctor-vsix-'));
try {
  // docs/ holds the README's pictures: shipped, they show in the Extensions view.
  for (const item of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'dist', 'media', 'docs']) {
    cpSync(join(root, item), join(stage, item), { recursive: true });
  }
  execFileSync(join(root, 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', join(root, 'sqlite-doctor.vsix')],
    { cwd: stage, stdio: 'inherit' });
} finally {
  rmSync(stage, { recursive: true, force: true });
}
