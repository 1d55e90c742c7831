import * as path from 'node:path';
import { GlobSet } from '../workspace/glob';
import { childRel, walkTree } from '../workspace/walk';
import { AppFindings, ConnectionFinding } from './findings';
import { nearestDir } from './paths';
import { bundledSqlite } from './runtimes';
import { APP_CONFIG_EXCLUDES } from './scope';
import { SourceError, SourceText, readSource } from './sourceText';
import { DjangoProject, PyFile, Receiver, analyseDjango, findReceivers, parseEnvFile } from './stacks/python/django';
import { VERSION_FILES, djangoVersionFrom } from './stacks/python/djangoVersion';
import { GoFile, analyseGo } from './stacks/go/go';
import { parseLitestream } from './stacks/litestream';
import { applyOutsideJournal, journalFromLitefs, prismaUsesSqlite } from './stacks/outside';
import { analyseNode, mentionsSqliteModule } from './stacks/node/node';
import { analysePython } from './stacks/python/python';
import { parseDatabaseYml, railsVersionFromLock } from './stacks/rails';
import { Tree, grammarFor, hasSyntaxError, parse } from './syntax/treeSitter';

/**
 * Finds how the app in a folder opens its SQLite databases, by reading its
 * settings and source through syntax trees. Third-party trees are not the app
 * (node_modules, vendor/, site-packages, .tox, any virtualenv by its
 * pyvenv.cfg); `exclude` adds to those. A file that cannot be read, decoded
 * or parsed is a named problem and the run goes on. Bounded: a file over
 * 2 MiB is generated or bundled, not where an app configures its database.
 */
const MAX_BYTES = 2 * 1024 * 1024;

export interface SourceFile extends SourceText { rel: string; abs: string }

/** Trees kept alive for the fix planners of a run (planWorkspaceFixes releases them). */
const keptTrees = new WeakMap<AppFindings, Tree[]>();

export function releaseTrees(findings: AppFindings): void {
  for (const t of keptTrees.get(findings) ?? []) t.delete();
  keptTrees.delete(findings);
}

export async function findAppSettings(root: string, exclude: readonly string[] = [], opts: { keepTrees?: boolean } = {}): Promise<AppFindings> {
  const rootAbs = path.resolve(root);
  const { files, packageDirs, goModDirs, projectDirs } = await listFiles(rootAbs, exclude);
  const findings: AppFindings = { connections: [], backups: [] };
  const problem = (file: string, error: string) => (findings.problems ??= []).push({ file, error });
  const read = async (rel: string): Promise<SourceFile | undefined> => {
    const abs = path.join(rootAbs, rel);
    try {
      return { ...(await readSource(abs, MAX_BYTES)), rel, abs };
    } catch (err) {
      const why = err instanceof SourceError ? err.message : (err as Error).message;
      if (/over the .* limit/.test(why)) (findings.skipped ??= []).push(`${rel} (${why})`);
      else problem(rel, why);
      return undefined;
    }
  };
  const trees: Tree[] = [];
  const outsideJournal: { expression: string; at: string }[] = [];
  const parsed = async (src: SourceFile): Promise<(SourceFile & { tree: Tree }) | undefined> => {
    const grammar = grammarFor(src.rel)!;
    try {
      const tree = await parse(grammar, src.text);
      trees.push(tree);
      if (hasSyntaxError(tree)) problem(src.rel, `does not parse as ${grammar} (syntax error near line ${firstError(tree)}); what it holds may be missed`);
      return { ...src, tree };
    } catch (err) {
      problem(src.rel, `could not be parsed: ${(err as Error).message}`);
      return undefined;
    }
  };
  const goFiles: GoFile[] = [];
  const pyFiles: (PyFile & { project: DjangoProject })[] = [];
  const receivers: Receiver[] = [];
  const projects = new Map<string, DjangoProject>();
  const projectOf = async (rel: string): Promise<DjangoProject> => {
    const dir = nearestDir(rel, projectDirs);
    let p = projects.get(dir);
    if (!p) {
      const texts = [];
      for (const name of VERSION_FILES) {
        const rel2 = dir === '.' ? name : `${dir}/${name}`;
        if (!projectDirs.get(dir)?.has(name)) continue;
        const src = await read(rel2);
        if (src) texts.push({ name: path.basename(name), text: src.text });
      }
      p = { root: dir, version: djangoVersionFrom(texts) };
      projects.set(dir, p);
    }
    return p;
  };
  try {
    let prismaSqlite = false;
    for (const rel of files.filter((r) => r.endsWith('.prisma'))) prismaSqlite ||= prismaUsesSqlite((await read(rel))?.text ?? '');
    for (const rel of files) {
      const name = path.posix.basename(rel);
      if (name.endsWith('.prisma')) continue;
      if (/^litefs\.ya?ml$/.test(name)) {
        const journal = journalFromLitefs((await read(rel))?.text ?? '', rel);
        if (journal) outsideJournal.push(journal);
      } else if (/^litestream\.ya?ml$/.test(name)) {
        const src = await read(rel);
        const b = src && (await parseLitestream(src.text, rel));
        if (b) findings.backups.push(b);
      } else if (rel.endsWith('config/database.yml') || rel === 'database.yml') {
        const src = await read(rel);
        if (!src) continue;
        const lockRel = path.posix.join(path.posix.dirname(path.posix.dirname(rel)), 'Gemfile.lock');
        const lock = files.includes(lockRel) ? await read(lockRel) : undefined;
        try {
          findings.connections.push(...(await parseDatabaseYml(src.text, rel, rootAbs, lock ? railsVersionFromLock(lock.text) : undefined)));
        } catch (err) {
          problem(rel, (err as Error).message);
        }
      } else if (/^\.env/.test(name)) {
        const src = await read(rel);
        if (src) findings.connections.push(...parseEnvFile(src.text, rel, rootAbs));
      } else if (grammarFor(name)) {
        const src = await read(rel);
        if (!src || !wanted(name, src.text)) continue;
        const file = await parsed(src);
        if (!file) continue;
        if (name.endsWith('.go')) goFiles.push(file);
        else if (name.endsWith('.py')) {
          const project = await projectOf(rel);
          pyFiles.push({ ...file, project });
          receivers.push(...findReceivers(file, project.root));
        } else findings.connections.push(...analyseNode(file, rootAbs, nearestDir(rel, packageDirs), prismaSqlite));
      }
    }
    const goMods = new Map<string, string>();
    for (const dir of goModDirs) {
      const src = await read(dir === '.' ? 'go.mod' : `${dir}/go.mod`);
      if (src) goMods.set(dir, src.text);
    }
    findings.connections.push(...analyseGo(goFiles, rootAbs, goMods, findings.problems ??= []));
    const owners = new Map<string, ConnectionFinding>();
    for (const f of pyFiles) findings.connections.push(...analyseDjango(f, rootAbs, f.project, receivers, owners), ...analysePython(f, rootAbs));
  } finally {
    // The planners edit the nodes they found: their trees live until the fixes are planned.
    if (opts.keepTrees) keptTrees.set(findings, trees);
    else for (const t of trees) t.delete();
  }
  for (const j of outsideJournal) applyOutsideJournal(findings.connections, j);
  if (!findings.problems?.length) delete findings.problems;
  const runtimes = await bundledSqlite(rootAbs, [...packageDirs.keys()], goModDirs);
  if (runtimes.length) findings.runtimes = runtimes;
  return findings;
}

/** Cheap text tests first: most source files never mention SQLite. */
function wanted(name: string, text: string): boolean {
  if (name.endsWith('.go')) return /sqlite|sql\.Open|sql\.Register|const|var/.test(text);
  if (name.endsWith('.py')) return /DATABASES|django\.db\.backends|sqlite3|create_engine|create_async_engine|connection_created|dj_database_url/.test(text);
  return mentionsSqliteModule(text);
}

function firstError(tree: Tree): number {
  const cursor = tree.rootNode;
  const err = cursor.descendantsOfType('ERROR')[0] ?? cursor.descendantsOfType('MISSING')[0];
  return (err?.startPosition.row ?? 0) + 1;
}

async function listFiles(rootAbs: string, exclude: readonly string[]) {
  const files: string[] = [];
  const packageDirs = new Map<string, Set<string>>();
  const projectDirs = new Map<string, Set<string>>();
  const goModDirs: string[] = [];
  const venvs: string[] = [];
  const PROJECT_MARKERS = new Set(['manage.py', 'requirements.txt', 'pyproject.toml', 'poetry.lock', 'uv.lock', 'Pipfile.lock', 'setup.cfg', 'requirements']);
  for await (const ev of walkTree(rootAbs, { exclude: new GlobSet([...APP_CONFIG_EXCLUDES, ...exclude]) })) {
    if (ev.kind !== 'folders') continue;
    for (const folder of ev.folders) {
      const dir = folder.rel || '.';
      if (folder.files.includes('pyvenv.cfg')) venvs.push(folder.rel);
      for (const name of folder.files) {
        const rel = childRel(folder, name);
        if (name === 'package.json') packageDirs.set(dir, new Set());
        if (name === 'go.mod') goModDirs.push(dir);
        if (PROJECT_MARKERS.has(name)) projectDirs.set(dir, (projectDirs.get(dir) ?? new Set()).add(name));
        if (/^requirements.*\.txt$/.test(name) && /(^|\/)requirements$/.test(dir)) {
          const parent = path.posix.dirname(dir);
          projectDirs.set(parent, (projectDirs.get(parent) ?? new Set()).add(`requirements/${name}`));
        }
        if (grammarFor(name) || /^\.env/.test(name) || /^(litestream|litefs)\.ya?ml$/.test(name) || name.endsWith('.prisma') || rel.endsWith('config/database.yml') || name === 'Gemfile.lock') files.push(rel);
      }
    }
  }
  const inVenv = (rel: string) => venvs.some((v) => v === '' || rel.startsWith(`${v}/`));
  return { files: files.filter((f) => !inVenv(f)).sort(), packageDirs, goModDirs, projectDirs };
}
