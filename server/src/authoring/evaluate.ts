/**
 * Evaluating a rule or package where it is written: the value with the input the user chose, the
 * `print` output, the time it took, and on request the trace of each clause (Explain).
 */
import { basename } from 'node:path';
import { escapeMarkdown, formatCodeSpan } from '../decision/explain';
import { type ClearanceError, formatError } from '../errors';
import { type EvalLimits, evaluateQuery, type JsonValue, type Policy, prepareQuery } from '../rego';
import { type ClauseTrace, explainRule } from '../rego/eval/explain';
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

/** A hover evaluates for at most this long and this many steps: it must answer while the pointer rests. */
export const hoverLimits: Required<EvalLimits> = { timeoutMs: 150, maxSteps: 200_000, maxDepth: 100 };
/** A hover shows at most this many characters of a value. */
export const hoverValueChars = 400;

/** The limits of a hover's evaluation: the settings' limits, tightened to `hoverLimits`. */
export function limitsForHover(limits: EvalLimits): EvalLimits {
  return {
    timeoutMs: Math.min(limits.timeoutMs ?? hoverLimits.timeoutMs, hoverLimits.timeoutMs),
    maxSteps: Math.min(limits.maxSteps ?? hoverLimits.maxSteps, hoverLimits.maxSteps),
    maxDepth: Math.min(limits.maxDepth ?? hoverLimits.maxDepth, hoverLimits.maxDepth),
  };
}

/**
 * A rule's current value for the chosen input, as the Markdown lines a hover appends: `Value with
 * input.json: true`, undefined, or the error that stopped it (a timeout says so); evaluated under
 * `limitsForHover(limits)`, the value cut to `hoverValueChars`.
 */
export function ruleValueMarkdown(
  policy: Policy,
  data: JsonValue,
  query: string,
  input: JsonValue | undefined,
  inputLabel: string,
  limits: EvalLimits,
): string {
  return formatRuleValue(evaluateRule(policy, data, query, input, limitsForHover(limits)), inputLabel);
}

/** `ruleValueMarkdown`'s line for an evaluation made elsewhere (the language server's worker). */
export function formatRuleValue(r: EvaluationResult, inputLabel: string): string {
  const head = `**Value** with ${escapeMarkdown(inputLabel)}:`;
  const error = r.errors[0];
  if (error) return `${head} not evaluated (${error.code}: ${error.message})`;
  if (!r.defined) return `${head} *undefined* (${r.durationMs.toFixed(1)} ms)`;
  let text = JSON.stringify(r.value) ?? 'null';
  if (text.length > hoverValueChars) text = `${text.slice(0, hoverValueChars)}… (${text.length} characters)`;
  return `${head} ${formatCodeSpan(text)} (${r.durationMs.toFixed(1)} ms)`;
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
