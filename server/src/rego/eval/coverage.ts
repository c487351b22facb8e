/**
 * Test coverage as `opa test --coverage` reports it: a line is covered when an expression on it
 * was evaluated or a rule whose head is on it produced a value; every other line holding an
 * expression or a rule head is not covered. The report has OPA's JSON shape (cover.Report):
 * per file the covered and not-covered line ranges, line counts and a percentage, then totals.
 */
import type { Location } from '../../errors';
import { exprsIn } from '../../lint/walk';
import type * as ast from '../syntax/ast';

/** Lines hit during evaluation, by file. */
export type CoverageHits = Map<string, Set<number>>;

/** Marks the line a location starts on as covered. */
export function markCovered(hits: CoverageHits, loc: Location): void {
  let lines = hits.get(loc.file);
  if (!lines) {
    lines = new Set();
    hits.set(loc.file, lines);
  }
  lines.add(loc.start.line);
}

/** A range of lines, as OPA writes it. */
export interface CoverageRange {
  start: { row: number };
  end: { row: number };
}

/** One file's coverage (OPA omits empty fields). */
export interface FileCoverage {
  covered?: CoverageRange[];
  not_covered?: CoverageRange[];
  covered_lines?: number;
  not_covered_lines?: number;
  coverage?: number;
}

/** The whole report. */
export interface CoverageReport {
  files: Record<string, FileCoverage>;
  covered_lines: number;
  not_covered_lines: number;
  coverage: number;
}

/** Builds the report for `modules` from the lines `hits` holds; `name` gives each file's name in the report. */
export function coverageReport(
  modules: readonly ast.Module[],
  hits: CoverageHits,
  name: (file: string) => string = (f) => f,
): CoverageReport {
  const files: Record<string, FileCoverage> = {};
  let covered = 0;
  let notCovered = 0;
  for (const m of modules) {
    const file = m.location.file;
    const hit = hits.get(file) ?? new Set<number>();
    const missed = new Set<number>();
    for (const line of coverableLines(m)) if (!hit.has(line)) missed.add(line);
    // OPA's field order: covered, not_covered, covered_lines, not_covered_lines, coverage.
    const report: FileCoverage = {};
    if (hit.size > 0) report.covered = ranges(hit);
    if (missed.size > 0) report.not_covered = ranges(missed);
    if (hit.size > 0) report.covered_lines = hit.size;
    if (missed.size > 0) report.not_covered_lines = missed.size;
    const pct = percent(hit.size, missed.size);
    if (pct > 0) report.coverage = pct;
    files[name(file)] = report;
    covered += hit.size;
    notCovered += missed.size;
  }
  return {
    files,
    covered_lines: covered,
    not_covered_lines: notCovered,
    coverage: percent(covered, notCovered),
  };
}

/** The lines holding a rule head or an expression (in every body, nested ones included). */
function coverableLines(m: ast.Module): Set<number> {
  const lines = new Set<number>();
  for (const rule of m.rules) lines.add(rule.head.location.start.line);
  for (const e of exprsIn(m.rules)) lines.add(e.location.start.line);
  return lines;
}

/** Sorted lines as ranges of consecutive lines. */
function ranges(lines: Set<number>): CoverageRange[] {
  const sorted = [...lines].sort((a, b) => a - b);
  const out: CoverageRange[] = [];
  for (const line of sorted) {
    const last = out[out.length - 1];
    if (last && last.end.row === line - 1) last.end.row = line;
    else out.push({ start: { row: line }, end: { row: line } });
  }
  return out;
}

/** Covered lines as a percentage of all coverable lines, rounded to two places as OPA does. */
function percent(covered: number, notCovered: number): number {
  const total = covered + notCovered;
  if (total === 0) return 0;
  return Math.round((10000 * covered) / total) / 100;
}
