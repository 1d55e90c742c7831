import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeepRefreshSchedule } from '../src/ui/services/deepRefresh';
import { FakeTimers } from './helpers/fakeTimers';

/** Deep details are remade when writes pause, at most every 30 s while they go on, on request, and never while hidden. */
function setUp() {
  const clock = new FakeTimers();
  const inspections: number[] = [];
  const writing: boolean[] = [];
  const schedule = new DeepRefreshSchedule(() => inspections.push(clock.now()), (w) => writing.push(w), clock);
  schedule.setActive(true);
  return { clock, inspections, writing, schedule };
}

/** An app committing every `everyMs` for `forMs`. */
function writeFor(s: { clock: FakeTimers; schedule: DeepRefreshSchedule }, forMs: number, everyMs: number): void {
  for (let t = 0; t < forMs; t += everyMs) {
    s.schedule.changed();
    s.clock.advance(everyMs);
  }
}

describe('when the deep detail is made again', () => {
  it('once the writes pause for 2 s, not on every write', () => {
    const s = setUp();
    writeFor(s, 1000, 50);
    assert.deepEqual(s.inspections, [], 'nothing while writing (the detail is 1 s old)');
    s.clock.advance(1950);
    assert.deepEqual(s.inspections, [2950], '2 s after the last write');
    s.clock.advance(60_000);
    assert.equal(s.inspections.length, 1, 'a quiet database is not inspected again');
  });

  it('at most once every 30 s while an app writes without pause', () => {
    const s = setUp();
    s.schedule.now();
    writeFor(s, 95_000, 50);
    assert.deepEqual(s.inspections, [0, 30_000, 60_000, 90_000]);
    s.clock.advance(2000);
    assert.equal(s.inspections.length, 5, 'and once more when it stops');
  });

  it('says the detail is behind the files while it is', () => {
    const s = setUp();
    s.schedule.now();
    assert.equal(s.schedule.writing, false);
    writeFor(s, 500, 50);
    assert.deepEqual(s.writing, [true], 'told once, not per write');
    assert.equal(s.schedule.writing, true);
    s.clock.advance(2000);
    assert.deepEqual(s.writing, [true, false]);
  });

  it('Refresh makes it at once, and the 30 s count from there', () => {
    const s = setUp();
    writeFor(s, 10_000, 100);
    s.schedule.now();
    assert.deepEqual(s.inspections, [10_000]);
    writeFor(s, 35_000, 100);
    assert.deepEqual(s.inspections, [10_000, 40_000]);
  });

  it('a hidden panel inspects nothing, and catches up once when it shows', () => {
    const s = setUp();
    s.schedule.setActive(false);
    writeFor(s, 60_000, 50);
    s.clock.advance(10_000);
    assert.deepEqual(s.inspections, []);
    s.schedule.setActive(true);
    s.clock.advance(0);
    assert.deepEqual(s.inspections, [70_000], 'the writes paused long ago: now');
    s.clock.advance(60_000);
    assert.equal(s.inspections.length, 1);
  });
});
