/**
 * Where the evaluator reports trace events, called only when an evaluation was given a `Tracer`:
 * expressions (Eval, then Redo per solution or Fail), rule clauses (Enter, Exit, Redo, in a child
 * query), rule lookups (Index), closures (`not`, `every`, comprehensions: a child query each).
 */
import type { CBody, CExpr, ClauseOrigin, CRule, CTerm, RuleSet } from '../compile/ir';
import { formatRegoValue } from '../value/value';
import type { Evaluator, Frame, K } from './eval';
import { Unknown } from './partial';
import type { Tracer } from './trace';
import { failureOf } from './trace-failure';
import { renderBody, renderExpr, renderVarName } from './trace-render';

const exprTexts = new WeakMap<CExpr, string>();
const exprVarSlots = new WeakMap<object, Array<[string, number]>>();

/** The expression as OPA prints it (computed once per compiled expression). */
function exprText(e: CExpr): string {
  let text = exprTexts.get(e);
  if (text === undefined) {
    text = renderExpr(e);
    exprTexts.set(e, text);
  }
  return text;
}

/** The named variables a node mentions, with their slots (once per node). */
export function varSlots(node: CExpr | CTerm): Array<[string, number]> {
  let slots = exprVarSlots.get(node);
  if (slots === undefined) {
    const seen = new Map<string, number>();
    const visit = (n: unknown): void => {
      if (Array.isArray(n)) {
        for (const x of n) visit(x);
        return;
      }
      if (typeof n !== 'object' || n === null) return;
      const o = n as Record<string, unknown>;
      if (o.t === 'val') return;
      // Closures have variables of their own; OPA reports those of the expression itself.
      if (
        o.t === 'acomp' ||
        o.t === 'scomp' ||
        o.t === 'ocomp' ||
        o.e === 'every' ||
        o.e === 'not' ||
        o.e === 'logic'
      )
        return;
      if (o.t === 'var' && !o.generated && !(o.name as string).startsWith('$')) {
        seen.set(renderVarName(o.name as string), o.slot as number);
      }
      for (const [k, v] of Object.entries(o)) if (k !== 'loc' && k !== 'target' && k !== 'fnValue') visit(v);
    };
    visit(node);
    slots = [...seen];
    exprVarSlots.set(node, slots);
  }
  return slots;
}

/** The bound variables of an expression and their values as Rego text. */
function boundVars(tr: Tracer, e: CExpr, f: Frame): Array<[string, string]> | undefined {
  if (!tr.varValues) return undefined;
  const out: Array<[string, string]> = [];
  for (const [name, slot] of varSlots(e)) {
    const v = f[slot];
    if (v !== undefined) out.push([name, v instanceof Unknown ? v.text : formatRegoValue(v)]);
  }
  return out;
}

/** Evaluates an expression, reporting Eval, then Redo after each solution, or Fail when it had none. */
export function traceExpr(
  ev: Evaluator,
  tr: Tracer,
  e: CExpr,
  f: Frame,
  k: K,
  record?: (v: import('./partial').EValue) => void,
): boolean {
  // `some x` declarations are not expressions OPA evaluates.
  if (e.e === 'nop') return k();
  const text = exprText(e);
  tr.emit('Eval', 'expr', text, e.loc, undefined, boundVars(tr, e, f));
  let defined = false;
  // OPA's `not`, `and` and `or` report no Redo: their bodies were queries of their own.
  const redo = e.e !== 'not' && e.e !== 'logic';
  const next: K = () => {
    defined = true;
    const stop = k();
    if (redo) tr.emit('Redo', 'expr', text, e.loc, undefined, boundVars(tr, e, f));
    return stop;
  };
  const stop = e.withs ? ev.evalWith(e, e.withs, f, next, record) : ev.evalExprCore(e, f, next, record);
  if (!defined) {
    const fail = tr.emit('Fail', 'expr', text, e.loc, undefined, boundVars(tr, e, f));
    if (fail && e.e === 'every') fail.every = true;
    if (fail && tr.varValues) {
      const failure = failureOf(ev, tr, e, f);
      if (failure) fail.failure = failure;
    }
  }
  return stop;
}

/** Runs a clause as a child query: Enter, then Exit and Redo around each solution. */
export function traceClause(
  tr: Tracer,
  clause: CRule,
  onSolution: (value: CTerm, origin: ClauseOrigin) => boolean,
  run: (onSolution: (value: CTerm, origin: ClauseOrigin) => boolean) => boolean,
): boolean {
  const saved = tr.beginQuery();
  const path = clause.origin.path;
  const loc = clause.origin.location;
  const scope = tr.currentRule();
  tr.emit('Enter', 'rule', path, loc);
  try {
    return run((value, origin) => {
      tr.emit('Exit', 'rule', path, loc, scope?.early ? 'early' : undefined);
      if (scope) tr.afterExit(scope);
      const stop = onSolution(value, origin);
      tr.emit('Redo', 'rule', path, loc);
      return stop;
    });
  } finally {
    tr.endQuery(saved);
  }
}

/** Reports a rule lookup as OPA's index does: `Index data.p (matched 2 rules, early exit)`. */
export function traceIndex(tr: Tracer, set: RuleSet, matched: number, early: boolean): void {
  const rules = matched === 1 ? '1 rule' : `${matched} rules`;
  tr.emit(
    'Index',
    'expr',
    `data.${set.path.join('.')}`,
    undefined,
    `(matched ${rules}${early ? ', early exit' : ''})`,
  );
}

/** Evaluates a closure's body (`not`, `every`, a comprehension) as a child query when tracing. */
export function evalClosureBody(ev: Evaluator, body: CBody, f: Frame, k: K): boolean {
  const tr = ev.tracer;
  if (tr === undefined) return ev.evalBody(body, 0, f, k);
  const saved = tr.beginQuery();
  const text = renderBody(body);
  const loc = body.exprs[0]?.loc;
  tr.emit('Enter', 'body', text, loc);
  try {
    return ev.evalBody(body, 0, f, () => {
      tr.emit('Exit', 'body', text, loc);
      const stop = k();
      tr.emit('Redo', 'body', text, loc);
      return stop;
    });
  } finally {
    tr.endQuery(saved);
  }
}
