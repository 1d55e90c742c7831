import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_WINDOW_MS, MIN_WINDOW_MS, Point, byteTicks, clock, nearest, tableSamples, timeTicks, timeWindow } from '../webview/chartAxis';

const at = (h: number, m: number, s: number) => new Date(2026, 11, 1, h, m, s).getTime();

describe('the live chart axes', () => {
  it('spans what was sampled so far: at least 10 s, at most 10 minutes, ending at the latest sample', () => {
    const t0 = at(12, 0, 0);
    assert.deepEqual(timeWindow([[t0, 0, 0, 0]]), { start: t0 - MIN_WINDOW_MS, end: t0 });
    assert.deepEqual(timeWindow([[t0, 0, 0, 0], [t0 + 45_000, 0, 0, 0]]), { start: t0, end: t0 + 45_000 });
    assert.deepEqual(timeWindow([[t0, 0, 0, 0], [t0 + 900_000, 0, 0, 0]]), { start: t0 + 900_000 - MAX_WINDOW_MS, end: t0 + 900_000 });
  });

  it('puts time ticks on round clock times, at most six', () => {
    assert.deepEqual(timeTicks(at(12, 0, 3), at(12, 0, 48)).map(clock), ['12:00:10', '12:00:20', '12:00:30', '12:00:40']);
    assert.deepEqual(timeTicks(at(12, 0, 0), at(12, 0, 10)).map(clock), ['12:00:00', '12:00:02', '12:00:04', '12:00:06', '12:00:08', '12:00:10']);
    assert.deepEqual(timeTicks(at(11, 51, 30), at(12, 1, 30)).map(clock), ['11:52:00', '11:54:00', '11:56:00', '11:58:00', '12:00:00']);
    for (const span of [1_000, 7_000, 59_000, 61_000, 299_000, 600_000]) assert.ok(timeTicks(at(9, 0, 0), at(9, 0, 0) + span).length <= 6, `span ${span}`);
  });

  it('labels clock time with two digits each', () => {
    assert.equal(clock(at(9, 5, 7)), '09:05:07');
  });

  it('puts byte ticks on round binary sizes from zero to a top at or above the largest value', () => {
    assert.deepEqual(byteTicks(3_500_000), { top: 4 * 1024 ** 2, ticks: [0, 1, 2, 3, 4].map((n) => n * 1024 ** 2) });
    assert.deepEqual(byteTicks(0), { top: 1, ticks: [0, 1] });
    assert.deepEqual(byteTicks(700), { top: 800, ticks: [0, 200, 400, 600, 800] });
    const { top, ticks } = byteTicks(150 * 1024);
    assert.ok(top >= 150 * 1024 && ticks.length <= 5 && ticks[0] === 0, JSON.stringify({ top, ticks }));
  });

  it('finds the sample nearest a time (hover and keyboard read-outs)', () => {
    const pts: Point[] = [[1000, 1, 0, 0], [2000, 2, 0, 0], [4000, 3, 0, 0]];
    assert.equal(nearest(pts, 0), 0);
    assert.equal(nearest(pts, 1400), 0);
    assert.equal(nearest(pts, 1600), 1);
    assert.equal(nearest(pts, 3100), 2);
    assert.equal(nearest(pts, 9000), 2);
    assert.equal(nearest([], 5), -1);
  });

  it('gives the text alternative a few samples: spread out, the latest and the checkpoints', () => {
    const pts: Point[] = Array.from({ length: 100 }, (_, i) => [i * 1000, i, 0, i === 37 ? 1 : 0]);
    const rows = tableSamples(pts, 10);
    assert.ok(rows.length <= 10 && rows.includes(99) && rows.includes(37) && rows.includes(0), JSON.stringify(rows));
    assert.deepEqual(rows, [...rows].sort((a, b) => a - b));
    assert.deepEqual(tableSamples(pts.slice(0, 3), 10), [0, 1, 2]);
  });
});
