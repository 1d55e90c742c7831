import type { ConnectionFinding } from '../findings';

/**
 * Settings made outside the app's code. Prisma's schema names the provider
 * (`provider = "sqlite"` in a datasource block), and a LiteFS config can run
 * `sqlite3 $DB "PRAGMA journal_mode = WAL;"` on start: journal_mode persists
 * in the file, so a connection whose path is computed at run time may open
 * a file that command set — unknown, never the SQLite default.
 */
export function prismaUsesSqlite(schema: string): boolean {
  return /datasource\s+\w+\s*\{[^}]*provider\s*=\s*"sqlite"/.test(schema);
}

export function journalFromLitefs(text: string, rel: string): { expression: string; at: string } | undefined {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => /PRAGMA\s+journal_mode\s*=/i.test(l) && !/^\s*#/.test(l));
  return i < 0 ? undefined : { expression: lines[i]!.trim().replace(/^-\s*cmd:\s*/, ''), at: `${rel}:${i + 1}` };
}

export function applyOutsideJournal(connections: ConnectionFinding[], set: { expression: string; at: string }): void {
  for (const c of connections) {
    if (c.scope === 'test' || c.database !== undefined || c.settings.journal_mode.state !== 'default') continue;
    c.settings.journal_mode = { state: 'unknown', ...set };
    c.notes.push(`journal_mode may be set outside the app: ${set.expression} (${set.at})`);
  }
}
