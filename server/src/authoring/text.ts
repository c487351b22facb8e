/**
 * Text helpers shared by the authoring features: offsets to 1-based positions, the identifier or
 * dotted reference around an offset, and spans. Everything counts UTF-16 code units, as the engine's
 * locations and the editor do.
 */
import type { Location, Position } from '../errors';

/** The offsets at which each line of `text` starts. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** The 1-based position of `offset` in a text whose line starts are `starts`. */
export function positionOf(starts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] as number) + 1, offset };
}

/** A location in `file` from two offsets. */
export function spanOf(file: string, starts: readonly number[], from: number, to: number): Location {
  return { file, start: positionOf(starts, from), end: positionOf(starts, to) };
}

/** Whether `offset` lies within `span` (its end included, so a cursor just after a name hits it). */
export function contains(span: { start: Position; end: Position }, offset: number): boolean {
  return span.start.offset <= offset && offset <= span.end.offset;
}

const identChar = /[A-Za-z0-9_]/;

/** The identifier around `offset`, or undefined when there is none. */
export function wordAt(
  text: string,
  offset: number,
): { word: string; start: number; end: number } | undefined {
  let start = offset;
  let end = offset;
  while (start > 0 && identChar.test(text[start - 1] as string)) start--;
  while (end < text.length && identChar.test(text[end] as string)) end++;
  return start === end ? undefined : { word: text.slice(start, end), start, end };
}

/**
 * The dotted reference being typed before `offset`: `data.lib.ro` gives segments `["data", "lib"]`
 * and prefix `ro`; `count` gives no segments and prefix `count`.
 */
export function refBefore(
  text: string,
  offset: number,
): { segments: string[]; prefix: string; start: number } {
  let start = offset;
  while (start > 0 && /[A-Za-z0-9_.]/.test(text[start - 1] as string)) start--;
  const typed = text.slice(start, offset);
  const parts = typed.split('.');
  const prefix = parts.pop() ?? '';
  return { segments: parts, prefix, start: offset - prefix.length };
}

/** The text of the line holding `offset`, up to `offset`. */
export function lineBefore(text: string, offset: number): string {
  return text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset);
}

/** Whether `offset` is inside a comment or a string on its line (a rough lexical check). */
export function inCommentOrString(text: string, offset: number): boolean {
  const line = lineBefore(text, offset);
  let quote = false;
  let raw = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (raw) {
      if (c === '`') raw = false;
    } else if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === '`') raw = true;
    else if (c === '#') return true;
  }
  return quote || raw;
}

/** The items whose key was not seen before, in order. */
export function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
