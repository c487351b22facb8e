/** What every lint rule reads: the file's text and lines, its module, and facts derived once. */
import { lineStarts, positionOf } from '../authoring/text';
import type { Position } from '../errors';
import type { Module } from '../rego/syntax/ast';

/** The linted file. */
export interface LintContext {
  file: string;
  text: string;
  lines: string[];
  module: Module;
  /** The file is a test file (`_test.rego`) or its package ends in `_test`. */
  isTest: boolean;
  /** The package path as written, joined with dots. */
  packageName: string;
  /** A position from a 0-based offset. */
  positionAt: (offset: number) => Position;
}

/** Builds the context for one parsed file. */
export function createContext(file: string, text: string, module: Module): LintContext {
  const starts = lineStarts(text);
  const positionAt = (offset: number): Position => positionOf(starts, offset);
  const packageName = module.package.path.join('.');
  return {
    file,
    text,
    lines: text.split('\n'),
    module,
    isTest: file.endsWith('_test.rego') || packageName.endsWith('_test'),
    packageName,
    positionAt,
  };
}

/** The location of a text span of the linted file. */
export function locate(ctx: LintContext, start: number, end: number): import('../errors').Location {
  return { file: ctx.file, start: ctx.positionAt(start), end: ctx.positionAt(end) };
}

/** The location of a whole line (1-based). */
export function lineLocation(ctx: LintContext, line: number): import('../errors').Location {
  const start = ctx.positionAt(0).offset + ctx.lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  return locate(ctx, start, start + (ctx.lines[line - 1]?.length ?? 0));
}
