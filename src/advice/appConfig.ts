import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { GlobSet } from '../workspace/glob';
import { DEFAULT_EXCLUDES } from '../workspace/scan';
import { childRel, walkTree } from '../workspace/walk';
import { AppFindings, ConnectionFinding, SqliteRuntime } from './findings';
import { isDjangoSettings, parseDjangoSettings, parseDjangoSignal, parseEnvFile } from './stacks/django';
import { parseGoSource } from './stacks/go';
import { parseLitestream } from './stacks/litestream';
import { mentionsSqliteModule, parseNodeSource } from './stacks/node';
import { parseDatabaseYml, railsVersionFromLock } from './stacks/rails';

/**
 * Finds how the app in a folder opens its SQLite databases, by reading its
 * settings and source as text. Bounded: a file over 512 KiB is generated or
 * bundled, not where an app configures its database; it is skipped and named.
 */
const MAX_BYTES = 512 * 1024;
const SOURCE = /\.(py|go|js|mjs|cjs|ts|mts|cts)$/;

export async function findAppSettings(root: string, exclude: readonly string[] = DEFAULT_EXCLUDES): Promise<AppFindings> {
  const rootAbs = path.resolve(root);
  const files: { rel: string; abs: string; name: string }[] = [];
  const packageDirs = new Set<string>();
  const goModDirs: string[] = [];
  for await (const ev of walkTree(rootAbs, { exclude: new GlobSet(exclude) })) {
    if (ev.kind !== 'folders') continue;
    for (const folder of ev.folders) {
      for (const name of folder.files) {
        const rel = childRel(folder, name);
        if (name === 'package.json') packageDirs.add(folder.rel || '.');
        if (name === 'go.mod') goModDirs.push(folder.rel || '.');
        if (SOURCE.test(name) && !name.endsWith('.d.ts') || /^\.env/.test(name) || /^litestream\.ya?ml$/.test(name) || rel.endsWith('config/database.yml') || name === 'Gemfile.lock') {
          files.push({ rel, name, abs: path.join(folder.abs, name) });
        }
      }
    }
  }
  const findings: AppFindings = { connections: [], backups: [] };
  const read = async (abs: string) => {
    const st = await fsp.stat(abs).catch(() => undefined);
    if (st && st.size > MAX_BYTES) (findings.skipped ??= []).push(`${path.relative(rootAbs, abs)} (${Math.round(st.size / 1024)} KiB, over the ${MAX_BYTES / 1024} KiB limit for config files)`);
    return st && st.size <= MAX_BYTES ? fsp.readFile(abs, 'utf8').catch(() => undefined) : undefined;
  };
  const signals: { rel: string; line: number; pragmas: Record<string, string> }[] = [];
  for (const f of files) {
    const text = await read(f.abs);
    if (text === undefined) continue;
    if (/^litestream\.ya?ml$/.test(f.name)) {
      const b = await parseLitestream(text, f.rel);
      if (b) findings.backups.push(b);
    } else if (f.rel.endsWith('config/database.yml')) {
      const lock = await read(path.join(path.dirname(path.dirname(f.abs)), 'Gemfile.lock'));
      findings.connections.push(...(await parseDatabaseYml(text, f.rel, rootAbs, lock ? railsVersionFromLock(lock) : undefined)));
    } else if (/^\.env/.test(f.name)) {
      findings.connections.push(...parseEnvFile(text, f.rel, rootAbs));
    } else if (f.name.endsWith('.py')) {
      if (isDjangoSettings(f.rel)) findings.connections.push(...parseDjangoSettings(text, f.rel, rootAbs));
      const signal = parseDjangoSignal(text);
      if (signal) signals.push({ rel: f.rel, ...signal });
    } else if (f.name.endsWith('.go')) {
      if (text.includes('sql.Open')) findings.connections.push(...parseGoSource(text, f.rel, rootAbs));
    } else if (mentionsSqliteModule(text)) {
      findings.connections.push(...parseNodeSource(text, f.rel, rootAbs, nearestPackageDir(f.rel, packageDirs)));
    }
  }
  for (const s of signals) applySignal(findings.connections, s);
  const runtimes = await bundledSqlite(rootAbs, [...packageDirs], goModDirs);
  if (runtimes.length) findings.runtimes = runtimes;
  return findings;
}

/** A connection_created handler applies to every Django connection of the project. */
function applySignal(connections: ConnectionFinding[], s: { rel: string; line: number; pragmas: Record<string, string> }): void {
  for (const c of connections) {
    if (c.stack !== 'django') continue;
    c.pragmas = { ...s.pragmas, ...c.pragmas };
    c.notes.push(`connection_created signal in ${s.rel}:${s.line} sets ${Object.keys(s.pragmas).join(', ')}`);
  }
}

function nearestPackageDir(rel: string, packageDirs: Set<string>): string {
  let dir = path.posix.dirname(rel);
  for (;;) {
    if (packageDirs.has(dir)) return dir;
    if (dir === '.' || dir === '') return '.';
    dir = path.posix.dirname(dir);
  }
}

/**
 * The SQLite an app's driver ships, where it sits in the workspace as source:
 * better-sqlite3 in node_modules and a vendored mattn/go-sqlite3 carry the
 * SQLite amalgamation, whose header states its version. Read as text (the
 * first 16 KiB), never run; drivers that link a system or prebuilt library
 * cannot be told this way.
 */
const BUNDLES: { under: (dir: string) => string; pkg?: (dir: string) => string; name: string }[] = [
  { name: 'better-sqlite3', under: (d) => path.join(d, 'node_modules', 'better-sqlite3', 'deps', 'sqlite3', 'sqlite3.h'), pkg: (d) => path.join(d, 'node_modules', 'better-sqlite3', 'package.json') },
  { name: 'github.com/mattn/go-sqlite3 (vendored)', under: (d) => path.join(d, 'vendor', 'github.com', 'mattn', 'go-sqlite3', 'sqlite3-binding.h') },
];

async function bundledSqlite(root: string, packageDirs: string[], goModDirs: string[]): Promise<SqliteRuntime[]> {
  const out: SqliteRuntime[] = [];
  for (const [dirs, bundles] of [[packageDirs, BUNDLES.slice(0, 1)], [goModDirs, BUNDLES.slice(1)]] as const) {
    for (const rel of dirs) {
      for (const b of bundles) {
        const header = b.under(path.join(root, rel));
        const head = await readHead(header);
        const version = head && /#define SQLITE_VERSION\s+"([\d.]+)"/.exec(head)?.[1];
        if (!version) continue;
        const pkgVersion = b.pkg ? (/"version"\s*:\s*"([^"]+)"/.exec((await readHead(b.pkg(path.join(root, rel)))) ?? '')?.[1]) : undefined;
        out.push({ name: pkgVersion ? `${b.name} ${pkgVersion}` : b.name, file: path.relative(root, header).split(path.sep).join('/'), sqliteVersion: version });
      }
    }
  }
  return out;
}

async function readHead(file: string): Promise<string | undefined> {
  try {
    const f = await fsp.open(file, 'r');
    try {
      const b = Buffer.alloc(16384);
      const { bytesRead } = await f.read(b, 0, b.length, 0);
      return b.subarray(0, bytesRead).toString('latin1');
    } finally {
      await f.close();
    }
  } catch {
    return undefined;
  }
}
