/**
 * Binary searches over lists kept in ascending order: offsets into a file (the starts of a tree's
 * calls and functions, the ends of word hits, the starts of a name's assignments). Each answers
 * with a count, which is also the index of the first item past the point: 0 when no item is, the
 * list's length when every one is, so a caller never handles a missing index. Equal items are all
 * counted together (`countAtMost` is past every item equal to `x`, `countBelow` before them), which
 * is what picks the innermost of nested nodes starting at one offset (the last in document order)
 * or the first of several at one offset.
 */

/** How many of `sorted` (ascending) are at most `x`: the index of the first item greater than `x`. */
export function countAtMost(sorted: readonly number[], x: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) <= x) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** How many of `sorted` (ascending) are below `x`: the index of the first item at least `x`. */
export function countBelow(sorted: readonly number[], x: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < x) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * How many leading items of a list of `length` are before a point, `isBefore(index)` telling (it
 * must hold for a prefix of the list and fail for the rest): for lists ordered by a key of their
 * items (`countLeading(entries.length, (i) => entries[i].start < from)`).
 */
export function countLeading(length: number, isBefore: (index: number) => boolean): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (isBefore(middle)) low = middle + 1;
    else high = middle;
  }
  return low;
}
