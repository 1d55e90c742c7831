import type { StatementRows } from '../engines/outcome';
import { sqlIdentifier } from '../os/sqlQuote';

/**
 * Row counts of every table, read by a real SQLite: the names first, then
 * the counts in as few statements as SQLite allows (it caps a compound
 * SELECT at 500 terms). Run in one transaction, they are one snapshot.
 */
export const TABLE_NAMES_SQL = "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name";

const COUNTS_PER_STATEMENT = 400;

export interface TableCount { name: string; rows: number }

export function tableNames(rows: StatementRows | undefined): string[] {
  return (rows ?? []).map((r) => String(r[0]));
}

export function countStatements(names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < names.length; i += COUNTS_PER_STATEMENT) {
    out.push(names.slice(i, i + COUNTS_PER_STATEMENT).map((n) => `SELECT count(*) FROM ${sqlIdentifier(n)}`).join(' UNION ALL '));
  }
  return out;
}

/** The counts from the results of countStatements(names), in order. */
export function countsFrom(names: readonly string[], results: readonly StatementRows[]): TableCount[] {
  const counts = results.flat();
  return names.map((name, i) => ({ name, rows: Number(counts[i]?.[0]) }));
}
