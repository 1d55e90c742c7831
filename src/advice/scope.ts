import type { Scope } from './findings';

/**
 * Test code and vendored code are not the app. Test files and folders by
 * each ecosystem's conventions, and in-memory databases, are test
 * connections: listed apart, never fixed, never counted. Third-party trees
 * are not read at all (added to the user's excludes).
 */
export const APP_CONFIG_EXCLUDES = [
  '**/node_modules', '**/.git', '**/vendor', '**/site-packages', '**/.tox', '**/.venv', '**/venv', '**/__pycache__', '**/dist', '**/out',
] as const;

const TEST_DIRS = new Set(['test', 'tests', '__tests__', 'testdata', 'fixtures', 'spec', 'testing']);

export function isTestPath(rel: string): boolean {
  const parts = rel.split('/');
  const name = parts[parts.length - 1]!;
  if (parts.slice(0, -1).some((p) => TEST_DIRS.has(p))) return true;
  return /_test\.(go|py)$/.test(name) || /^test_.*\.py$/.test(name) || /^conftest\.py$/.test(name)
    || /\.(spec|test)\.[cm]?[jt]sx?$/.test(name) || /_spec\.rb$/.test(name);
}

/** `:memory:`, `file::memory:`, `mode=memory`: a database that lives only as long as the connection. */
export function isInMemory(database: string): boolean {
  return database === '' || database.includes(':memory:') || /[?&]mode=memory\b/.test(database);
}

export function scopeOf(rel: string, database: string | undefined, fallback: Scope = 'production'): Scope {
  if (isTestPath(rel) || (database !== undefined && isInMemory(database))) return 'test';
  return fallback;
}
