import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import layersFile from '../../scripts/layers.json';

/**
 * The import graph of src/ and webview/ as TypeScript's syntax tree shows it
 * (import/export-from, `import type`, import(), require(), `import('x')`
 * types), and the checks ARCHITECTURE.md promises over it: no cycle, every
 * edge in a direction scripts/layers.json allows.
 */
export interface Edge { from: string; to: string; typeOnly: boolean }
interface Layer { mayImport: string[]; mayImportTypes?: string[]; mayImportModules?: string[] }
export const LAYERS: Record<string, Layer> = layersFile.layers;

export function sourceFiles(root: string, dirs = ['src', 'webview']): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (rel.endsWith('.ts')) out.push(rel);
    }
  };
  dirs.forEach(walk);
  return out.sort();
}

function resolveRelative(root: string, from: string, spec: string): string | undefined {
  const base = path.join(path.dirname(from), spec);
  return [`${base}.ts`, `${base}/index.ts`, base].find((c) => existsSync(path.join(root, c)) && statSync(path.join(root, c)).isFile());
}

/** Every import in `file`: the module as written, resolved to a repository path when relative. */
export function importsOf(root: string, file: string, text = readFileSync(path.join(root, file), 'utf8')): { spec: string; to?: string; typeOnly: boolean }[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: { spec: string; to?: string; typeOnly: boolean }[] = [];
  const add = (lit: ts.StringLiteralLike, typeOnly: boolean): void => {
    out.push({ spec: lit.text, to: lit.text.startsWith('.') ? resolveRelative(root, file, lit.text) ?? `unresolved:${lit.text}` : undefined, typeOnly });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const c = n.importClause;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(n.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      add(n.moduleSpecifier, n.isTypeOnly);
    } else if (ts.isCallExpression(n) && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require')) && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0])) {
      add(n.arguments[0], false);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      add(n.argument.literal, true);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The layer a path belongs to: the longest layer path that holds it. */
export function layerOf(file: string): string | undefined {
  return Object.keys(LAYERS).filter((l) => file === l || file.startsWith(`${l}/`)).sort((a, b) => b.length - a.length)[0];
}

const within = (layer: string, allowed: readonly string[]): boolean => allowed.some((a) => layer === a || layer.startsWith(`${a}/`));

/** Why an import breaks the map, or undefined when the map allows it. */
export function layerViolation(from: string, imp: { spec: string; to?: string; typeOnly: boolean }): string | undefined {
  const src = layerOf(from);
  if (!src) return `${from} is in no layer of scripts/layers.json`;
  const rules = LAYERS[src]!;
  if (imp.to === undefined) {
    const module = imp.spec.replace(/^node:/, '');
    return module === 'vscode' && !(rules.mayImportModules ?? []).includes('vscode') ? `${from} imports vscode outside the adapters` : undefined;
  }
  if (imp.to.startsWith('unresolved:')) return `${from} imports ${imp.spec}, which does not resolve`;
  const dst = layerOf(imp.to);
  if (!dst) return `${from} imports ${imp.to}, which is in no layer`;
  if (dst === src || within(dst, rules.mayImport) || (imp.typeOnly && within(dst, rules.mayImportTypes ?? []))) return undefined;
  return `${from} (${src}) imports ${imp.to} (${dst})${imp.typeOnly ? ' (types)' : ''}`;
}

/** The cycles of a graph, each as the files of one strongly connected component (Tarjan). */
export function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>(), stack: string[] = [], out: string[][] = [];
  let counter = 0;
  const strong = (v: string): void => {
    index.set(v, counter); low.set(v, counter); counter++; stack.push(v); onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) { strong(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); component.push(w); } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) strong(v);
  return out;
}
