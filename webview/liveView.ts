import type { LiveView } from '../src/shared/protocol';
import { formatBytes } from '../src/shared/format';
import { Point, byteTicks, clock, nearest, tableSamples, timeTicks, timeWindow } from './chartAxis';
import { h } from './dom';

/**
 * The selected database, live: a time chart of what was sampled so far (up
 * to ten minutes) — the -wal's size and the bytes not yet checkpointed, on
 * a clock-time axis and a byte axis, checkpoints labelled — who holds it
 * with their roles, and what that means. One persistent element updated in
 * place, so the chart keeps keyboard focus while samples arrive.
 *
 * Reading values: hover the chart, or focus it (a slider over the samples:
 * arrows, Page Up/Down, Home, End) — the read-out line under it and the
 * slider's value text say the time and both values. A screen reader also
 * gets the same numbers as a small table.
 */
const SVG = 'http://www.w3.org/2000/svg';
const W = 1000;
const H = 160;

function svg(tag: string, attrs: Record<string, string | number>, ...children: (SVGElement | string)[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

/** A label centred on its x (0…1), kept inside the chart at either end. */
function edgeLabel(at: number, text: string, cls = ''): HTMLElement {
  const edge = at > 0.94 ? 'edge-end' : at < 0.06 ? 'edge-start' : '';
  return h('span', { class: `${cls} ${edge}`.trim() || undefined, style: `left: ${pct(at)}` }, text);
}

function describe(p: Point, frameBytes: number): string {
  return `${clock(p[0])}: -wal ${formatBytes(p[1])}, ${p[2].toLocaleString('en-US')} frame(s) (${formatBytes(p[2] * frameBytes)}) not checkpointed${p[3] ? ', checkpoint' : ''}`;
}

export class LiveChartView {
  readonly element: HTMLElement;
  private readonly legend = h('div', { class: 'legend' });
  private readonly yAxis = h('div', { class: 'y-axis', 'aria-hidden': 'true' });
  private readonly xAxis = h('div', { class: 'x-axis', 'aria-hidden': 'true' });
  private readonly plotSvg = svg('svg', { class: 'live-chart', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' });
  private readonly labels = h('div', { class: 'ckpt-labels', 'aria-hidden': 'true' });
  private readonly plot = h('div', { class: 'plot', role: 'slider', tabindex: '0', 'data-testid': 'live-chart',
    'aria-label': 'Live chart: -wal size and bytes not checkpointed over time; arrow keys read the samples' });
  private readonly readout = h('div', { class: 'readout', 'data-testid': 'readout' });
  private readonly table = h('table', { class: 'sr-only', 'data-testid': 'live-table' });
  private readonly rest = h('div', {});
  private live: LiveView | undefined;
  /** The sample the read-out shows, by time; undefined: the latest. */
  private cursor: number | undefined;

  constructor() {
    this.plot.append(this.plotSvg, this.labels);
    this.element = h('section', { class: 'live', 'data-testid': 'live-view', hidden: true },
      h('h3', {}, 'Live'), this.legend,
      h('div', { class: 'chart' }, this.yAxis, this.plot, this.xAxis),
      this.readout, this.table, this.rest,
    );
    this.plot.addEventListener('keydown', (e) => this.key(e));
    this.plot.addEventListener('pointermove', (e) => this.hover(e));
    this.plot.addEventListener('pointerleave', () => { if (document.activeElement !== this.plot) this.moveTo(undefined); });
    this.plot.addEventListener('blur', () => this.moveTo(undefined));
    this.plot.addEventListener('focus', () => { if (this.live) this.draw(this.live); });
  }

  update(live: LiveView | undefined): void {
    if (live === this.live) return;
    this.live = live;
    this.element.hidden = !live;
    if (!live) return;
    const latest = live.points.at(-1);
    this.legend.replaceChildren(
      h('span', { class: 'key wal' }, `-wal ${latest ? formatBytes(latest[1]) : '–'}`),
      h('span', { class: 'key pending' }, `${latest ? `${latest[2].toLocaleString('en-US')} frame(s), ${formatBytes(latest[2] * live.frameBytes)}` : '–'} not checkpointed`),
      h('span', { class: 'key ckpt' }, 'checkpoint'),
      h('span', { class: 'muted' }, 'up to the last 10 minutes, sampled from headers, the -shm and /proc (no connection, no lock)'),
    );
    this.draw(live);
    this.drawTable(live);
    this.rest.replaceChildren(...[
      live.holders.length
        ? h('table', { class: 'kv holders', 'data-testid': 'holders' },
            h('thead', {}, h('tr', {}, h('th', {}, 'PID'), h('th', {}, 'Role'), h('th', {}, 'Locks'), h('th', {}, 'Command'))),
            h('tbody', {}, ...live.holders.map((p) => h('tr', { class: `role-${p.role}` }, h('td', { class: 'num' }, String(p.pid)), h('td', {}, p.role), h('td', {}, p.locks.join(' ') || '–'), h('td', { class: 'muted' }, p.command)))))
        : null,
      live.diagnosis.length ? h('ul', { class: 'diagnosis', 'data-testid': 'diagnosis' }, ...live.diagnosis.map((d) => h('li', {}, d))) : null,
    ].filter((n): n is HTMLElement => n !== null));
  }

  private draw(live: LiveView): void {
    const points = live.points;
    const { start, end } = timeWindow(points);
    const x = (t: number) => ((t - start) / (end - start)) * W;
    const { top, ticks } = byteTicks(Math.max(0, ...points.map((p) => Math.max(p[1], p[2] * live.frameBytes))));
    const y = (v: number) => H - (v / top) * H;
    const shown = points.filter((p) => p[0] >= start);
    const line = (value: (p: Point) => number) => shown.map((p) => `${x(p[0]).toFixed(1)},${y(value(p)).toFixed(1)}`).join(' ');
    const times = timeTicks(start, end);
    const checkpoints = shown.filter((p) => p[3]);
    const index = this.index();
    const at = index >= 0 && (this.cursor !== undefined || document.activeElement === this.plot) ? points[index] : undefined;
    this.plotSvg.replaceChildren(
      ...ticks.map((v) => svg('line', { class: 'grid-line', x1: 0, x2: W, y1: y(v), y2: y(v) })),
      ...times.map((t) => svg('line', { class: 'grid-line', x1: x(t), x2: x(t), y1: 0, y2: H })),
      ...checkpoints.map((p) => svg('line', { class: 'ckpt', x1: x(p[0]), x2: x(p[0]), y1: 0, y2: H }, svg('title', {}, `checkpoint at ${clock(p[0])}`))),
      svg('polyline', { class: 'wal', points: line((p) => p[1]) }),
      svg('polyline', { class: 'pending', points: line((p) => p[2] * live.frameBytes) }),
      ...(shown.length === 1 ? [svg('circle', { class: 'dot wal', cx: x(shown[0]![0]), cy: y(shown[0]![1]), r: 3 })] : []),
      ...(at ? [svg('line', { class: 'cursor', x1: x(at[0]), x2: x(at[0]), y1: 0, y2: H })] : []),
    );
    this.yAxis.replaceChildren(...ticks.map((v) => h('span', { style: `top: ${pct(1 - v / top)}` }, formatBytes(v))));
    this.xAxis.replaceChildren(...times.map((t) => edgeLabel((t - start) / (end - start), clock(t))));
    // One label per checkpoint, newest first, none closer than 12% to the last one labelled.
    const labelled: number[] = [];
    for (const p of [...checkpoints].reverse()) if (labelled.every((l) => Math.abs(l - x(p[0])) > 0.12 * W)) labelled.push(x(p[0]));
    this.labels.replaceChildren(...labelled.map((px) => edgeLabel(px / W, 'checkpoint', 'ckpt-label')));
    const shownAt = index >= 0 ? points[index]! : undefined;
    this.plot.setAttribute('aria-valuemin', '0');
    this.plot.setAttribute('aria-valuemax', String(Math.max(0, points.length - 1)));
    this.plot.setAttribute('aria-valuenow', String(Math.max(0, index)));
    this.plot.setAttribute('aria-valuetext', shownAt ? describe(shownAt, live.frameBytes) : 'no samples yet');
    this.readout.textContent = shownAt ? `${this.cursor === undefined ? 'Latest' : 'At'} ${describe(shownAt, live.frameBytes)}` : 'No samples yet';
  }

  private drawTable(live: LiveView): void {
    this.table.replaceChildren(
      h('caption', {}, 'Live samples of the -wal (the chart as numbers)'),
      h('thead', {}, h('tr', {}, ...['Time', '-wal', 'Frames not checkpointed', 'Bytes not checkpointed', 'Checkpoint'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...tableSamples(live.points).map((i) => {
        const p = live.points[i]!;
        return h('tr', {}, h('td', {}, clock(p[0])), h('td', {}, formatBytes(p[1])), h('td', {}, p[2].toLocaleString('en-US')), h('td', {}, formatBytes(p[2] * live.frameBytes)), h('td', {}, p[3] ? 'yes' : ''));
      })),
    );
  }

  private index(): number {
    const points = this.live?.points ?? [];
    return this.cursor === undefined ? points.length - 1 : nearest(points, this.cursor);
  }

  private moveTo(t: number | undefined): void {
    if (t === this.cursor) return;
    this.cursor = t;
    if (this.live) this.draw(this.live);
  }

  private key(e: KeyboardEvent): void {
    const points = this.live?.points ?? [];
    if (!points.length) return;
    const i = this.index();
    const to = { ArrowLeft: i - 1, ArrowDown: i - 1, ArrowRight: i + 1, ArrowUp: i + 1, PageDown: i - 10, PageUp: i + 10, Home: 0, End: points.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const j = Math.min(Math.max(to, 0), points.length - 1);
    this.moveTo(j === points.length - 1 ? undefined : points[j]![0]);
  }

  private hover(e: PointerEvent): void {
    const points = this.live?.points;
    if (!points?.length) return;
    const box = this.plot.getBoundingClientRect();
    const { start, end } = timeWindow(points);
    const i = nearest(points, start + ((e.clientX - box.left) / box.width) * (end - start));
    this.moveTo(i === points.length - 1 ? undefined : points[i]![0]);
  }
}
