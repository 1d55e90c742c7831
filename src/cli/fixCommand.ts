import * as path from 'node:path';
import { unifiedDiff } from '../advice/fix/diff';
import { Fix, Unfixable, WorkspacePlan, applyEdits, planWorkspaceFixes } from '../advice/fix/fixes';
import { SourceError, encodeSource } from '../advice/sourceText';
import { WriteError, writeAll } from '../advice/fix/writeAll';
import { CliIo, jsonText } from './io';
import { EXIT_REFUSED } from './walCommand';

/**
 * `sqlite-doctor fix [DIR] [--dry-run] [--exclude GLOB]… [--json]`: writes the
 * recommended per-connection settings into the app's own configuration —
 * never into test code. Each file keeps its encoding and line endings; the
 * files of a round are written all or none. Exit 0 when there was nothing to
 * fix or everything was fixed, 3 when a finding cannot be fixed automatically
 * (with why) or a file cannot be written (named; nothing written). --dry-run
 * prints a unified diff (one hunk per fix) and writes nothing.
 */
export async function fixCommand(io: CliIo, dir: string, opts: { dryRun: boolean; json: boolean; exclude?: string[] }): Promise<number> {
  const root = path.resolve(dir);
  const fixes: Fix[] = [];
  const diffs: string[] = [];
  let plan: WorkspacePlan | undefined;
  let refused: string | undefined;
  // Wrong settings are corrected first, missing ones added on the corrected text: a few rounds, until nothing changes.
  for (let round = 0; round < 3; round++) {
    plan = await planWorkspaceFixes(root, opts.exclude);
    if (!plan.fixes.length) break;
    const byFile = new Map<string, Fix[]>();
    for (const f of plan.fixes) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
    const writes: { rel: string; bytes: Buffer; original: Buffer }[] = [];
    try {
      for (const [file, list] of byFile) {
        const src = plan.sources.get(file)!;
        const after = applyEdits(src.text, list.flatMap((f) => f.edits));
        if (opts.dryRun) diffs.push(unifiedDiff(src.text, list.map((f) => f.edits), file));
        else writes.push({ rel: file, bytes: encodeSource(src, after), original: encodeSource(src, src.text) });
      }
      if (!opts.dryRun) await writeAll(root, writes);
    } catch (err) {
      if (!(err instanceof WriteError || err instanceof SourceError)) throw err;
      refused = err.message;
      break;
    }
    fixes.push(...plan.fixes);
    if (opts.dryRun) break; // a dry run shows the first round; the rest depends on it being written
  }
  const unfixable: Unfixable[] = plan?.unfixable ?? [];
  const extra = { unknown: plan?.unknown ?? [], tests: plan?.tests ?? [], problems: plan?.problems ?? [] };
  if (opts.json) {
    // Edits are offsets into each file as it was read: an editor applies them only to an unchanged document.
    io.out(jsonText({ root, dryRun: opts.dryRun, fixed: fixes, unfixable, ...extra, ...(refused && { error: refused }), ...(opts.dryRun && { diff: diffs.join('') }) }));
  } else {
    if (opts.dryRun && diffs.length) io.out(diffs.join('').replace(/\n$/, ''));
    if (refused) io.out(`not written: ${refused}`);
    for (const f of fixes) io.out(`${opts.dryRun ? 'would fix' : 'fixed'} ${f.file}:${f.line} (${f.stack}): ${f.title}`);
    for (const u of unfixable) io.out(`cannot fix ${u.file}:${u.line} (${u.stack}) automatically: ${u.why} (missing: ${u.missing.join(', ')})`);
    for (const u of extra.unknown) io.out(`left alone (unknown, not missing): ${u}`);
    for (const p of extra.problems) io.out(`problem: ${p.file}: ${p.error}`);
    if (extra.tests.length) io.out(`${extra.tests.length} test connection(s) (test code or in-memory databases) not fixed: ${extra.tests.map((t) => `${t.file}:${t.line}`).join(', ')}`);
    if (!fixes.length && !unfixable.length && !refused) {
      io.out(extra.unknown.length
        ? `Nothing fixed under ${root}: the settings above are computed at run time; check them where they are computed.`
        : `Nothing to fix under ${root}: every SQLite connection found sets the recommended settings (or none was found).`);
    }
  }
  return unfixable.length || refused ? EXIT_REFUSED : 0;
}
