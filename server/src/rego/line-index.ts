/**
 * Maps 0-based UTF-16 offsets in a source text to the 1-based line/column positions that
 * `ClearanceError` and every AST node carry.
 */
import type { Location, Position } from '../errors';

/**
 * Line starts of one text. Line breaks are `\n`, `\r\n` and a lone `\r`, the same set the
 * Language Server Protocol uses, so positions map onto editor ranges without adjustment.
 */
export class LineIndex {
  private readonly starts: number[];

  /** Indexes `text` once; lookups are then a binary search. */
  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        starts.push(i + 1);
      } else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  /** Returns the position of `offset` (clamped to the text). */
  positionAt(offset: number): Position {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - (this.starts[lo] ?? 0) + 1, offset: at };
  }

  /** Returns the location of the half-open offset range `[start, end)` in this file. */
  locationOf(start: number, end: number): Location {
    return { file: this.file, start: this.positionAt(start), end: this.positionAt(Math.max(start, end)) };
  }
}
