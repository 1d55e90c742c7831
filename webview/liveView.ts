import type { LiveView } from '../src/shared/protocol';
import { formatBytes } from '../src/sqlite/format';
import { h } from './dom';

/**
 * The selected database, live: a time chart of the last ten minutes (-wal
 * size and frames not yet checkpointed, checkpoints marked), who holds it
 * with their roles, and what that means. Updated in place; it holds no
 * control that could have focus.
 */
const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 600;
const HEIGHT = 110;
/** The chart spans what was sampled, from one minute up to ten. */
const MIN_WINDOW_MS = 60_000;
const MAX_WINDOW_MS = 600_000;

function svg(tag: string, attrs: Record<string, string | number>, ...children: (SVGElement | string)[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

function chart(live: LiveView): SVGElement {
  const now = live.points.at(-1)?.[0] ?? Date.now();
  const span = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, now - (live.points[0]?.[0] ?? now)));
  const x = (t: number) => WIDTH - ((now - t) / span) * WIDTH;
  // One scale for both: the -wal's size and the bytes of it not yet copied into the database.
  const maxBytes = Math.max(1, ...live.points.map((p) => Math.max(p[1], p[2] * live.frameBytes)));
  // Each line runs on to "now" at its latest value (a single sample is a flat line, not nothing).
  const line = (values: number[], max: number) => {
    const y = (v: number) => (HEIGHT - 4 - (v / max) * (HEIGHT - 12)).toFixed(1);
    const pts = live.points.map((p, i) => `${x(p[0]).toFixed(1)},${y(values[i]!)}`);
    return [...pts, `${WIDTH},${y(values.at(-1) ?? 0)}`].join(' ');
  };
  const markers = live.points.filter((p) => p[3]).map((p) => svg('line', { class: 'ckpt', x1: x(p[0]), x2: x(p[0]), y1: 0, y2: HEIGHT }, svg('title', {}, `checkpoint at ${new Date(p[0]).toLocaleTimeString()}`)));
  const latest = live.points.at(-1);
  return svg('svg', { class: 'live-chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': latest ? `-wal ${formatBytes(latest[1])}, ${latest[2]} frames not yet checkpointed` : 'no samples yet' },
    svg('rect', { class: 'frame', x: 0, y: 0, width: WIDTH, height: HEIGHT }),
    ...markers,
    svg('polyline', { class: 'wal', points: line(live.points.map((p) => p[1]), maxBytes) }),
    svg('polyline', { class: 'pending', points: line(live.points.map((p) => p[2] * live.frameBytes), maxBytes) }),
  );
}

export function renderLive(live: LiveView | undefined): HTMLElement | null {
  if (!live) return null;
  const latest = live.points.at(-1);
  return h('section', { class: 'live', 'data-testid': 'live-view' },
    h('h3', {}, 'Live'),
    h('div', { class: 'legend' },
      h('span', { class: 'key wal' }, `-wal ${latest ? formatBytes(latest[1]) : '–'}`),
      h('span', { class: 'key pending' }, `${latest ? `${latest[2].toLocaleString('en-US')} frame(s), ${formatBytes(latest[2] * live.frameBytes)}` : '–'} not checkpointed`),
      h('span', { class: 'key ckpt' }, 'checkpoint'),
      h('span', { class: 'muted' }, 'up to the last 10 minutes, sampled from headers, the -shm and /proc (no connection, no lock)'),
    ),
    chart(live),
    live.holders.length
      ? h('table', { class: 'kv holders', 'data-testid': 'holders' },
          h('thead', {}, h('tr', {}, h('th', {}, 'PID'), h('th', {}, 'Role'), h('th', {}, 'Locks'), h('th', {}, 'Command'))),
          h('tbody', {}, ...live.holders.map((p) => h('tr', { class: `role-${p.role}` }, h('td', { class: 'num' }, String(p.pid)), h('td', {}, p.role), h('td', {}, p.locks.join(' ') || '–'), h('td', { class: 'muted' }, p.command)))))
      : null,
    live.diagnosis.length ? h('ul', { class: 'diagnosis', 'data-testid': 'diagnosis' }, ...live.diagnosis.map((d) => h('li', {}, d))) : null,
  );
}
