import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gridCommand, tabStop } from '../webview/gridKeys';

describe('the grid keyboard model (WAI-ARIA grid, row by row)', () => {
  it('moves the selection with arrows, Home, End and Page keys, and stops at the ends', () => {
    assert.deepEqual(gridCommand('ArrowDown', 2, 5), { move: 3 });
    assert.deepEqual(gridCommand('ArrowUp', 2, 5), { move: 1 });
    assert.deepEqual(gridCommand('ArrowDown', 4, 5), { move: 4 });
    assert.deepEqual(gridCommand('ArrowUp', 0, 5), { move: 0 });
    assert.deepEqual(gridCommand('Home', 3, 5), { move: 0 });
    assert.deepEqual(gridCommand('End', 1, 5), { move: 4 });
    assert.deepEqual(gridCommand('PageDown', 1, 30), { move: 11 });
    assert.deepEqual(gridCommand('PageUp', 3, 30), { move: 0 });
  });

  it('starts at the first row when nothing is selected yet', () => {
    assert.deepEqual(gridCommand('ArrowDown', -1, 5), { move: 0 });
    assert.deepEqual(gridCommand('ArrowUp', -1, 5), { move: 0 });
    assert.equal(gridCommand('Enter', -1, 5), undefined);
  });

  it('opens the selected row with Enter or Space; other keys and an empty grid do nothing', () => {
    assert.deepEqual(gridCommand('Enter', 2, 5), { open: true });
    assert.deepEqual(gridCommand(' ', 2, 5), { open: true });
    assert.equal(gridCommand('Tab', 2, 5), undefined);
    assert.equal(gridCommand('a', 2, 5), undefined);
    assert.equal(gridCommand('ArrowDown', -1, 0), undefined);
  });

  it('keeps one tab stop: the selected row, else the first', () => {
    assert.equal(tabStop(['a', 'b', 'c'], 'b'), 'b');
    assert.equal(tabStop(['a', 'b', 'c'], undefined), 'a');
    assert.equal(tabStop(['a', 'b', 'c'], 'gone'), 'a');
    assert.equal(tabStop([], undefined), undefined);
  });
});
