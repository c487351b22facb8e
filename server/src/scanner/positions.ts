/**
 * Converts offsets into the project's positions. web-tree-sitter, handed a JavaScript string, parses
 * UTF-16 and reports node indices in UTF-16 code units, but its rows only break at `\n`; VS Code also
 * breaks lines at a lone `\r`, so lines and columns are computed here from the offsets.
 */

import type { Location, Position } from '../errors';
import { countAtMost } from './sorted-search';

/** Offsets at which each line of a text starts, in UTF-16 code units; built lazily. */
export class LineStarts {
  private starts: number[] | undefined;
  // The line found last: recognisers locate a call's parts and then the next call, in text order,
  // so most offsets fall on that line or the next, and a search of every line is not needed.
  private last = 0;

  /** Wraps a text whose line starts are computed on first use. */
  constructor(private readonly text: string) {}

  /** Converts a 0-based UTF-16 offset into a 1-based line and column. */
  locate(offset: number): Position {
    const starts = this.compute();
    const line = this.findLine(starts, offset);
    this.last = line;
    return { line: line + 1, column: offset - (starts[line] ?? 0) + 1, offset };
  }

  // The last line whose start is at or before `offset` (line 0 for offsets before every start).
  private findLine(starts: readonly number[], offset: number): number {
    const last = this.last;
    const count = starts.length;
    if ((starts[last] ?? 0) <= offset) {
      if (last + 1 >= count || (starts[last + 1] as number) > offset) return last;
      if (last + 2 >= count || (starts[last + 2] as number) > offset) return last + 1;
    }
    return Math.max(countAtMost(starts, offset) - 1, 0);
  }

  private compute(): number[] {
    if (this.starts !== undefined) return this.starts;
    const starts = [0];
    const text = this.text;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 10) starts.push(i + 1);
      else if (code === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
    return starts;
  }
}

/** Builds the location of the half-open offset range `[start, end)` in `file`. */
export function locateRange(file: string, lines: LineStarts, start: number, end: number): Location {
  return { file, start: lines.locate(start), end: lines.locate(end) };
}

/** Builds the location of the very start of a file. */
export function locateFileStart(file: string): Location {
  const start = { line: 1, column: 1, offset: 0 };
  return { file, start, end: start };
}
