/**
 * The terms of a failing expression and their values, for the failure line `--var-values` prints
 * (OPA rewrites test rules so that each operand's value is kept; here the operands are evaluated
 * again, untraced, in the frame and `with` context where the expression failed).
 */
import { nodeAt } from '../compile/compile';
import type { CExpr, CTerm } from '../compile/ir';
import { formatRegoValue } from '../value/value';
import type { Evaluator, Frame } from './eval';
import { type EValue, Unknown } from './partial';
import type { Tracer } from './trace';
import type { FailureExpr, FailureVar } from './trace-format';

/** A term to report: a named variable (found by name in the source), or a term with a location. */
type Located = Extract<CTerm, { loc: unknown }>;
type Target = { kind: 'var'; name: string; slot: number } | { kind: 'term'; term: Located };

/** The failing expression's source, its terms and their values; undefined when it has no source. */
export function failureOf(ev: Evaluator, tr: Tracer, e: CExpr, f: Frame): FailureExpr | undefined {
  const src = ev.policy.sources.get(e.loc.file);
  if (src === undefined) return undefined;
  const start = e.loc.start.offset;
  const text = src.slice(start, e.loc.end.offset);
  const negated = e.e === 'not';
  const targets: Target[] = [];
  for (const t of operands(e)) collect(t, targets);
  for (const w of e.withs ?? []) if (!w.fnValue) collect(w.value, targets);
  const vars: FailureVar[] = [];
  tr.muted++;
  try {
    const measure = (): boolean => {
      for (const target of targets) {
        const v = targetValue(ev, target, f);
        // Under `not`, OPA cannot tell undefined from not evaluated: it shows only known rule values.
        if (negated && (v === undefined || (target.kind === 'term' && !isRuleRef(ev, target.term)))) continue;
        const at = target.kind === 'var' ? findName(text, target.name) : target.term.loc.start.offset - start;
        if (at < 0) continue;
        const name =
          target.kind === 'var'
            ? target.name
            : src.slice(target.term.loc.start.offset, target.term.loc.end.offset);
        vars.push({ name, ...(v === undefined ? {} : { value: render(v) }), ...position(src, start + at) });
      }
      return true;
    };
    if (e.withs && e.withs.length > 0) ev.underWiths(e.withs, f, () => true, measure);
    else measure();
  } catch {
    // A value that cannot be computed again (an error) is left out of the failure line.
  } finally {
    tr.muted--;
  }
  return { text, pad: padBefore(src, start), vars };
}

/** The operands OPA reports for an expression: a call's arguments, both sides of `=`, a plain term. */
function operands(e: CExpr): CTerm[] {
  switch (e.e) {
    case 'term':
      return e.term.t === 'call' ? e.term.args : [e.term];
    case 'unify':
      return [e.left, e.right];
    case 'not': {
      const [only] = e.body.exprs;
      return e.body.exprs.length === 1 && only ? operands(only) : [];
    }
    default:
      return [];
  }
}

/** Adds the reportable terms of `t`: variables, refs, calls (and their arguments), comprehensions. */
function collect(t: CTerm, out: Target[]): void {
  switch (t.t) {
    case 'var':
      if (!t.generated && !t.name.startsWith('$')) out.push({ kind: 'var', name: t.name, slot: t.slot });
      return;
    case 'ref':
    case 'acomp':
    case 'scomp':
    case 'ocomp':
      out.push({ kind: 'term', term: t });
      return;
    case 'call':
      out.push({ kind: 'term', term: t });
      for (const a of t.args) collect(a, out);
      return;
    case 'array':
    case 'set':
      for (const i of t.items) collect(i, out);
      return;
    case 'object':
      for (const [, v] of t.entries) collect(v, out);
      return;
    default:
      return;
  }
}

/** The value of a target in the frame (the first, for a term that iterates). */
function targetValue(ev: Evaluator, target: Target, f: Frame): EValue | undefined {
  if (target.kind === 'var') return f[target.slot];
  let out: EValue | undefined;
  ev.evalTerm(target.term, f, (v) => {
    out = v;
    return true;
  });
  return out;
}

/** True for a ref to a rule (`a`, `data.pkg.p`), not to base data. */
function isRuleRef(ev: Evaluator, t: CTerm): boolean {
  if (t.t !== 'ref' || t.head.t !== 'root' || t.head.which !== 'data') return false;
  const path: string[] = [];
  for (const p of t.path) {
    if (p.t !== 'val' || typeof p.v !== 'string') break;
    path.push(p.v);
    if (nodeAt(ev.policy.root, path, false)?.rules) return true;
  }
  return false;
}

/** A value as the failure line shows it. */
function render(v: EValue): string {
  return v instanceof Unknown ? v.text : formatRegoValue(v);
}

/** Where a variable's name first stands on its own in the expression's text (-1 when it does not). */
function findName(text: string, name: string): number {
  const escaped = name.replace(/[$]/g, '\\$');
  const m = new RegExp(`(?<![A-Za-z0-9_.$"])${escaped}(?![A-Za-z0-9_])`).exec(text);
  return m ? m.index : -1;
}

/** The 1-based row and column of an offset, with the line's text before it (tabs kept). */
function position(src: string, offset: number): { row: number; col: number; pad: string } {
  let row = 1;
  for (let i = src.indexOf('\n'); i >= 0 && i < offset; i = src.indexOf('\n', i + 1)) row++;
  const pad = padBefore(src, offset);
  return { row, col: pad.length + 1, pad };
}

/** The line's text before an offset, each character but a tab made a space. */
function padBefore(src: string, offset: number): string {
  const lineStart = src.lastIndexOf('\n', offset - 1) + 1;
  return src.slice(lineStart, offset).replace(/[^\t]/g, ' ');
}
