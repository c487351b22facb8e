/**
 * What an evaluation runs in: the frame of variable slots, the continuations, the context `with`
 * replaces (input, data, functions, the rule cache that goes with them), the work counters and
 * the evaluator's setup.
 */
import type { BuiltinContext } from '../builtins/registry';
import type { Policy } from '../compile/compile';
import type { CWith, RuleSet } from '../compile/ir';
import type { JsonValue, Value } from '../value/value';
import type { CoverageHits } from './coverage';
import type { LimitTracker } from './limits';
import type { EValue } from './partial';
import type { Tracer } from './trace';

/** A clause's variable slots. */
export type Frame = Array<EValue | undefined>;

/** Continuation: returns true to stop enumerating. */
export type K = () => boolean;

/** Continuation receiving a value. */
export type VK = (v: EValue) => boolean;

/** A `with data...` replacement. */
export type DataOverride = { path: Value[]; value: EValue };

/** A `with` replacement of a function: a value, or another function. */
export type FnOverride = { value?: EValue; target?: CWith['fnValue'] };

/** Everything `with` can replace, plus the rule cache that goes with it. */
export interface EvalContext {
  /** The input, once converted (see `json`). */
  input: EValue | undefined;
  /** The input as given, while not yet converted to a Rego value (then `input` is undefined). */
  json: JsonValue | undefined;
  data: Value;
  dataOverrides: readonly DataOverride[];
  fnOverrides: ReadonlyMap<string, FnOverride>;
  /** Rule values computed in this context (made on the first rule evaluated). */
  cache: Map<RuleSet, EValue | null> | undefined;
}

const noDataOverrides: readonly DataOverride[] = [];
const noFnOverrides: ReadonlyMap<string, FnOverride> = new Map();

/** A context without `with` replacements: nothing in it is allocated before it is needed. */
export function newContext(input: EValue | undefined, json: JsonValue | undefined, data: Value): EvalContext {
  return { input, json, data, dataOverrides: noDataOverrides, fnOverrides: noFnOverrides, cache: undefined };
}

/** The rule cache of a context, made on first use. */
export function ruleCache(ctx: EvalContext): Map<RuleSet, EValue | null> {
  if (ctx.cache === undefined) ctx.cache = new Map();
  return ctx.cache;
}

/** Counters of the work one evaluation did (for tests and benchmarks, not for timing). */
export interface EvalStats {
  /** Rule clause bodies (and `else` branches) started. */
  ruleBodies: number;
  /** Comprehensions evaluated, and those answered from the comprehension cache. */
  comprehensions: number;
  comprehensionCacheHits: number;
}

/** How an Evaluator is set up. */
export interface EvaluatorSetup {
  policy: Policy;
  ctx: EvalContext;
  limits: LimitTracker;
  strict: boolean;
  unknowns: string[][] | undefined;
  builtins: BuiltinContext;
  querySource?: string | undefined;
  stats?: EvalStats | undefined;
  /** Lines covered so far (`opa test --coverage`), when coverage is wanted. */
  coverage?: CoverageHits | undefined;
  /** Receives trace events (`--explain`), when a trace is wanted. */
  tracer?: Tracer | undefined;
}
