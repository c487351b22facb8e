/**
 * The evaluator: top-down, continuation-passing evaluation of compiled bodies. Each expression
 * calls its continuation once per solution; bindings live in a frame of slots and are undone as
 * continuations return; a continuation returning true stops the enumeration. Rules, the data
 * document and functions are in eval-rules.ts, unification and pattern matching in eval-unify.ts,
 * the frame, continuation and context types in eval-context.ts; unknowns flow through as
 * `Unknown` values.
 */
import type { Location } from '../../errors';
import { type BuiltinContext, BuiltinError } from '../builtins/registry';
import type { Policy } from '../compile/compile';
import type { CallTarget, CBody, CExpr, CTerm, CWith, RuleSet } from '../compile/ir';
import { fromJson, RegoObject, RegoSet, type Value } from '../value/value';
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
import type { EvalContext, EvalStats, EvaluatorSetup, Frame, K, VK } from './eval-context';
import { evalDataRef } from './eval-data';
import { directEqualsObject, directItems, directValue, NOT_DIRECT } from './eval-direct';
import { COMPOSITE, NOTHING, scalarAt } from './eval-input';
import { setPath, walkInput, walkValue } from './eval-refs';
import { callFunction } from './eval-rules';
import { evalUnify } from './eval-unify';
import { EvalHalt, type LimitTracker } from './limits';
import { anyUnknown, type EValue, renderCall, renderOperand, Unknown } from './partial';
import type { Tracer } from './trace';
import { traceExpr } from './trace-hooks';

// The types of the evaluation context live in eval-context.ts; the evaluator's modules import them from here.
export type {
  DataOverride,
  EvalContext,
  EvalStats,
  EvaluatorSetup,
  FnOverride,
  Frame,
  K,
  VK,
} from './eval-context';
export { newContext, ruleCache } from './eval-context';

/** Stats of evaluations nobody asked to count (written, never read). */
const uncounted: EvalStats = { ruleBodies: 0, comprehensions: 0, comprehensionCacheHits: 0 };

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
        return evalUnify(this, e.left, e.right, e.mode, f, k);
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
