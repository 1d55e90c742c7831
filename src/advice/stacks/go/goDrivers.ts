import * as path from 'node:path';
import { literal } from '../../pieces';
import { Node } from '../../syntax/treeSitter';
import { GoNames, goString, resolveGo } from './goValues';

/**
 * Which Go SQLite driver a database/sql driver name stands for: the drivers'
 * own names ("sqlite3" mattn or ncruces, "sqlite" modernc), and names the app
 * registers itself (`sql.Register(name, &sqlite3.SQLiteDriver{…})`, a wrapper
 * of modernc, a package of its own that wraps one): the driver is the one the
 * registering file — or the wrapper package's default build — imports.
 */
export interface GoSource { rel: string; tree: { rootNode: Node }; text: string }

const DRIVER_IMPORTS: [RegExp, string][] = [
  [/^github\.com\/mattn\/go-sqlite3$/, 'mattn/go-sqlite3'],
  [/^modernc\.org\/sqlite$/, 'modernc.org/sqlite'],
  [/^github\.com\/ncruces\/go-sqlite3\/driver$/, 'ncruces/go-sqlite3'],
];

export function imports(root: Node): Map<string, string> {
  const out = new Map<string, string>();
  for (const spec of root.descendantsOfType('import_spec')) {
    const p = spec?.childForFieldName('path');
    const importPath = p ? goString(p) : undefined;
    if (!importPath) continue;
    out.set(spec!.childForFieldName('name')?.text ?? importPath.split('/').pop()!, importPath);
  }
  return out;
}

const driverOf = (paths: Iterable<string>): string | undefined => {
  for (const p of paths) for (const [re, id] of DRIVER_IMPORTS) if (re.test(p)) return id;
  return undefined;
};

/** A file built by default: no //go:build line, or one that only excludes (`!tag`). */
const defaultBuild = (text: string) => { const m = /^\/\/go:build (.*)$/m.exec(text); return !m || /^[\s!&|()]*(![\w.]+[\s&|()]*)+$/.test(m[1]!); };

export function registeredDrivers(files: readonly GoSource[], namesOf: (f: GoSource) => GoNames): Map<string, string> {
  const all = files.flatMap((f) => [...imports(f.tree.rootNode).values()]);
  const names = new Map<string, string>([['sqlite', 'modernc.org/sqlite']]);
  names.set('sqlite3', all.includes('github.com/ncruces/go-sqlite3/driver') && !all.includes('github.com/mattn/go-sqlite3') ? 'ncruces/go-sqlite3' : 'mattn/go-sqlite3');
  // The driver a local package wraps: what its default-build files import.
  const packageDriver = (importPath: string) => {
    const pkg = files.filter((f) => importPath.endsWith(`/${path.posix.dirname(f.rel)}`) && !f.rel.endsWith('_test.go'));
    return driverOf(pkg.filter((f) => defaultBuild(f.text)).flatMap((f) => [...imports(f.tree.rootNode).values()]));
  };
  for (const f of files) {
    const imp = imports(f.tree.rootNode);
    for (const call of f.tree.rootNode.descendantsOfType('call_expression')) {
      if (call?.childForFieldName('function')?.text !== 'sql.Register') continue;
      const [name, drv] = call.childForFieldName('arguments')?.namedChildren ?? [];
      const n = name ? literal(resolveGo(name, namesOf(f))) : undefined;
      if (!n || !drv) continue;
      const pkg = /(\w+)\.\w+\s*\{/.exec(drv.text)?.[1];
      const id = /SQLiteDriver\b/.test(drv.text) && imp.get(pkg ?? '') === 'github.com/mattn/go-sqlite3' ? 'mattn/go-sqlite3'
        : driverOf(pkg && imp.get(pkg) ? [imp.get(pkg)!] : []) ?? (pkg && imp.get(pkg) ? packageDriver(imp.get(pkg)!) : undefined) ?? driverOf(imp.values());
      if (id) names.set(n, id);
    }
  }
  return names;
}

/** The one SQLite driver a go.mod requires directly (not `// indirect`), if exactly one. */
export function moduleDriver(goMod: string | undefined): string | undefined {
  if (!goMod) return undefined;
  const direct = goMod.split('\n').filter((l) => !/\/\/\s*indirect/.test(l)).map((l) => l.trim().split(/\s+/)[0] ?? '');
  const found = new Set(direct.map((p) => driverOf([p.replace(/^github\.com\/ncruces\/go-sqlite3$/, 'github.com/ncruces/go-sqlite3/driver')])).filter(Boolean));
  return found.size === 1 ? [...found][0] : undefined;
}
