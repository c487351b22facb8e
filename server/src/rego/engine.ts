/**
 * The engine's entry points for policies and queries: compile sources into a Policy, prepare a
 * query once, evaluate it many times under limits. No function here throws: every problem is
 * returned as a `ClearanceError`.
 */
import type { ClearanceError, Location } from '../errors';
import type { BuiltinContext } from './builtins/registry';
import { builtinResolver, type CompileOptions, renameDuplicateTests } from './compile/capabilities';
import { compileModules, compileQueryBody, type Policy } from './compile/compile';
import type { CQuery, CTerm } from './compile/ir';
import { checkStrictness } from './compile/strict';
import type { CoverageHits } from './eval/coverage';
import { type EvalStats, Evaluator, type Frame, newContext } from './eval/eval';
import { EvalHalt, type EvalLimits, LimitTracker } from './eval/limits';
import { type EValue, parseUnknownPrefix, Unknown } from './eval/partial';
import type { Tracer } from './eval/trace';
import { renderBody, renderTerm } from './eval/trace-render';
import { type ParseModuleResult, parseModule, parseQuery } from './syntax/parser';
import { fromJson, type JsonValue, RegoObject, toJson, type Value, withValueMeter } from './value/value';

/** Options for one evaluation. */
export interface EvalOptions {
  input?: JsonValue;
  data?: JsonValue;
  /** Ref prefixes (`input.resource`) whose missing values are unknown rather than undefined. */
  unknowns?: string[];
  limits?: EvalLimits;
  /** Builtin errors end the evaluation (OPA's `--strict-builtin-errors`) instead of making the call undefined. */
  strictBuiltinErrors?: boolean;
  /** The clock `time.now_ns()` reads, fixed for the evaluation. */
  nowNs?: bigint;
  /** Receives `print` output (discarded when absent). */
  print?: (message: string) => void;
  /** Filled with counts of the work done (rule bodies run, comprehensions cached), when given. */
  stats?: EvalStats;
  /** Filled with the lines evaluation covered (`opa test --coverage`), when given. */
  coverage?: CoverageHits;
  /** Lets `http.send` make network requests (off by default: it raises an error naming the setting). */
  allowHttpSend?: boolean;
  /** Receives the evaluation's trace events (`--explain`), when given; costs nothing otherwise. */
  tracer?: Tracer;
}

/** Rego values given directly (for inputs that JSON cannot hold, such as sets). */
export interface EvalValues {
  input?: Value;
  data?: Value;
}

/** A query prepared against a policy. */
export interface PreparedQuery {
  policy: Policy;
  text: string;
  compiled: CQuery;
  /** Each top-level expression's source text and location, as `opa eval` reports them. */
  expressions: Array<{ text: string; location: Location }>;
}

/** One query result as Rego values. */
export interface ValueResult {
  bindings: Map<string, EValue>;
  expressions: EValue[];
}

/** One query result as JSON. */
export interface QueryResult {
  bindings: Record<string, JsonValue>;
  expressions: JsonValue[];
}

/** Compiles Rego sources into a policy, collecting every parse and compile error; a source's own `regoVersion` wins over the option's. */
export function compilePolicy(
  sources: Array<{ file: string; text: string; regoVersion?: 0 | 1; parsed?: ParseModuleResult }>,
  options?: CompileOptions,
): { policy: Policy; errors: ClearanceError[] } {
  const errors: ClearanceError[] = [];
  const modules = [];
  const texts = new Map<string, string>();
  for (const s of sources) {
    texts.set(s.file, s.text);
    // A caller that keeps parses by content (`server/src/policy/module-cache.ts`) passes them in.
    const parsed =
      s.parsed ??
      parseModule(s.text, {
        file: s.file,
        regoVersion: s.regoVersion ?? options?.regoVersion ?? 1,
      });
    errors.push(...parsed.errors);
    if (parsed.module) modules.push(parsed.module);
  }
  if (options?.renameDuplicateTests) renameDuplicateTests(modules);
  // OPA stops at the first stage that fails: the strictness stages come before safety, types and recursion.
  const strictErrors = checkStrictness(modules, options?.strict === true);
  errors.push(...strictErrors);
  try {
    const builtins = builtinResolver(options);
    const compiled = compileModules(modules, texts, builtins);
    if (strictErrors.length === 0) errors.push(...compiled.errors);
    return { policy: compiled.policy, errors };
  } catch (e) {
    errors.push(internalError(e));
    return { policy: compileModules([], texts).policy, errors };
  }
}

/** Parses and compiles a query against a policy. */
export function prepareQuery(
  policy: Policy,
  query: string,
): { query?: PreparedQuery; errors: ClearanceError[] } {
  const parsed = parseQuery(query, { file: '<query>' });
  if (!parsed.body) return { errors: parsed.errors };
  const errors: ClearanceError[] = [...parsed.errors];
  try {
    const compiled = compileQueryBody(parsed.body, policy, errors);
    if (errors.length > 0) return { errors };
    const expressions = parsed.body.exprs.map((e) => ({
      text: query.slice(e.location.start.offset, e.location.end.offset),
      location: e.location,
    }));
    return { query: { policy, text: query, compiled, expressions }, errors };
  } catch (e) {
    return { errors: [internalError(e)] };
  }
}

const dataCache = new WeakMap<object, Value>();

/** Converts data once per object identity (at every level): callers pass the same documents to many decisions. */
function cachedFromJson(data: JsonValue): Value {
  if (typeof data !== 'object' || data === null) return fromJson(data);
  let v = dataCache.get(data);
  if (v === undefined) {
    if (Array.isArray(data)) v = data.map(cachedFromJson);
    else {
      const o = new RegoObject();
      for (const [k, x] of Object.entries(data)) o.set(k, cachedFromJson(x));
      v = o;
    }
    dataCache.set(data, v);
  }
  return v;
}

/**
 * What builtins see of one evaluation. Everything costly is made on first use: most decisions
 * never read the clock or the memo, so an evaluation does not pay for a BigInt or a Map it
 * never needs. The clock is still read once, at the start, so `time.now_ns()` is fixed.
 */
class EvalBuiltins implements BuiltinContext {
  private now: bigint | undefined;
  private memo: Map<string, Value> | undefined;
  private boundCharge: ((n: number) => void) | undefined;
  readonly print: (message: string) => void;
  readonly note: ((message: string) => void) | undefined;
  readonly allowHttpSend: boolean;

  constructor(
    private readonly limits: LimitTracker,
    private readonly startMs: number,
    options: EvalOptions,
  ) {
    this.now = options.nowNs;
    this.print = options.print ?? discard;
    const tracer = options.tracer;
    this.note = tracer ? (message) => tracer.emit('Note', 'note', message) : undefined;
    this.allowHttpSend = options.allowHttpSend === true;
  }

  /** The evaluation's "now" (the given clock, else the start of the evaluation). */
  get nowNs(): bigint {
    if (this.now === undefined) this.now = BigInt(this.startMs) * 1_000_000n;
    return this.now;
  }

  /** The per-evaluation memo, made on first use. */
  get cache(): Map<string, Value> {
    if (this.memo === undefined) this.memo = new Map();
    return this.memo;
  }

  /** Charges the evaluation's limits; a function of its own, as builtins pass it on. */
  get charge(): (n: number) => void {
    if (this.boundCharge === undefined) this.boundCharge = (n) => this.limits.charge(n);
    return this.boundCharge;
  }

  /** Milliseconds left before the deadline. */
  remainingMs(): number {
    return this.limits.remainingMs();
  }
}

/** The print sink when none is given. */
function discard(): void {}

/** Builds an evaluator for one evaluation. */
export function createEvaluator(
  policy: Policy,
  options: EvalOptions,
  values: EvalValues,
  querySource?: string,
): Evaluator {
  let prefixes: string[][] | undefined;
  if (options.unknowns !== undefined && options.unknowns.length > 0) {
    prefixes = [];
    for (const u of options.unknowns) {
      const p = parseUnknownPrefix(u);
      if (p && p.root === 'input') prefixes.push(p.path);
    }
    if (prefixes.length === 0) prefixes = undefined;
  }
  const startMs = Date.now();
  const limits = new LimitTracker(options.limits);
  const data = values.data ?? (options.data === undefined ? EMPTY_DATA : cachedFromJson(options.data));
  // JSON input is converted on first need: refs with constant keys read scalars straight from it.
  const pending = values.input === undefined && options.input !== undefined && prefixes === undefined;
  const input =
    values.input ?? (options.input === undefined || pending ? undefined : fromJson(options.input));
  return new Evaluator({
    policy,
    ctx: newContext(input, pending ? options.input : undefined, data),
    limits,
    strict: options.strictBuiltinErrors === true,
    unknowns: prefixes,
    builtins: new EvalBuiltins(limits, startMs, options),
    querySource,
    stats: options.stats,
    coverage: options.coverage,
    tracer: options.tracer,
  });
}

/** The data document when none is given (never written to: `with` makes copies). */
const EMPTY_DATA = new RegoObject();

/** A query's evaluation plan, made once per prepared query. */
interface QueryPlan {
  /** The term a one-expression query reports even when false (see `capturesValue`). */
  capture: CTerm | undefined;
}

const plans = new WeakMap<CQuery, QueryPlan>();

/** The plan of a compiled query: walked once, not per evaluation. */
function planOf(q: CQuery): QueryPlan {
  let plan = plans.get(q);
  if (plan === undefined) {
    plan = { capture: capturesValue(q) };
    plans.set(q, plan);
  }
  return plan;
}

/** Evaluates a prepared query, returning results as Rego values. */
export function evaluateQueryValues(
  query: PreparedQuery,
  options: EvalOptions,
  values: EvalValues = {},
): { results: ValueResult[]; errors: ClearanceError[] } {
  return runQuery(query, options, values, (results) => results);
}

/**
 * Evaluates a prepared query and hands its results to `finish` under the same limits: turning
 * results into JSON is charged too (a value sharing its members is exponential as JSON).
 */
function runQuery<T>(
  query: PreparedQuery,
  options: EvalOptions,
  values: EvalValues,
  finish: (results: ValueResult[]) => T[],
): { results: T[]; errors: ClearanceError[] } {
  try {
    const ev = createEvaluator(query.policy, options, values, query.text);
    const q = query.compiled;
    const capture = ev.unknowns ? undefined : planOf(q).capture;
    const results = withValueMeter(
      (n) => ev.limits.charge(n),
      (): T[] => {
        if (ev.tracer) return finish(tracedQuery(ev, ev.tracer, q, capture));
        if (capture === undefined) return finish(enumerate(ev, q));
        // The common decision shape (`data.a.b.allow`): one ground term, so at most one result.
        const found: ValueResult[] = [];
        ev.limits.step();
        ev.evalTerm(capture, new Array(q.nslots), (v) => {
          found.push({ bindings: new Map(), expressions: [v] });
          return false;
        });
        return finish(found);
      },
    );
    return { results, errors: [] };
  } catch (e) {
    return { results: [], errors: [toError(e)] };
  }
}

/** Every solution of a query, with its bindings and expression values. */
function enumerate(ev: Evaluator, q: CQuery, onResult?: () => void): ValueResult[] {
  const results: ValueResult[] = [];
  const f: Frame = new Array(q.nslots);
  const exprValues: EValue[] = new Array(q.exprs.length);
  const run = (i: number): boolean => {
    const e = q.body.exprs[i];
    if (e === undefined) {
      const bindings = new Map<string, EValue>();
      for (const v of q.vars) {
        const val = f[v.slot];
        if (val !== undefined) bindings.set(v.name, val);
      }
      results.push({ bindings, expressions: [...exprValues] });
      onResult?.();
      return false;
    }
    return ev.evalExpr(
      e,
      f,
      () => run(i + 1),
      (v) => {
        exprValues[e.index] = v;
      },
    );
  };
  run(0);
  return results;
}

/**
 * A query run under a trace, as OPA's `Run` reports it: Enter the query, then Exit and Redo per
 * solution. A captured term shows as `term = _`, the expression OPA evaluates for it.
 */
function tracedQuery(ev: Evaluator, tr: Tracer, q: CQuery, capture: CTerm | undefined): ValueResult[] {
  const loc = q.body.exprs[0]?.loc;
  if (capture === undefined) {
    const text = renderBody(q.body);
    tr.emit('Enter', 'body', text, loc);
    const results = enumerate(ev, q, () => {
      tr.emit('Exit', 'body', text, loc);
      tr.emit('Redo', 'body', text, loc);
    });
    return results;
  }
  const text = `${renderTerm(capture)} = _`;
  tr.emit('Enter', 'body', text, loc);
  tr.emit('Eval', 'expr', text, loc);
  const found: ValueResult[] = [];
  ev.limits.step();
  ev.evalTerm(capture, new Array(q.nslots), (v) => {
    found.push({ bindings: new Map(), expressions: [v] });
    tr.emit('Exit', 'body', text, loc);
    tr.emit('Redo', 'body', text, loc);
    tr.emit('Redo', 'expr', text, loc);
    return false;
  });
  if (found.length === 0) tr.emit('Fail', 'expr', text, loc);
  return found;
}

/**
 * The term whose value a one-expression query reports even when it is false, as OPA's
 * `rewriteQueryToCaptureValue` does (`opa eval 'data.p.allow'` prints `false`, not undefined):
 * only without iteration (no variables) and without `with`, where OPA would add a check.
 */
function capturesValue(q: CQuery): CTerm | undefined {
  const [only] = q.body.exprs;
  if (q.body.exprs.length !== 1 || !only || only.e !== 'term' || only.withs) return undefined;
  return hasVariables(only.term) ? undefined : only.term;
}

/** True when a compiled term mentions a variable anywhere (it may iterate). */
function hasVariables(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasVariables);
  if (typeof node !== 'object' || node === null) return false;
  const n = node as Record<string, unknown>;
  if (n.t === 'val') return false;
  if (n.t === 'var' || n.t === 'acomp' || n.t === 'scomp' || n.t === 'ocomp') return true;
  return Object.entries(n).some(([k, v]) => k !== 'loc' && k !== 'target' && hasVariables(v));
}

/** Evaluates a prepared query; results are JSON, as `opa eval` prints them. */
export function evaluateQuery(
  query: PreparedQuery,
  options: EvalOptions,
): { results: QueryResult[]; errors: ClearanceError[] } {
  return runQuery(query, options, {}, (results) =>
    results.map((r) => {
      const bindings =
        r.bindings.size === 0
          ? {}
          : Object.fromEntries([...r.bindings].map(([k, v]) => [k, evalueToJson(v)]));
      return { bindings, expressions: r.expressions.map((v) => (v === undefined ? null : evalueToJson(v))) };
    }),
  );
}

/** JSON for an evaluated value; an Unknown renders as its Rego text. */
export function evalueToJson(v: EValue): JsonValue {
  return v instanceof Unknown ? v.text : toJson(v);
}

/** Converts anything caught at the API boundary into an error. */
export function toError(e: unknown): ClearanceError {
  if (e instanceof EvalHalt) {
    const err: ClearanceError = { code: e.code, message: e.message };
    if (e.location) err.location = e.location;
    return err;
  }
  if (
    e instanceof RangeError &&
    /invalid (string|array|typed array) length|allocation failed/i.test(e.message)
  ) {
    return {
      code: 'eval_cancel_error',
      message: `evaluation exceeded the size limit (a value grew too large: ${e.message})`,
    };
  }
  if (e instanceof RangeError) {
    return { code: 'eval_cancel_error', message: 'evaluation exceeded the stack limit (nesting too deep)' };
  }
  return internalError(e);
}

/** An unexpected failure, reported instead of thrown. */
function internalError(e: unknown): ClearanceError {
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'eval_internal_error', message: `internal error: ${message}` };
}
