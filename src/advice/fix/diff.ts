import type { TextEdit } from '../planners';

/**
 * A unified diff with one hunk per fix (its edits sit on a few neighbouring
 * lines), three lines of context where the neighbours allow, and the
 * "\ No newline at end of file" marker where a side's last line has none —
 * so `git apply` and `patch -p1` both take it. Lines keep their own \r.
 */
export function unifiedDiff(before: string, fixes: readonly (readonly TextEdit[])[], name: string): string {
  const lines = splitLines(before);
  const starts: number[] = [];
  let acc = 0;
  for (const l of lines) { starts.push(acc); acc += l.length; }
  const lineOf = (offset: number) => { let lo = 0, hi = lines.length - 1; while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid]! <= offset) lo = mid; else hi = mid - 1; } return lo; };
  // Each fix: the whole lines it touches, before and after.
  const changes = fixes.filter((edits) => edits.length).map((edits) => {
    const first = lineOf(Math.min(...edits.map((e) => e.start)));
    const lastOffset = Math.max(...edits.map((e) => Math.max(e.start, e.end - 1)));
    const last = Math.max(first, lineOf(lastOffset));
    const from = starts[first] ?? before.length;
    const to = last + 1 < lines.length ? starts[last + 1]! : before.length;
    let chunk = before.slice(from, to);
    for (const e of [...edits].sort((a, b) => b.start - a.start)) chunk = chunk.slice(0, e.start - from) + e.text + chunk.slice(e.end - from);
    return { first, last, after: splitLines(chunk) };
  }).sort((a, b) => a.first - b.first);
  // Touching fixes become one hunk: patch cannot take two hunks over the same lines.
  const merged: typeof changes = [];
  for (const c of changes) {
    const prev = merged[merged.length - 1];
    if (prev && c.first <= prev.last + 1) {
      const between = lines.slice(prev.last + 1, c.first);
      prev.after = [...prev.after, ...between, ...c.after];
      prev.last = Math.max(prev.last, c.last);
    } else merged.push({ ...c });
  }
  // Context: up to three lines, shared fairly where two hunks are close, never overlapping.
  const gaps = merged.map((c, i) => (i + 1 < merged.length ? merged[i + 1]!.first - c.last - 1 : lines.length - c.last - 1));
  let out = '';
  let shift = 0;
  merged.forEach((c, i) => {
    const gapBefore = i > 0 ? gaps[i - 1]! : c.first;
    const leadCount = i > 0 ? Math.min(3, gapBefore - Math.min(3, Math.ceil(gapBefore / 2))) : Math.min(3, c.first);
    const tailCount = i + 1 < merged.length ? Math.min(3, Math.ceil(gaps[i]! / 2)) : Math.min(3, gaps[i]!);
    const lead = lines.slice(c.first - leadCount, c.first);
    const old = lines.slice(c.first, c.last + 1);
    const tail = lines.slice(c.last + 1, c.last + 1 + tailCount);
    const oldStart = c.first - leadCount + 1;
    const oldLen = lead.length + old.length + tail.length;
    const newLen = lead.length + c.after.length + tail.length;
    const body = [...lead.map((l) => marked(' ', l)), ...old.map((l) => marked('-', l)), ...c.after.map((l) => marked('+', l)), ...tail.map((l) => marked(' ', l))];
    out += `@@ -${oldLen ? oldStart : oldStart - 1},${oldLen} +${newLen ? oldStart + shift : oldStart + shift - 1},${newLen} @@\n${body.join('')}`;
    shift += c.after.length - old.length;
  });
  return out ? `--- a/${name}\n+++ b/${name}\n${out}` : '';
}

/** Lines with their own line ending; the last may have none. */
function splitLines(text: string): string[] {
  const out = text.split(/(?<=\n)/);
  return out[out.length - 1] === '' ? out.slice(0, -1) : out;
}

/** A diff line; only a file's last line can lack its newline, and then says so. */
function marked(sign: string, line: string): string {
  return line.endsWith('\n') ? `${sign}${line}` : `${sign}${line}\n\\ No newline at end of file\n`;
}
