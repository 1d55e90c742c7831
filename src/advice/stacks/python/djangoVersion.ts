/**
 * Django's version as a project pins it, from the nearest project root above
 * a settings module (monorepos hold several): requirements*.txt, pyproject.toml,
 * poetry.lock, uv.lock, Pipfile.lock. Extras and markers are understood
 * (`Django[argon2]==6.1`, `django>=4.2,<5`), and the lower bound is taken.
 */
export const VERSION_FILES = ['requirements.txt', 'requirements/base.txt', 'requirements/production.txt', 'requirements/prod.txt', 'pyproject.toml', 'poetry.lock', 'uv.lock', 'Pipfile.lock', 'setup.cfg'];

export function djangoVersionFrom(files: { name: string; text: string }[]): [number, number] | undefined {
  for (const { name, text } of files) {
    const m = /\.lock$/.test(name) && name !== 'Pipfile.lock'
      ? /name\s*=\s*"django"\s*\r?\n\s*version\s*=\s*"(\d+)\.(\d+)/i.exec(text)
      : name === 'Pipfile.lock'
        ? /"django"\s*:\s*\{[^}]*"version"\s*:\s*"==(\d+)\.(\d+)/i.exec(text)
        : /(?:^|["'\s,[])django(?:\s*\[[^\]\n]*\])?\s*(?:===?|~=|>=)\s*(\d+)\.(\d+)/im.exec(text) ?? /^django\s*=\s*[{"'][^\n]*?(\d+)\.(\d+)/im.exec(text);
    if (m) return [Number(m[1]), Number(m[2])];
  }
  return undefined;
}

export const atLeast = (v: [number, number] | undefined, major: number, minor: number) => v !== undefined && (v[0] > major || (v[0] === major && v[1] >= minor));
