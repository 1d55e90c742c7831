import * as path from 'node:path';
import type { Document, Node as YNode, Pair, YAMLMap } from 'yaml';
import { compareVersion, railsDefaults } from '../drivers';
import { effectiveSettings, normalise, Observed } from '../facts';
import { ConnectionFinding, SETTING_NAMES, SettingName } from '../findings';
import { PlanResult, setPlanner, setSpans } from '../planners';
import { RECOMMENDED_BUSY_TIMEOUT_MS, Recommended } from '../knowledge/recommended';
import { Scope } from '../findings';

/**
 * Rails: config/database.yml through the yaml package's Document API — each
 * environment, and each database of a multi-database environment
 * (`production: primary: …`), with `<<: *default` merges followed to the
 * node that holds each key, flow mappings, and ERB: `<%= 5000 %>` is its
 * literal, any other `<%= … %>` is unknown, `<% … %>` lines are blanked
 * (same length, so every offset stays the file's). Rails 7.1+ applies its
 * DEFAULT_PRAGMAS; `timeout` is the busy timeout in milliseconds.
 */
const ERB = /<%(=|-|#)?([\s\S]*?)-?%>/g;

function blankErb(text: string): { text: string; erb: { start: number; end: number; expr: string }[] } {
  const erb: { start: number; end: number; expr: string }[] = [];
  const out = text.replace(ERB, (m, kind: string | undefined, expr: string, at: number) => {
    if (kind === '=') {
      erb.push({ start: at, end: at + m.length, expr: expr.trim() });
      return m.replace(/[^\n]/g, 'E');
    }
    return m.replace(/[^\n]/g, ' ');
  });
  return { text: out, erb };
}

const VERSION_DECIDES = ['foreign_keys', 'journal_mode', 'synchronous', 'cache_size'] as const;

export async function parseDatabaseYml(text: string, rel: string, root: string, railsVersion?: string): Promise<ConnectionFinding[]> {
  const { parseDocument, isMap, isAlias, isScalar, isSeq } = await import('yaml');
  const blanked = blankErb(text);
  const doc = parseDocument(blanked.text, { merge: true, prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length) throw new Error(`not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  if (!isMap(doc.contents)) return [];
  const railsRoot = path.join(root, path.dirname(path.dirname(rel)));
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  const out: ConnectionFinding[] = [];
  // The pair for `key` in a map or in what it merges (`<<: *alias`), nearest first.
  const lookup = (map: YAMLMap, key: string, depth = 0): Pair | undefined => {
    if (depth > 10) return undefined;
    for (const it of map.items) if (isScalar(it.key) && it.key.value === key) return it as Pair;
    for (const it of map.items) {
      if (!(isScalar(it.key) && (it.key.value === '<<' || typeof it.key.value === 'symbol'))) continue;
      const values = isSeq(it.value) ? it.value.items : [it.value];
      const sources = values.map((v) => (isAlias(v) ? v.resolve(doc as Document) : v));
      for (const s of sources) if (isMap(s)) { const p = lookup(s, key, depth + 1); if (p) return p; }
    }
    return undefined;
  };
  const mergedRanges = (map: YAMLMap, depth = 0): [number, number, number][] => depth > 10 ? [] : map.items
    .filter((it) => isScalar(it.key) && (it.key.value === '<<' || typeof it.key.value === 'symbol'))
    .flatMap((it) => (isSeq(it.value) ? it.value.items : [it.value]))
    .map((v) => (isAlias(v) ? v.resolve(doc as Document) : v))
    .flatMap((m) => (isMap(m) && m.range ? [m.range, ...mergedRanges(m, depth + 1)] : []));
  const scalar = (p: Pair | undefined): { value?: string; unknown?: string; at?: number } => {
    const v = p?.value as YNode | null | undefined;
    if (!v || !isScalar(v) || !v.range) return {};
    const [s, e] = v.range;
    const erb = blanked.erb.find((x) => x.start < e && x.end > s);
    if (erb) return /^(\d+|"[^"]*"|'[^']*')$/.test(erb.expr) ? { value: erb.expr.replace(/^["']|["']$/g, ''), at: s } : { unknown: `<%= ${erb.expr} %>`, at: s };
    return { value: String(v.value), at: s };
  };
  const envs = doc.contents.items;
  for (const envPair of envs) {
    const env = isScalar(envPair.key) ? String(envPair.key.value) : undefined;
    let envMap = envPair.value as YNode | null;
    if (isAlias(envMap)) envMap = envMap.resolve(doc as Document) as YNode;
    // `default: &default` (anchored, no database of its own) is a template the environments merge, not an environment.
    if (!env || !isMap(envMap)) continue;
    if ((envPair.value as YNode | null)?.anchor && !envMap.items.some((it) => isScalar(it.key) && it.key.value === 'database')) continue;
    const dbs: { name: string; map: YAMLMap; keyAt: number }[] = [];
    if (lookup(envMap, 'adapter') || lookup(envMap, 'database')) dbs.push({ name: env, map: envMap, keyAt: envPair.key && isScalar(envPair.key) ? envPair.key.range![0] : 0 });
    else {
      for (const sub of envMap.items) {
        let m = sub.value as YNode | null;
        if (isAlias(m)) m = m.resolve(doc as Document) as YNode;
        if (isScalar(sub.key) && isMap(m)) dbs.push({ name: `${env}.${String(sub.key.value)}`, map: m, keyAt: sub.key.range![0] });
      }
    }
    for (const db of dbs) {
      const adapterOf = scalar(lookup(db.map, 'adapter'));
      const adapter = adapterOf.value;
      // An adapter chosen at run time (ERB) is SQLite's possibility when other entries of the file use sqlite3.
      const computedAdapter = adapterOf.unknown !== undefined && /adapter:\s*sqlite3/.test(text);
      if (adapter !== 'sqlite3' && adapter !== 'sqlite' && !computedAdapter) continue;
      const dbPath = scalar(lookup(db.map, 'database'));
      const observed: Observed = { set: {}, unknown: {}, defaults: railsDefaults(railsVersion) };
      const timeout = scalar(lookup(db.map, 'timeout'));
      if (timeout.value !== undefined) observed.set.busy_timeout = { value: normalise('busy_timeout', timeout.value) ?? timeout.value, at: `${rel}:${lineAt(timeout.at!)}` };
      else if (timeout.unknown) observed.unknown.busy_timeout = { expression: timeout.unknown, at: `${rel}:${lineAt(timeout.at!)}` };
      const pragmasPair = lookup(db.map, 'pragmas');
      const pragmas: Record<string, string> = {};
      if (pragmasPair && isMap(pragmasPair.value)) {
        for (const it of pragmasPair.value.items) {
          if (!isScalar(it.key)) continue;
          const name = String(it.key.value).toLowerCase();
          const v = scalar(it as Pair);
          if (v.value !== undefined) {
            pragmas[name] = v.value;
            const n = (SETTING_NAMES as readonly string[]).includes(name) ? normalise(name, v.value) : undefined;
            if (n !== undefined) observed.set[name as SettingName] = { value: n, at: `${rel}:${lineAt(v.at!)}` };
          } else if (v.unknown && (SETTING_NAMES as readonly string[]).includes(name)) observed.unknown[name as SettingName] = { expression: v.unknown, at: `${rel}:${lineAt(v.at!)}` };
        }
      }
      // Without Gemfile.lock the version is unknown, and it decides these (7.1+ sets them all; every Rails since 6.1 turns foreign keys on).
      if (!railsVersion) {
        for (const name of VERSION_DECIDES) if (!observed.set[name] && !observed.unknown[name]) observed.unknown[name] = { expression: 'the Rails version (no Gemfile.lock)' };
      }
      const envName = db.name.split('.')[0]!;
      const scope: Scope = envName === 'test' || dbPath.value === ':memory:' ? 'test' : envName === 'development' ? 'development' : 'production';
      const finding: ConnectionFinding = {
        stack: 'rails', driver: 'rails', scope, file: rel, line: lineAt(db.keyAt),
        databaseExpr: `${db.name}: ${dbPath.value ?? dbPath.unknown ?? ''}`,
        database: dbPath.value && dbPath.value !== ':memory:' ? path.resolve(railsRoot, dbPath.value) : undefined,
        pragmas, settings: effectiveSettings('rails', observed),
        notes: [
          railsVersion ? `Rails ${railsVersion} (Gemfile.lock)` : 'Rails version unknown (no Gemfile.lock): what the version decides is unknown',
          ...(computedAdapter ? [`the adapter is chosen at run time (${adapterOf.unknown}): these are the facts when it is sqlite3`] : []),
        ],
      };
      setPlanner(finding, (missing) => planRails(text, db, !!pragmasPair, railsVersion, missing));
      // The entry and what it merges (a `timeout:` in `default: &default` is this entry's too).
      setSpans(finding, [db.map.range!, ...mergedRanges(db.map)].map(([a, , b]) => [a, b]));
      out.push(finding);
    }
  }
  return out;
}

function planRails(text: string, db: { name: string; map: YAMLMap }, hasPragmas: boolean, railsVersion: string | undefined, missing: readonly Recommended[]): PlanResult {
  let pragmaOnly = missing.filter((r) => r.name !== 'busy_timeout');
  let rest: { missing: readonly Recommended[]; why: string } | undefined;
  if (pragmaOnly.length && (!railsVersion || compareVersion(railsVersion, '7.1') < 0)) {
    rest = { missing: pragmaOnly, why: `Rails before 7.1 (or of unknown version) has no database.yml pragmas: set ${pragmaOnly.map((r) => r.name).join(', ')} in an initializer, or upgrade` };
  } else if (pragmaOnly.length && hasPragmas) rest = { missing: pragmaOnly, why: `the ${db.name}: entry already has pragmas:; add ${pragmaOnly.map((r) => r.name).join(', ')} to it by hand` };
  if (rest) {
    if (!missing.some((r) => r.name === 'busy_timeout')) return rest.why;
    pragmaOnly = [];
    missing = missing.filter((r) => r.name === 'busy_timeout');
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const [start, , end] = db.map.range!;
  const timeout = missing.some((r) => r.name === 'busy_timeout');
  const title = `Add ${missing.map((r) => r.name).join(', ')} to ${db.name}: in database.yml`;
  const done = (edits: { start: number; end: number; text: string }[]) => ({ title, edits, ...(rest && { rest }) });
  if (db.map.flow || text[start] === '{') {
    const close = text.lastIndexOf('}', end);
    const items = [...(timeout ? [`timeout: ${RECOMMENDED_BUSY_TIMEOUT_MS}`] : []), ...(pragmaOnly.length ? [`pragmas: { ${pragmaOnly.map((r) => `${r.name}: ${r.value.toLowerCase()}`).join(', ')} }`] : [])];
    const before = text.slice(start + 1, close).trim();
    return done([{ start: close, end: close, text: `${before && !before.endsWith(',') ? ', ' : ''}${items.join(', ')} ` }]);
  }
  // Block mapping: new keys go first, at the indentation of its first key (merged keys never override them).
  const first = db.map.items[0];
  const keyAt = (first?.key as YNode | null)?.range?.[0] ?? start;
  const lineStart = text.lastIndexOf('\n', keyAt - 1) + 1;
  const ind = text.slice(lineStart, keyAt);
  if (!/^[ \t]*$/.test(ind)) return `the ${db.name}: entry is not a block mapping on its own lines; add ${missing.map((r) => r.name).join(', ')} by hand`;
  const lines = [
    ...(timeout ? [`${ind}timeout: ${RECOMMENDED_BUSY_TIMEOUT_MS}`] : []),
    ...(pragmaOnly.length ? [`${ind}pragmas:`, ...pragmaOnly.map((r) => `${ind}  ${r.name}: ${r.value.toLowerCase()}`)] : []),
  ];
  return done([{ start: lineStart, end: lineStart, text: lines.map((l) => `${l}${eol}`).join('') }]);
}

/** "rails (7.1.3)" in Gemfile.lock. */
export function railsVersionFromLock(text: string): string | undefined {
  return /^\s{4}rails \((\d+\.\d+[^)]*)\)/m.exec(text)?.[1];
}
