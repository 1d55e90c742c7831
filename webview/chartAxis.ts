/**
 * The live chart's axes, as numbers: the time window (what was sampled so
 * far, up to ten minutes), time ticks on round clock times, byte ticks on
 * round binary sizes, and which sample a pointer or key is at. Pure, so it
 * is unit-tested without a browser.
 */
export type Point = readonly [time: number, walBytes: number, pendingFrames: number, checkpoint: number];

/** Below this the chart would be a few pixels of line: it shows at least this much time. */
export const MIN_WINDOW_MS = 10_000;
export const MAX_WINDOW_MS = 600_000;

/** The window ends at the latest sample and spans what was collected, between the bounds. */
export function timeWindow(points: readonly Point[], now = Date.now()): { start: number; end: number } {
  const end = points.at(-1)?.[0] ?? now;
  const first = points[0]?.[0] ?? end;
  const span = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, end - first));
  return { start: end - span, end };
}

const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600];

/** Round clock times inside [start, end], at most `max` of them. */
export function timeTicks(start: number, end: number, max = 6): number[] {
  const stepS = TIME_STEPS_S.find((s) => (end - start) / (s * 1000) <= max) ?? TIME_STEPS_S.at(-1)!;
  const step = stepS * 1000;
  const ticks: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) ticks.push(t);
  return ticks;
}

/** "14:03:07" in the viewer's time zone. */
export function clock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

const UNITS = [1, 1024, 1024 ** 2, 1024 ** 3, 1024 ** 4];
const MANTISSAS = [1, 2, 5, 10, 20, 50, 100, 200, 500];

/**
 * Value axis for byte counts: 0 and round multiples up to a top at or above
 * `max` (at most `max Ticks` steps), so labels read "0 B, 2 MiB, 4 MiB, 6 MiB".
 */
export function byteTicks(max: number, maxTicks = 4): { top: number; ticks: number[] } {
  const steps = UNITS.flatMap((u) => MANTISSAS.map((m) => m * u));
  const step = steps.find((s) => Math.ceil(Math.max(max, 1) / s) <= maxTicks) ?? steps.at(-1)!;
  const top = Math.max(1, Math.ceil(max / step)) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return { top, ticks };
}

/** The index of the sample nearest to time `t` (points are in time order); -1 when there are none. */
export function nearest(points: readonly Point[], t: number): number {
  if (!points.length) return -1;
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]![0] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && t - points[lo - 1]![0] < points[lo]![0] - t ? lo - 1 : lo;
}

/** Up to `max` samples for the text alternative: evenly spread, always the latest and every checkpoint (newest first when cut). */
export function tableSamples(points: readonly Point[], max = 10): number[] {
  if (points.length <= max) return points.map((_, i) => i);
  const keep = new Set<number>([points.length - 1]);
  const checkpoints = points.map((p, i) => (p[3] ? i : -1)).filter((i) => i >= 0).reverse();
  for (const i of checkpoints) if (keep.size < Math.ceil(max / 2)) keep.add(i);
  const room = max - keep.size;
  for (let k = 0; k < room; k++) keep.add(Math.round((k * (points.length - 1)) / Math.max(1, room)));
  return [...keep].sort((a, b) => a - b).slice(-max);
}
