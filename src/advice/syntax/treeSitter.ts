import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Language, Node, Parser as ParserType, Tree } from '@vscode/tree-sitter-wasm';

/**
 * Syntax trees for the app's source, from Microsoft's prebuilt tree-sitter
 * grammars (the ones VS Code uses). The runtime and each grammar load once,
 * on first use, from beside the bundle (dist/, where esbuild.mjs copies the
 * grammars listed here) or from node_modules when running unbundled.
 */
export type Grammar = 'python' | 'go' | 'javascript' | 'typescript' | 'tsx';
/** The grammars shipped (esbuild.mjs copies these, .vscodeignore lets them through); Rails is read from YAML. */
export const GRAMMARS: readonly Grammar[] = ['python', 'go', 'javascript', 'typescript', 'tsx'];
export type { Node, Tree };

function wasmDir(): string {
  if (existsSync(path.join(__dirname, 'tree-sitter.wasm'))) return __dirname;
  return path.dirname(require.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter.wasm'));
}

type Module = typeof import('@vscode/tree-sitter-wasm');
let runtime: Promise<Module> | undefined;
const languages = new Map<Grammar, Promise<Language>>();

function loadRuntime(): Promise<Module> {
  runtime ??= (async () => {
    // Loaded as it ships, beside its wasm (esbuild.mjs copies it): bundling it would rename the `require` its
    // Node start-up declares for itself.
    const dir = wasmDir();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, 'tree-sitter.js')) as Module;
    await mod.Parser.init({ locateFile: (file: string) => path.join(dir, file) });
    return mod;
  })();
  return runtime;
}

async function language(grammar: Grammar): Promise<Language> {
  let lang = languages.get(grammar);
  if (!lang) {
    lang = loadRuntime().then((mod) => mod.Language.load(path.join(wasmDir(), `tree-sitter-${grammar}.wasm`)));
    languages.set(grammar, lang);
  }
  return lang;
}

const parsers = new Map<Grammar, ParserType>();

/** The syntax tree of `text`; the caller deletes it when done (trees live in wasm memory). */
export async function parse(grammar: Grammar, text: string): Promise<Tree> {
  const mod = await loadRuntime();
  let parser = parsers.get(grammar);
  if (!parser) {
    parser = new mod.Parser();
    parser.setLanguage(await language(grammar));
    parsers.set(grammar, parser);
  }
  const tree = parser.parse(text);
  if (!tree) throw new Error(`the ${grammar} parser returned no tree`);
  return tree;
}

/** Whether a tree holds a syntax error (an ERROR or MISSING node): the file does not parse. */
export function hasSyntaxError(tree: Tree): boolean {
  return tree.rootNode.hasError;
}

/** The grammar for a file name, if it is source we read. */
export function grammarFor(name: string): Grammar | undefined {
  if (name.endsWith('.py')) return 'python';
  if (name.endsWith('.go')) return 'go';
  if (name.endsWith('.tsx')) return 'tsx';
  if (/\.(ts|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) return 'typescript';
  if (/\.(js|mjs|cjs|jsx)$/.test(name)) return 'javascript';
  return undefined;
}

/** 1-based line of a node. */
export const lineOfNode = (n: Node): number => n.startPosition.row + 1;
