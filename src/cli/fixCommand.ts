import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Fix, Unfixable, applyEdits, planWorkspaceFixes } from '../advice/fixes';
import { CliIo, jsonText } from './io';
import { EXIT_REFUSED } from './walCommand';

/**
 * `sqlite-doctor fix [DIR] [--dry-run] [--json]`: writes the recommended
 * per-connection settings into the app's own configuration. Exit 0 when there
 * was nothing to fix or everything was fixed, 3 when a finding cannot be fixed
 * automatically (with why). --dry-run prints a unified diff and writes nothing.
 */
export async function fixCommand(io: CliIo, dir: string, opts: { dryRun: boolean; json: boolean }): Promise<number> {
  const root = path.resolve(dir);
  const fixes: Fix[] = [];
  const diffs: string[] = [];
  let unfixable: Unfixable[] = [];
  // Wrong settings are corrected first, missing ones added on the corrected text: a few rounds, until nothing changes.
  for (let round = 0; round < 3; round++) {
    const plan = await planWorkspaceFixes(root);
    unfixable = plan.unfixable;
    if (!plan.fixes.length) break;
    fixes.push(...plan.fixes);
    const byFile = new Map<string, Fix[]>();
    for (const f of plan.fixes) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
    for (const [file, list] of byFile) {
      const abs = path.join(root, file);
      const before = await fsp.readFile(abs, 'utf8');
      const after = applyEdits(before, list.flatMap((f) => f.edits));
      if (opts.dryRun) diffs.push(unifiedDiff(before, after, file));
      else await fsp.writeFile(abs, after);
    }
    if (opts.dryRun) break; // a dry run shows the first round; the rest depends on it being written
  }
  if (opts.json) {
    // Edits are offsets into each file as it was read: an editor applies them only to an unchanged document.
    io.out(jsonText({ root, dryRun: opts.dryRun, fixed: fixes, unfixable, ...(opts.dryRun && { diff: diffs.join('') }) }));
  } else {
    if (opts.dryRun) io.out(diffs.join('').replace(/\n$/, ''));
    for (const f of fixes) io.out(`${opts.dryRun ? 'would fix' : 'fixed'} ${f.file}:${f.line} (${f.stack}): ${f.title}`);
    for (const u of unfixable) io.out(`cannot fix ${u.file}:${u.line} (${u.stack}) automatically: ${u.why} (missing: ${u.missing.join(', ')})`);
    if (!fixes.length && !unfixable.length) io.out(`Nothing to fix under ${root}: every SQLite connection found sets the recommended settings (or none was found).`);
  }
  return unfixable.length ? EXIT_REFUSED : 0;
}

/** A unified diff of one changed region (fixes touch a few nearby lines), with three lines of context. */
export function unifiedDiff(before: string, after: string, name: string): string {
  if (before === after) return '';
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const from = Math.max(0, head - 3);
  const aEnd = Math.min(a.length, a.length - tail + 3);
  const bEnd = Math.min(b.length, b.length - tail + 3);
  const lines = [
    ...a.slice(from, head).map((l) => ` ${l}`),
    ...a.slice(head, a.length - tail).map((l) => `-${l}`),
    ...b.slice(head, b.length - tail).map((l) => `+${l}`),
    ...a.slice(a.length - tail, aEnd).map((l) => ` ${l}`),
  ];
  return `--- a/${name}\n+++ b/${name}\n@@ -${from + 1},${aEnd - from} +${from + 1},${bEnd - from} @@\n${lines.join('\n')}\n`;
}
