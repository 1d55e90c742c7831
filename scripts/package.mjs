// `npm run package`: builds for production and packs the VSIX from a small
// staging folder holding only what ships, so vsce never walks .cache/ (code-server,
// benchmark trees with hundreds of thousands of files). .vscodeignore still applies.
//
// `--images-url URL` (or SQLITE_DOCTOR_IMAGES_URL): where docs/ is published over
// https. VS Code's Extensions view shows README pictures only from http(s) URLs
// (relative paths are stripped by its sanitizer), so vsce rewrites
// `docs/x.png` to `URL/docs/x.png`. Without it the pictures show on GitHub and
// in the repository, not in the Extensions view. `--out FILE` names the VSIX.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'images-url': { type: 'string' }, out: { type: 'string' } } });
const imagesUrl = values['images-url'] ?? process.env.SQLITE_DOCTOR_IMAGES_URL;
const root = resolve('.');
execFileSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' });
const stage = mkdtempSync(join(tmpdir(), 'sqlite-doctor-vsix-'));
try {
  // docs/ holds the README's pictures: shipped with it.
  for (const item of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'dist', 'media', 'docs']) {
    cpSync(join(root, item), join(stage, item), { recursive: true });
  }
  const links = imagesUrl ? ['--baseImagesUrl', imagesUrl] : ['--no-rewrite-relative-links'];
  if (!imagesUrl) console.log('package: no --images-url: README pictures will not show in VS Code\'s Extensions view (see docs/development.md)');
  execFileSync(join(root, 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', ...links, '--out', resolve(values.out ?? 'sqlite-doctor.vsix')],
    { cwd: stage, stdio: 'inherit' });
} finally {
  rmSync(stage, { recursive: true, force: true });
}
