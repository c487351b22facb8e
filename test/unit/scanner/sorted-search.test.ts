/**
 * The scanner's binary searches (`sorted-search.ts`), against a linear count on every point of
 * lists with repeats, gaps, one item and none: the callers rely on the count being past every
 * equal item (`countAtMost`) or before them (`countBelow`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countAtMost, countBelow, countLeading } from '../../../server/src/scanner/sorted-search';

const LISTS: number[][] = [
  [],
  [5],
  [0, 0, 0],
  [1, 3, 3, 3, 7, 9, 9, 20],
  [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34],
  [-3, -1, 0, 0, 2],
];

for (const list of LISTS) {
  const points = [-5, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 19, 20, 21, 34, 35, 100];
  test(`counts of [${list.join(', ')}] match a linear count at every point`, () => {
    for (const x of points) {
      assert.equal(countAtMost(list, x), list.filter((v) => v <= x).length, `at most ${x}`);
      assert.equal(countBelow(list, x), list.filter((v) => v < x).length, `below ${x}`);
      assert.equal(
        countLeading(list.length, (i) => (list[i] as number) <= x),
        countAtMost(list, x),
        `leading at most ${x}`,
      );
    }
  });
}

test('countAtMost passes every item equal to x, countBelow stops before them', () => {
  const starts = [0, 10, 10, 10, 25];
  // The last of the three starting at 10 (the innermost of nested nodes) is at index 3.
  assert.equal(countAtMost(starts, 10) - 1, 3);
  // The first of them is at index 1.
  assert.equal(countBelow(starts, 10), 1);
});

test('countLeading orders items by a key of their own', () => {
  const entries = [{ start: 4 }, { start: 9 }, { start: 9 }, { start: 15 }];
  assert.equal(
    countLeading(entries.length, (i) => (entries[i] as { start: number }).start < 9),
    1,
  );
  assert.equal(
    countLeading(entries.length, (i) => (entries[i] as { start: number }).start <= 9),
    3,
  );
  assert.equal(
    countLeading(0, () => true),
    0,
  );
  assert.equal(
    countLeading(entries.length, () => true),
    4,
  );
});

test('countLeading asks about a logarithmic number of items', () => {
  let asked = 0;
  const length = 1 << 16;
  countLeading(length, (i) => {
    asked++;
    return i < 40_000;
  });
  assert.ok(asked <= 17, `asked ${asked} times`);
});
