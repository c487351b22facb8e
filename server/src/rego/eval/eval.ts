/**
 * The evaluator: top-down, continuation-passing evaluation of compiled bodies. Each expression
 * calls its continuation once per solution; bindings live in a frame of slots and are undone as
 * continuations return; a continuation returning true stops the enumeration. Rules, the data
 * document and functions are in eval-rules.ts; unknowns flow through as `Unknown` values.
 */
import type { Location } from '../../errors';
import { type BuiltinContext, BuiltinError } from '../builtins/registry';
import type { Policy } from '../compile/compile';
import type { CallTarget, CBody, CExpr, CTerm, CWith, RuleSet } from '../compile/ir';
import { pairTerms } from '../compile/safety';
import {
  equalValues,
  formatRegoValue,
  fromJson,
  type JsonValue,
  RegoObject,
  RegoSet,
  type Value,
} from '../value/value';
import { type CoverageHits, markCovered } from './coverage';
import {
  evalComprehension,
  evalEvery,
  evalLogic,
  evalNot,
  evalPrint,
  evalTemplate,
  iterateCollection,
} from './eval-closures';
import { directEqualsObject, directItems, directValue, NOT_DIRECT } from './eval-direct';
import { COMPOSITE, NOTHING, scalarAt } from './eval-input';
import { setPath, walkInput, walkValue } from './eval-refs';
import { callFunction, evalDataRef } from './eval-rules';
import { EvalHalt, type LimitTracker } from './limits';
import { anyUnknown, type EValue, renderCall, renderOperand, Unknown } from './partial';
import type { Tracer } from './trace';
import { traceExpr } from './trace-hooks';

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

/** Stats of evaluations nobody asked to count (written, never read). */
const uncounted: EvalStats = { ruleBodies: 0, comprehensions: 0, comprehensionCacheHits: 0 };

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

/** Evaluates compiled bodies against one input and data document. */
export class Evaluator {
  ctx: EvalContext;
  readonly policy: Policy;
  readonly limits: LimitTracker;
  readonly strict: boolean;
  /** Unknown prefixes under `input` (paths below the root), or undefined when none. */
  readonly unknowns: string[][] | undefined;
  /** Residual conditions of the current solution path (pushed and popped as evaluation proceeds). */
  readonly residuals: string[] = [];
  readonly builtins: BuiltinContext;
  /** Rule sets being evaluated, to catch recursion that `with` makes possible at run time. */
  readonly active: RuleSet[] = [];
  /** What this evaluation did, counted. */
  readonly stats: EvalStats;
  /** Lines covered, when the caller measures coverage. */
  readonly coverage: CoverageHits | undefined;
  /** Trace events go here, when the caller asked for a trace. */
  readonly tracer: Tracer | undefined;
  /**
   * Comprehension results per `with` context (every `with` makes a new context), then per
   * comprehension and the values of the variables it captures; made on the first comprehension.
   */
  comprehensionCache: WeakMap<EvalContext, Map<CTerm, Map<string, EValue>>> | undefined;
  private readonly querySource: string | undefined;

  constructor(setup: EvaluatorSetup) {
    this.policy = setup.policy;
    this.ctx = setup.ctx;
    this.limits = setup.limits;
    this.strict = setup.strict;
    this.unknowns = setup.unknowns;
    this.builtins = setup.builtins;
    this.querySource = setup.querySource;
    this.stats = setup.stats ?? uncounted;
    this.coverage = setup.coverage;
    this.tracer = setup.tracer;
  }

  private freshCount = 0;

  /**
   * A Rego variable name for an iteration over an Unknown: the pattern's own name when it is an
   * unbound user variable, else a fresh name (`__k1`).
   */
  iterationVar(p: CTerm, f: Frame, hint: string): string {
    if (p.t === 'var' && f[p.slot] === undefined && !p.name.startsWith('$') && p.name !== '_') return p.name;
    this.freshCount++;
    return `__${hint}${this.freshCount}`;
  }

  /** Source text at a location (policy files, or the query). */
  sourceText(loc: Location): string {
    const text = this.policy.sources.get(loc.file) ?? this.querySource ?? '';
    return text.slice(loc.start.offset, loc.end.offset);
  }

  /** Runs `k` with a residual condition recorded on the current path. */
  withResidual(text: string, k: K): boolean {
    this.residuals.push(text);
    try {
      return k();
    } finally {
      this.residuals.pop();
    }
  }

  // ---------------------------------------------------------------- bodies and expressions

  /** Evaluates `body` from expression `i`; calls `k` per solution. */
  evalBody(body: CBody, i: number, f: Frame, k: K): boolean {
    const e = body.exprs[i];
    if (e === undefined) return k();
    return this.evalExpr(e, f, () => this.evalBody(body, i + 1, f, k));
  }

  /** Evaluates one expression; `record` receives a term expression's value (for query results). */
  evalExpr(e: CExpr, f: Frame, k: K, record?: (v: EValue) => void): boolean {
    this.limits.step();
    if (this.coverage) markCovered(this.coverage, e.loc);
    if (this.tracer !== undefined) return traceExpr(this, this.tracer, e, f, k, record);
    if (e.withs) return this.evalWith(e, e.withs, f, k, record);
    return this.evalExprCore(e, f, k, record);
  }

  /** Evaluates an expression without its `with` modifiers. */
  evalExprCore(e: CExpr, f: Frame, k: K, record?: (v: EValue) => void): boolean {
    switch (e.e) {
      case 'nop':
        return k();
      case 'term':
        return this.evalTerm(e.term, f, (v) => {
          record?.(v);
          if (v instanceof Unknown) return this.withResidual(v.text, k);
          if (v === false) return false;
          return k();
        });
      case 'unify':
        record?.(true);
        return this.evalUnify(e.left, e.right, e.mode, f, k);
      case 'somein':
        record?.(true);
        return this.evalTerm(e.coll, f, (coll) => iterateCollection(this, coll, e.key, e.value, f, k));
      case 'every':
        record?.(true);
        return evalEvery(this, e, f, k);
      case 'not':
        record?.(true);
        return evalNot(this, e, f, k);
      case 'logic':
        record?.(true);
        return evalLogic(this, e, f, k);
    }
  }

  /** Evaluates an expression under `with` replacements, restoring them for the continuation. */
  evalWith(e: CExpr, withs: CWith[], f: Frame, k: K, record?: (v: EValue) => void): boolean {
    return this.underWiths(withs, f, k, (next) => this.evalExprCore(e, f, next, record));
  }

  /** Runs `run` with the `with` replacements in place; the continuation it is given runs without them. */
  underWiths(withs: CWith[], f: Frame, k: K, run: (next: K) => boolean): boolean {
    const valueTerms = withs.map((w) => (w.fnValue ? ({ t: 'val', v: null } as CTerm) : w.value));
    return this.evalItems(valueTerms, f, (values) => {
      const saved = this.ctx;
      const dataOverrides = [...saved.dataOverrides];
      const fnOverrides = new Map(saved.fnOverrides);
      let input = this.inputValue();
      withs.forEach((w, i) => {
        const v = values[i] as EValue;
        if (w.target === 'input') input = setPath(input, w.path, v);
        else if (w.target === 'data') dataOverrides.push({ path: w.path, value: v });
        else if (w.fnKey) fnOverrides.set(w.fnKey, w.fnValue ? { target: w.fnValue } : { value: v });
      });
      const next: EvalContext = {
        input,
        json: undefined,
        data: saved.data,
        dataOverrides,
        fnOverrides,
        cache: undefined,
      };
      this.ctx = next;
      try {
        return run(() => {
          this.ctx = saved;
          try {
            return k();
          } finally {
            this.ctx = next;
          }
        });
      } finally {
        this.ctx = saved;
      }
    });
  }

  // ---------------------------------------------------------------- unification

  /** Unifies two terms in the order safety planning chose. */
  evalUnify(left: CTerm, right: CTerm, mode: string, f: Frame, k: K): boolean {
    if (mode === 'evalRight') return this.evalTerm(right, f, (v) => this.match(left, v, f, k));
    if (mode === 'evalLeft') return this.evalTerm(left, f, (v) => this.match(right, v, f, k));
    const pairs = pairTerms(left, right);
    if (pairs) return this.unifyItems(pairs[0], pairs[1], 0, f, k);
    return this.evalTerm(right, f, (v) => this.match(left, v, f, k));
  }

  /** Unifies two arrays of terms pair by pair. */
  private unifyItems(ls: CTerm[], rs: CTerm[], i: number, f: Frame, k: K): boolean {
    const l = ls[i];
    const r = rs[i];
    if (l === undefined || r === undefined) return k();
    const next = (): boolean => this.unifyItems(ls, rs, i + 1, f, k);
    if (this.isEvaluable(r, f)) return this.evalTerm(r, f, (v) => this.match(l, v, f, next));
    if (this.isEvaluable(l, f)) return this.evalTerm(l, f, (v) => this.match(r, v, f, next));
    const pairs = pairTerms(l, r);
    if (pairs) return this.unifyItems(pairs[0], pairs[1], 0, f, next);
    return false;
  }

  /** True when every pattern-position variable of `t` is bound. */
  isEvaluable(t: CTerm, f: Frame): boolean {
    switch (t.t) {
      case 'var':
        return f[t.slot] !== undefined;
      case 'array':
      case 'set':
        return t.items.every((i) => this.isEvaluable(i, f));
      case 'object':
        return t.entries.every(([a, b]) => this.isEvaluable(a, f) && this.isEvaluable(b, f));
      default:
        return true;
    }
  }

  /** Matches a pattern term against a value, binding its unbound variables. */
  match(p: CTerm, v: EValue, f: Frame, k: K): boolean {
    switch (p.t) {
      case 'var': {
        const cur = f[p.slot];
        if (cur === undefined) {
          f[p.slot] = v;
          try {
            return k();
          } finally {
            f[p.slot] = undefined;
          }
        }
        return this.compareEqual(cur, v, k);
      }
      case 'val':
        return this.compareEqual(p.v, v, k);
      case 'array':
        if (v instanceof Unknown) return this.matchUnknown(p, v, f, k);
        if (!Array.isArray(v) || v.length !== p.items.length) return false;
        return this.matchItems(p.items, v, 0, f, k);
      case 'object':
        if (v instanceof Unknown) return this.matchUnknown(p, v, f, k);
        if (!(v instanceof RegoObject) || v.size !== p.entries.length) return false;
        return this.matchEntries(p.entries, v, 0, f, k);
      default:
        return this.evalTerm(p, f, (pv) => this.compareEqual(pv, v, k));
    }
  }

  /** Matches array items pairwise. */
  private matchItems(ps: CTerm[], vs: EValue[], i: number, f: Frame, k: K): boolean {
    const p = ps[i];
    if (p === undefined) return k();
    return this.match(p, vs[i] as EValue, f, () => this.matchItems(ps, vs, i + 1, f, k));
  }

  /** Matches object entries: keys are evaluated, values matched. */
  private matchEntries(es: Array<[CTerm, CTerm]>, obj: RegoObject, i: number, f: Frame, k: K): boolean {
    const e = es[i];
    if (e === undefined) return k();
    return this.evalTerm(e[0], f, (key) => {
      if (key instanceof Unknown) return false;
      const val = obj.get(key);
      if (val === undefined) return false;
      return this.match(e[1], val, f, () => this.matchEntries(es, obj, i + 1, f, k));
    });
  }

  /** Matches a composite pattern against an Unknown: its variables become Unknown too. */
  private matchUnknown(p: CTerm, u: Unknown, f: Frame, k: K): boolean {
    const slots: number[] = [];
    const names: string[] = [];
    const collect = (t: CTerm): void => {
      if (t.t === 'var' && f[t.slot] === undefined) {
        slots.push(t.slot);
        names.push(t.name);
      } else if (t.t === 'array' || t.t === 'set') t.items.forEach(collect);
      else if (t.t === 'object') for (const [, v] of t.entries) collect(v);
    };
    collect(p);
    // A named variable stands for itself: the residual `[a, b] = input.x` binds it.
    slots.forEach((s, i) => {
      const name = names[i] as string;
      f[s] = new Unknown(name.startsWith('$') ? `${renderOperand(u)}[_]` : name);
    });
    try {
      return this.withResidual(`${renderPatternText(p)} = ${u.text}`, k);
    } finally {
      for (const s of slots) f[s] = undefined;
    }
  }

  /** Continues when two values are equal; an Unknown side makes the equality a residual. */
  compareEqual(a: EValue, b: EValue, k: K): boolean {
    if (a instanceof Unknown || b instanceof Unknown) {
      const [x, y] = a instanceof Unknown ? [a, b] : [b, a];
      return this.withResidual(`${renderOperand(x)} == ${renderOperand(y)}`, k);
    }
    return equalValues(a, b) ? k() : false;
  }

  // ---------------------------------------------------------------- terms

  /** Evaluates a term; calls `k` once per value (refs with unbound variables iterate). */
  evalTerm(t: CTerm, f: Frame, k: VK): boolean {
    switch (t.t) {
      case 'val':
        return k(t.v);
      case 'var': {
        const v = f[t.slot];
        return v === undefined ? false : k(v);
      }
      case 'root':
        return t.which === 'input' ? this.evalInputRef([], f, k) : evalDataRef(this, [], f, k);
      case 'ref':
        return this.evalRef(t, f, k);
      case 'array':
      case 'set':
      case 'object':
        if (this.unknowns === undefined) {
          const v = directValue(this, t, f);
          if (v !== NOT_DIRECT) return v === undefined ? false : k(v);
        }
        return this.evalCollection(t, f, k);
      case 'acomp':
      case 'scomp':
      case 'ocomp':
        return k(evalComprehension(this, t, f));
      case 'call':
        if (t.name === 'print') return evalPrint(this, t.args, f, k);
        if (this.unknowns === undefined) {
          if (t.name === 'equal' && t.target.k === 'builtin' && this.ctx.fnOverrides.size === 0) {
            const eq = directEqualsObject(this, t.args, f);
            if (eq !== NOT_DIRECT) return eq === undefined ? false : k(eq);
          }
          const args = directItems(this, t.args, f);
          if (args !== NOT_DIRECT) return args === undefined ? false : this.evalCall(t, args, k);
        }
        return this.evalItems(t.args, f, (args) => this.evalCall(t, args, k));
      case 'template':
        return evalTemplate(this, t.parts, f, k, t.sets);
    }
  }

  /** Evaluates an array, set or object term whose items may iterate. */
  private evalCollection(t: Extract<CTerm, { t: 'array' | 'set' | 'object' }>, f: Frame, k: VK): boolean {
    switch (t.t) {
      case 'array':
        return this.evalItems(t.items, f, (vs) =>
          k(anyUnknown(vs) ? renderComposite('[', vs, ']') : (vs as Value[])),
        );
      case 'set':
        return this.evalItems(t.items, f, (vs) =>
          k(anyUnknown(vs) ? renderComposite('{', vs, '}') : RegoSet.of(vs as Value[])),
        );
      case 'object': {
        const flat: CTerm[] = [];
        for (const [a, b] of t.entries) flat.push(a, b);
        return this.evalItems(flat, f, (vs) => {
          if (anyUnknown(vs)) return k(new Unknown(renderObjectText(vs)));
          const o = new RegoObject();
          for (let i = 0; i < vs.length; i += 2) o.set(vs[i] as Value, vs[i + 1] as Value);
          return k(o);
        });
      }
    }
  }

  /** Evaluates terms left to right, calling `k` with each combination of values. */
  evalItems(items: CTerm[], f: Frame, k: (vs: EValue[]) => boolean): boolean {
    const out: EValue[] = new Array(items.length);
    const step = (i: number): boolean => {
      const t = items[i];
      if (t === undefined) {
        // Plain variables were left for last: another item (a ref) may have bound them.
        for (let j = 0; j < items.length; j++) {
          const item = items[j] as CTerm;
          if (item.t !== 'var') continue;
          const v = f[item.slot];
          if (v === undefined) return false;
          out[j] = v;
        }
        return k(out.slice());
      }
      if (t.t === 'var') return step(i + 1);
      if (t.t === 'val') {
        out[i] = t.v;
        return step(i + 1);
      }
      return this.evalTerm(t, f, (v) => {
        out[i] = v;
        return step(i + 1);
      });
    };
    return step(0);
  }

  /** Calls a builtin or user function with evaluated arguments, honouring `with` replacements. */
  evalCall(t: Extract<CTerm, { t: 'call' }>, args: EValue[], k: VK): boolean {
    const key = t.target.k === 'builtin' ? t.name : `data.${t.target.path.join('.')}`;
    const override = this.ctx.fnOverrides.size > 0 ? this.ctx.fnOverrides.get(key) : undefined;
    let target = t.target;
    if (override) {
      if (!override.target) return override.value === undefined ? false : k(override.value);
      target = override.target;
      // Inside the replacement, the replaced function is itself again (OPA's scoping of mocks).
      const saved = this.ctx;
      const inner = new Map(saved.fnOverrides);
      inner.delete(key);
      this.ctx = { ...saved, fnOverrides: inner, cache: undefined };
      try {
        return this.invoke(t, target, args, k);
      } finally {
        this.ctx = saved;
      }
    }
    return this.invoke(t, target, args, k);
  }

  /** Invokes a resolved call target. */
  private invoke(t: Extract<CTerm, { t: 'call' }>, target: CallTarget, args: EValue[], k: VK): boolean {
    if (anyUnknown(args)) {
      const infix = t.infix ?? (target.k === 'builtin' ? target.def.infix : undefined);
      return k(renderCall(t.name, infix, args));
    }
    if (target.k === 'func') {
      const tr = this.tracer;
      const mark = tr === undefined ? 0 : tr.deferredMark();
      const result = callFunction(this, target.path, args as Value[], t.loc);
      const stop = result === undefined ? false : k(result);
      // The function's events after its first value follow the caller's continuation, as in OPA.
      tr?.flushDeferred(mark, stop);
      return stop;
    }
    const def = target.def;
    let result: Value | undefined;
    try {
      result = def.implementation(args as Value[], this.builtins);
    } catch (err) {
      if (err instanceof BuiltinError) {
        if (this.strict || err.halt) {
          throw new EvalHalt(err.code, `${def.name}: ${err.message}`, t.loc);
        }
        return false;
      }
      throw err;
    }
    if (result === undefined) return false;
    if (def.relation && Array.isArray(result)) {
      for (const r of result) if (k(r)) return true;
      return false;
    }
    return k(result);
  }

  // ---------------------------------------------------------------- refs

  /** Evaluates a ref: into input, data, or any value. */
  private evalRef(t: Extract<CTerm, { t: 'ref' }>, f: Frame, k: VK): boolean {
    const head = t.head;
    if (head.t === 'root') {
      return head.which === 'input' ? this.evalInputRef(t.path, f, k) : evalDataRef(this, t.path, f, k);
    }
    return this.evalTerm(head, f, (v) => walkValue(this, v, t.path, 0, f, k));
  }

  /** The input as a Rego value, converting the JSON it was given on first need. */
  inputValue(): EValue | undefined {
    const ctx = this.ctx;
    if (ctx.json !== undefined) {
      ctx.input = fromJson(ctx.json);
      ctx.json = undefined;
    }
    return ctx.input;
  }

  /** Evaluates `input...`, honouring unknown prefixes. */
  private evalInputRef(path: CTerm[], f: Frame, k: VK): boolean {
    const json = this.ctx.json;
    if (json !== undefined) {
      // Not converted yet: a path of constant keys to a scalar reads the JSON alone.
      const leaf = scalarAt(json, path, f);
      if (leaf === NOTHING) return false;
      if (leaf !== COMPOSITE) return k(leaf);
    }
    const input = this.inputValue();
    if (this.unknowns) return walkInput(this, input, path, 0, [], f, k);
    if (input === undefined) return false;
    return walkValue(this, input, path, 0, f, k);
  }
}

/** Rego text for a composite with unknown members. */
function renderComposite(open: string, vs: EValue[], close: string): Unknown {
  return new Unknown(`${open}${vs.map(renderOperand).join(', ')}${close}`);
}

/** Rego text for an object whose keys or values include Unknowns (flat key/value list). */
function renderObjectText(vs: EValue[]): string {
  const parts: string[] = [];
  for (let i = 0; i < vs.length; i += 2)
    parts.push(`${renderOperand(vs[i] as EValue)}: ${renderOperand(vs[i + 1] as EValue)}`);
  return `{${parts.join(', ')}}`;
}

/** Rego text for a pattern term (variables by name). */
function renderPatternText(p: CTerm): string {
  switch (p.t) {
    case 'var':
      return p.name.startsWith('$') ? '_' : p.name;
    case 'val':
      return formatRegoValue(p.v);
    case 'array':
      return `[${p.items.map(renderPatternText).join(', ')}]`;
    case 'object':
      return `{${p.entries.map(([a, b]) => `${renderPatternText(a)}: ${renderPatternText(b)}`).join(', ')}}`;
    default:
      return '_';
  }
}
