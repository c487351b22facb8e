/**
 * The FAILURES section of `clearance policy test`, as `opa test` prints it: with -v, each failing
 * test's trace (filtered by `--explain`); with `--var-values`, the trace's variable values and the
 * failing expression with the values of its terms.
 */

import { type ExplainMode, prettyFailure, prettyTrace, type TraceEvent } from '../rego';
import { displayPath } from './given-paths';
import type { Output } from './scan-command';
import { formatDuration, type TestFlags, type TestResult } from './test-command';

/** How tests are traced. */
export interface TraceSettings {
  mode: ExplainMode;
  varValues: boolean;
}

/** The trace filter of `--explain`; with -v and no `--explain`, OPA shows notes and failures. */
export function explainMode(flags: TestFlags): ExplainMode {
  if (flags.explain === undefined) return flags.verbose === true ? 'fails+notes' : 'fails';
  return flags.explain === 'full' || flags.explain === 'notes' ? flags.explain : 'fails';
}

/** A file as the report names it: relative to the working folder. */
function shown(file: string): string {
  return displayPath(file);
}

/** Prefixes every line of `text` with `n` spaces (OPA's indenting writer). */
function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((line, i, all) => (i === all.length - 1 && line === '' ? '' : pad + line))
    .join('\n');
}

/** The last failing expression of a trace outside the query (not an `every`: OPA looks inside it). */
function failureEvent(trace: readonly TraceEvent[]): TraceEvent | undefined {
  for (let i = trace.length - 1; i >= 0; i--) {
    const e = trace[i] as TraceEvent;
    if (e.op === 'Fail' && e.location && e.qid !== 0 && e.node === 'expr' && !e.every) return e;
  }
  return undefined;
}

/** Prints the FAILURES section (with -v or --var-values, when a test failed). */
export function printFailures(results: readonly TestResult[], flags: TestFlags, output: Output): void {
  const verbose = flags.verbose === true;
  const varValues = flags.varValues === true;
  const failures = results.filter((r) => r.outcome === 'FAIL');
  if (failures.length === 0 || !(verbose || varValues)) return;
  const hl = `${'-'.repeat(80)}\n`;
  output.out(`${hl}FAILURES\n${hl}`);
  for (const r of failures) {
    output.out(`${r.name}: FAIL (${formatDuration(r.durationNs)})\n`);
    const trace = r.trace ?? [];
    if (verbose) {
      output.out('\n');
      output.out(indent(prettyTrace(trace, { locations: true, varValues, fileName: shown }), 2));
    }
    if (varValues) {
      output.out('\n');
      const e = failureEvent(trace);
      if (e?.location) {
        output.out(`  ${shown(e.location.file)}:${e.location.start.line}:\n`);
        if (e.failure) output.out(indent(prettyFailure(e.failure), 4));
        output.out('\n');
      }
    }
    output.out('\n');
  }
}
