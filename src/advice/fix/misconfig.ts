import type { ConnectionFinding } from '../findings';
import type { Fix } from './fixTypes';
import type { TextEdit } from '../planners';

/**
 * Settings that are present but do nothing or the wrong thing — they fail
 * silently, which is why they are worth a fix: a PRAGMA name SQLite does not
 * know (ignored without an error), a busy timeout given in seconds where
 * milliseconds are meant (5 ms instead of 5 s), Django's `timeout` outside
 * OPTIONS (ignored) or in milliseconds (83 minutes). Only what the text
 * proves is fixed.
 */
const KNOWN_PRAGMAS = new Set([
  'analysis_limit', 'application_id', 'auto_vacuum', 'automatic_index', 'busy_timeout', 'cache_size', 'cache_spill', 'case_sensitive_like',
  'cell_size_check', 'checkpoint_fullfsync', 'collation_list', 'compile_options', 'count_changes', 'data_store_directory', 'data_version',
  'database_list', 'default_cache_size', 'defer_foreign_keys', 'empty_result_callbacks', 'encoding', 'foreign_key_check', 'foreign_key_list',
  'foreign_keys', 'freelist_count', 'full_column_names', 'fullfsync', 'function_list', 'hard_heap_limit', 'ignore_check_constraints',
  'incremental_vacuum', 'index_info', 'index_list', 'index_xinfo', 'integrity_check', 'journal_mode', 'journal_size_limit', 'legacy_alter_table',
  'legacy_file_format', 'locking_mode', 'max_page_count', 'mmap_size', 'module_list', 'optimize', 'page_count', 'page_size', 'parser_trace',
  'pragma_list', 'query_only', 'quick_check', 'read_uncommitted', 'recursive_triggers', 'reverse_unordered_selects', 'schema_version',
  'secure_delete', 'short_column_names', 'shrink_memory', 'soft_heap_limit', 'stats', 'synchronous', 'table_info', 'table_list', 'table_xinfo',
  'temp_store', 'temp_store_directory', 'threads', 'trusted_schema', 'user_version', 'vdbe_addoptrace', 'vdbe_debug', 'vdbe_listing',
  'vdbe_trace', 'wal_autocheckpoint', 'wal_checkpoint', 'writable_schema',
]);

/** A busy timeout this small was meant in seconds: nobody waits 5 ms for a lock on purpose. */
const SECONDS_MEANT_BELOW = 100;

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** The known PRAGMA a misspelt name most likely meant (within two edits), if exactly one fits best. */
export function closestPragma(name: string): string | undefined {
  const n = name.toLowerCase();
  if (KNOWN_PRAGMAS.has(n)) return undefined;
  const scored = [...KNOWN_PRAGMAS].map((p) => [p, distance(n, p)] as const).filter(([, d]) => d <= 2).sort((a, b) => a[1] - b[1]);
  return scored.length && (scored.length === 1 || scored[0]![1] < scored[1]![1]) ? scored[0]![0] : undefined;
}

export function isKnownPragma(name: string): boolean {
  return KNOWN_PRAGMAS.has(name.toLowerCase());
}

interface Hit { at: number; length: number; text: string; title: string }

/** PRAGMA names and busy_timeout values inside a text span (an init_command, an .exec string, a DSN). */
function pragmaHits(text: string, from: number, to: number, style: 'sql' | 'dsn'): Hit[] {
  const span = text.slice(from, to);
  const hits: Hit[] = [];
  const re = style === 'sql' ? /PRAGMA\s+(\w+)\s*(?:=\s*|\()(\d+)?/gi : /_pragma=(\w+)\((\d+)?/g;
  for (const m of span.matchAll(re)) {
    const name = m[1]!;
    const nameAt = from + m.index! + m[0].indexOf(name);
    const fixed = closestPragma(name);
    if (fixed) hits.push({ at: nameAt, length: name.length, text: fixed, title: `PRAGMA ${name} is not a pragma SQLite knows (it is silently ignored): did you mean ${fixed}?` });
    else if (!isKnownPragma(name)) continue;
    const value = m[2];
    if ((fixed ?? name.toLowerCase()) === 'busy_timeout' && value !== undefined && Number(value) > 0 && Number(value) < SECONDS_MEANT_BELOW) {
      hits.push({ at: from + m.index! + m[0].length - value.length, length: value.length, text: String(Number(value) * 1000), title: `busy_timeout=${value} is ${value} milliseconds, not seconds: ${Number(value) * 1000} waits ${value} s` });
    }
  }
  return hits;
}

function toFix(f: Pick<ConnectionFinding, 'file' | 'stack'>, text: string, hit: Hit): Fix {
  const line = text.slice(0, hit.at).split('\n').length;
  const edit: TextEdit = { start: hit.at, end: hit.at + hit.length, text: hit.text };
  return { file: f.file, line, stack: f.stack, title: hit.title, missing: [], edits: [edit] };
}

/** Misconfigurations in one finding's file that the text proves, as fixes. */
export function planMisconfigFixes(f: ConnectionFinding, text: string): Fix[] {
  const hits: Hit[] = [];
  if (f.stack === 'django') {
    for (const m of text.matchAll(/["']init_command["']\s*:\s*(["'])([^"'\n]*)\1/g)) hits.push(...pragmaHits(text, m.index!, m.index! + m[0].length, 'sql'));
    // OPTIONS.timeout is seconds (Python's sqlite3); thousands were meant as milliseconds.
    for (const m of text.matchAll(/["']OPTIONS["']\s*:\s*\{[^{}]*?["']timeout["']\s*:\s*(\d+)/g)) {
      const v = Number(m[1]);
      if (v >= 1000) hits.push({ at: m.index! + m[0].length - m[1]!.length, length: m[1]!.length, text: String(v / 1000), title: `OPTIONS timeout is in seconds (Python's sqlite3): ${v} waits ${Math.round(v / 60)} minutes; ${v / 1000} was meant` });
    }
  } else if (f.stack === 'node') {
    for (const m of text.matchAll(/\.(?:pragma|exec)\(\s*(['"`])([^'"`\n]*)\1/g)) {
      const inner = m[0].startsWith('.pragma') ? `PRAGMA ${m[2]}` : m[2]!;
      const offset = m[0].startsWith('.pragma') ? -'PRAGMA '.length : 0;
      const start = m.index! + m[0].indexOf(m[2]!);
      for (const h of pragmaHits(inner, 0, inner.length, 'sql')) hits.push({ ...h, at: start + h.at + offset });
    }
  } else if (f.stack === 'go') {
    for (const m of text.matchAll(/sql\.Open\(\s*"[^"]*"\s*,\s*(?:"([^"]*)"|`([^`]*)`)/g)) {
      hits.push(...pragmaHits(text, m.index!, m.index! + m[0].length, 'dsn'));
      const mattn = /_busy_timeout=(\d+)/.exec(m[0]);
      if (mattn && Number(mattn[1]) > 0 && Number(mattn[1]) < SECONDS_MEANT_BELOW) hits.push({ at: m.index! + mattn.index + '_busy_timeout='.length, length: mattn[1]!.length, text: String(Number(mattn[1]) * 1000), title: `_busy_timeout=${mattn[1]} is milliseconds, not seconds: ${Number(mattn[1]) * 1000} waits ${mattn[1]} s` });
    }
  } else if (f.stack === 'rails') {
    for (const m of text.matchAll(/^(\s+timeout:\s*)(\d+)\s*$/gm)) {
      const v = Number(m[2]);
      if (v > 0 && v < SECONDS_MEANT_BELOW) hits.push({ at: m.index! + m[1]!.length, length: m[2]!.length, text: String(v * 1000), title: `database.yml timeout is in milliseconds: ${v} waits ${v} ms; ${v * 1000} was meant` });
    }
  }
  return hits.map((h) => toFix(f, text, h));
}
