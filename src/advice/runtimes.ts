import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { SqliteRuntime } from './findings';

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

export async function bundledSqlite(root: string, packageDirs: string[], goModDirs: string[]): Promise<SqliteRuntime[]> {
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
