/**
 * Evaluating a rule or package where it is written: the value with the input the user chose, the
 * `print` output, the time it took, and on request the trace of each clause (Explain).
 */
import { basename } from 'node:path';
import { type ClearanceError, formatError } from '../errors';
import { type EvalLimits, evaluateQuery, type JsonValue, type Policy, prepareQuery } from '../rego';
import { type ClauseTrace, explainRule } from '../rego/explain';
import { formatOperand } from './tests';

/** What evaluating a rule gave. */
export interface EvaluationResult {
  query: string;
  /** Whether the rule has a value for this input. */
  defined: boolean;
  value?: JsonValue;
  output: string[];
  durationMs: number;
  errors: ClearanceError[];
  /** With `explain`: each clause's trace. */
  trace?: ClauseTrace[];
}

/** Evaluates `query` (`data.pkg` or `data.pkg.rule`) with `input` under `limits`. */
export function evaluateRule(
  policy: Policy,
  data: JsonValue,
  query: string,
  input: JsonValue | undefined,
  limits: EvalLimits,
  explain = false,
  now: () => number = () => performance.now(),
): EvaluationResult {
  const started = now();
  const output: string[] = [];
  const prepared = prepareQuery(policy, query);
  if (!prepared.query)
    return { query, defined: false, output, durationMs: now() - started, errors: prepared.errors };
  const options = {
    data,
    limits,
    print: (m: string) => output.push(m),
    ...(input === undefined ? {} : { input }),
  };
  const evaluated = evaluateQuery(prepared.query, options);
  const durationMs = now() - started;
  const first = evaluated.results[0];
  const result: EvaluationResult = {
    query,
    defined: first !== undefined,
    ...(first ? { value: first.expressions[0] as JsonValue } : {}),
    output,
    durationMs,
    errors: evaluated.errors,
  };
  if (explain)
    result.trace = explainRule(policy, query, {
      data,
      limits,
      ...(input === undefined ? {} : { input }),
    }).clauses;
  return result;
}

/** The result as Markdown: value, timing, print output, errors and the trace. */
export function formatEvaluation(r: EvaluationResult): string {
  const lines = [
    `**${r.query}** = ${r.defined ? `\`${JSON.stringify(r.value)}\`` : '*undefined*'} (${r.durationMs.toFixed(2)} ms)`,
  ];
  if (r.errors.length > 0) lines.push('', ...r.errors.map((e) => `- ${formatError(e)}`));
  if (r.output.length > 0) lines.push('', 'print output:', '```', ...r.output, '```');
  for (const c of r.trace ?? []) {
    const where = `${basename(c.rule.location.file)}:${c.rule.location.start.line}`;
    if (c.held) lines.push(`- ✓ ${where} held (${c.exprsTotal} expressions)`);
    else if (c.failing)
      lines.push(
        `- ✗ ${where} failed at \`${c.failing.text}\` after ${c.exprsHeld} of ${c.exprsTotal}${c.failing.operands.length ? `: ${c.failing.operands.map(formatOperand).join(', ')}` : ''}`,
      );
  }
  return lines.join('\n');
}
