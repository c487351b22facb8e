/**
 * Evaluating a rule from the editor: the Evaluate and Explain lenses' request (with an input file,
 * a value, none, or the exact input of a call site in the application code), the call sites to
 * choose from, and a rule's current value in its hover for the chosen input. Everything uses the
 * loaded policy, its data and the evaluation limits of the settings, and passes the token redactor.
 */
import { basename } from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import * as authoring from '../authoring';
import { escapeMarkdown } from '../decision/explain';
import { formatError } from '../errors';
import { redactTokensInText } from '../identity';
import type { LoadedPolicy } from '../policy/load';
import type { JsonValue } from '../rego';
import { callInputAt, listCallSites } from './authoring-calls';
import { type AuthoringState, hoverInput, readBounded } from './authoring-project';
import {
  type CallSitesResponse,
  callSitesRequest,
  type EvaluateParams,
  type EvaluateResponse,
  evaluateRequest,
  type WireClauseTrace,
} from './authoring-protocol';
import { toPath, toRange, toUri } from './convert';
import type { SharedWorkspace } from './shared-workspace';

/** The evaluation limits of the settings. */
export function limitsOf(ws: SharedWorkspace) {
  const { timeoutMs, maxSteps, maxDepth } = ws.settings.evaluation;
  return { timeoutMs, maxSteps, maxDepth };
}

/** How many files the loaded policy has (its load deadline grows with them). */
export function policyFileCount(ws: SharedWorkspace): number {
  return (ws.policy?.regoFiles.length ?? 0) + (ws.policy?.dataFiles.length ?? 0);
}

/**
 * Evaluates `query` in the analysis worker under a deadline and its memory cap (here only without a
 * worker); an evaluation the worker stopped is an undefined result with the reason as its error.
 */
async function evaluateSafely(
  ws: SharedWorkspace,
  loaded: LoadedPolicy,
  query: string,
  input: JsonValue | undefined,
  explain: boolean,
): Promise<authoring.EvaluationResult> {
  const session = ws.analysisSession();
  if (!session)
    return authoring.evaluateRule(loaded.policy, loaded.data, query, input, limitsOf(ws), explain);
  const request = {
    op: 'evaluate' as const,
    load: session.load,
    query,
    ...(input === undefined ? {} : { input }),
    limits: limitsOf(ws),
    explain,
  };
  const result = await session.analysis.evaluate(request, policyFileCount(ws));
  if (result.ok) return result.value;
  return { query, defined: false, output: [], durationMs: result.ms, errors: [result.error] };
}

const queryPattern = /^data(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** A JSON value with any token in its strings redacted, as every text the server sends. */
function redactValue(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(redactTokensInText(JSON.stringify(value)));
}

/** An answer that evaluated nothing, saying why. */
function failed(query: string, errors: string[], inputLabel?: string): EvaluateResponse {
  return {
    query,
    defined: false,
    output: [],
    durationMs: 0,
    errors,
    ...(inputLabel ? { inputLabel } : {}),
    markdown: errors.join('\n'),
  };
}

/** The input `params` name: a call site's, a file's, a value, or none; or why it cannot be had. */
async function resolveInput(
  ws: SharedWorkspace,
  params: EvaluateParams,
): Promise<
  | { label: string; value: JsonValue | undefined; entrypoint?: string; unknowns?: string[] }
  | { error: string }
> {
  if (params.call) {
    const { uri, position } = params.call;
    if (typeof uri !== 'string' || typeof position?.line !== 'number') return { error: 'no call given' };
    const site = await callInputAt(ws, uri, position);
    if ('error' in site) return site;
    return { label: site.label, value: site.input, entrypoint: site.entrypoint, unknowns: site.unknowns };
  }
  if (params.inputUri) {
    const path = toPath(params.inputUri);
    const value = path ? readBounded(path) : undefined;
    if (value === undefined)
      return { error: `cannot read the input ${params.inputUri} (JSON or YAML, at most 1 MB)` };
    return { label: basename(path ?? params.inputUri), value };
  }
  if (params.input !== undefined) return { label: 'the given input', value: params.input as JsonValue };
  return { label: 'no input', value: undefined };
}

/** The engine's clause traces as wire data: each step and the failing expression link to their places. */
function toWireTrace(trace: NonNullable<authoring.EvaluationResult['trace']>): WireClauseTrace[] {
  return trace.map((c) => ({
    uri: toUri(c.rule.location.file),
    range: toRange(c.rule.location),
    head: redactTokensInText(c.rule.text),
    held: c.held,
    steps: c.steps.map((s) => ({
      text: redactTokensInText(s.text),
      uri: toUri(s.location.file),
      range: toRange(s.location),
    })),
    ...(c.failing
      ? {
          failing: {
            text: redactTokensInText(c.failing.text),
            uri: toUri(c.failing.location.file),
            range: toRange(c.failing.location),
            operands: c.failing.operands.map((o) => redactTokensInText(authoring.formatOperand(o))),
          },
        }
      : {}),
  }));
}

/** Registers the evaluation and call-site requests. */
export function registerEvaluateRequests(
  connection: Connection,
  state: AuthoringState,
  ready: Promise<void>,
): void {
  connection.onRequest(callSitesRequest, async (): Promise<CallSitesResponse> => {
    await ready;
    const ws = state.sync();
    return { sites: ws ? await listCallSites(ws) : [] };
  });

  connection.onRequest(evaluateRequest, async (params: EvaluateParams): Promise<EvaluateResponse | null> => {
    await ready;
    const ws = state.sync();
    const loaded = ws?.policy;
    if (!ws || !loaded || !params) return null;
    if (params.query !== undefined && (typeof params.query !== 'string' || !queryPattern.test(params.query)))
      return null;
    const input = await resolveInput(ws, params);
    if ('error' in input) return failed(params.query ?? '', [redactTokensInText(input.error)]);
    const query = params.query ?? input.entrypoint;
    if (!query || !queryPattern.test(query)) return null;
    // Hovers show rules' values for the input evaluated last.
    state.chosenInput = { label: input.label, value: input.value };
    const from = {
      inputLabel: input.label,
      ...(params.call && input.value !== undefined ? { input: redactValue(input.value) } : {}),
      ...(input.unknowns ? { unknowns: input.unknowns } : {}),
    };
    if (loaded.errors.length > 0)
      return { ...failed(query, loaded.errors.slice(0, 5).map(formatError)), ...from };
    const r = await evaluateSafely(ws, loaded, query, input.value, params.explain === true);
    return {
      query: r.query,
      defined: r.defined,
      ...(r.defined ? { value: redactValue(r.value) } : {}),
      output: r.output.map(redactTokensInText),
      durationMs: r.durationMs,
      errors: r.errors.map(formatError),
      ...from,
      ...(r.trace ? { trace: toWireTrace(r.trace) } : {}),
      markdown: redactTokensInText(authoring.formatEvaluation(r)),
    };
  });
}

/** How long a rule's hover waits for its value from the worker before it answers without it. */
const RULE_VALUE_WAIT_MS = 300;
/** Rule values for hovers, by policy state, rule and input: the worker is asked once for each. */
const ruleValues = new Map<string, Promise<string>>();

/**
 * The line a rule's hover adds: its current value for the chosen input (or the example input beside
 * the policy), under the hover's tight limits; undefined when there is no input or no loaded policy.
 * With the analysis worker the value is evaluated there (the policy is never compiled here for it);
 * not back within `RULE_VALUE_WAIT_MS`, the hover says it is on its way and the next one shows it.
 */
export async function ruleValueLine(
  state: AuthoringState,
  file: string,
  rule: string[],
): Promise<string | undefined> {
  const ws = state.sync();
  const loaded = ws?.policy;
  if (!ws || !loaded || loaded.errors.length > 0) return undefined;
  const input = hoverInput(state, file);
  if (!input) return undefined;
  const query = `data.${rule.join('.')}`;
  const session = ws.analysisSession();
  if (!session) {
    const line = authoring.ruleValueMarkdown(
      loaded.policy,
      loaded.data,
      query,
      input.value,
      input.label,
      limitsOf(ws),
    );
    return redactTokensInText(line);
  }
  const { analysis, load } = session;
  const key = JSON.stringify([ws.root, load.generation, query, input.label, input.value ?? null]);
  let value = ruleValues.get(key);
  if (!value) {
    const request = {
      op: 'evaluate' as const,
      load,
      query,
      ...(input.value === undefined ? {} : { input: input.value }),
      limits: authoring.limitsForHover(limitsOf(ws)),
      explain: false,
    };
    value = analysis.evaluate(request, policyFileCount(ws)).then((result) => {
      // A stopped evaluation is not remembered: the next hover asks again.
      if (!result.ok) ruleValues.delete(key);
      const r = result.ok
        ? result.value
        : { query, defined: false, output: [], durationMs: result.ms, errors: [result.error] };
      return redactTokensInText(authoring.formatRuleValue(r, input.label));
    });
    if (ruleValues.size >= 500) ruleValues.clear();
    ruleValues.set(key, value);
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(`**Value** with ${escapeMarkdown(input.label)}: being evaluated; hover again to see it.`),
      RULE_VALUE_WAIT_MS,
    );
  });
  try {
    return redactTokensInText(await Promise.race([value, late]));
  } finally {
    clearTimeout(timer);
  }
}
