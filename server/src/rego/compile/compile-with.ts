/**
 * `with` modifiers, compiled: replacing (part of) `input`, `data`, or a function — by a value or
 * by another function — for the duration of one expression.
 */
import type * as ast from '../syntax/ast';
import type { Value } from '../value/value';
import type { BodyCompiler } from './compile-body';
import type { GlobalName, Scope } from './compile-scope';
import { refParts, scalarValue } from './compile-terms';
import type { CTerm, CWith } from './ir';

/** Compiles `with` modifiers. */
export function compileWiths(bc: BodyCompiler, withs: ast.With[], scope: Scope): CWith[] {
  const out: CWith[] = [];
  for (const w of withs) {
    const value: CTerm =
      bc.namesFunction(w.value, scope) && !isValueRef(bc, w.value, scope)
        ? { t: 'val', v: null }
        : bc.compileTerm(w.value, scope);
    const parts = refParts(w.target);
    const head = w.target.terms[0];
    if (head?.type === 'var' && head.name === 'input') {
      const path = groundPath(bc, w.target.terms.slice(1));
      if (path) out.push({ target: 'input', path, value });
      else bc.error('rego_compile_error', 'with keyword target must be a ground reference', w.location);
      continue;
    }
    if (head?.type === 'var' && head.name === 'data') {
      const path = groundPath(bc, w.target.terms.slice(1));
      if (!path) {
        bc.error('rego_compile_error', 'with keyword target must be a ground reference', w.location);
        continue;
      }
      const strings = path.every((p) => typeof p === 'string') ? (path as string[]) : undefined;
      if (strings && bc.ctx.functionArity(strings) !== undefined) {
        out.push(functionWith(bc, `data.${strings.join('.')}`, value, w.value, scope));
      } else {
        out.push({ target: 'data', path, value });
      }
      continue;
    }
    const target = parts ? bc.resolveCallPath(w.target, scope) : undefined;
    if (target?.k === 'builtin') {
      out.push(functionWith(bc, target.name, value, w.value, scope));
      continue;
    }
    // A rule named through an import alias or by its bare name is a data path, not a function.
    if (target?.k === 'func' && bc.ctx.functionArity(target.path) !== undefined) {
      out.push(functionWith(bc, `data.${target.path.join('.')}`, value, w.value, scope));
      continue;
    }
    if (head?.type === 'var' && bc.ctx.globals.has(head.name) && scope.lookup(head.name) === undefined) {
      const g = bc.ctx.globals.get(head.name) as GlobalName;
      const rest = groundPath(bc, w.target.terms.slice(1));
      if (rest) {
        out.push({ target: g.root, path: [...g.path, ...rest], value });
        continue;
      }
    }
    bc.error(
      'rego_compile_error',
      'with keyword target must reference existing input, data, or a function',
      w.location,
    );
  }
  return out;
}

/** True when a `with` value that names a global refers to a value (not a function). */
function isValueRef(bc: BodyCompiler, t: ast.Term, scope: Scope): boolean {
  const ref: ast.Ref | undefined =
    t.type === 'ref' ? t : t.type === 'var' ? { type: 'ref', terms: [t], location: t.location } : undefined;
  if (!ref) return true;
  const target = bc.resolveCallPath(ref, scope);
  if (target?.k === 'builtin') return false;
  if (target?.k === 'func' && bc.ctx.functionArity(target.path) !== undefined) return false;
  return true;
}

/** A function replacement: by another function when the value names one, else by a value. */
function functionWith(bc: BodyCompiler, fnKey: string, value: CTerm, source: ast.Term, scope: Scope): CWith {
  if (source.type === 'ref' || source.type === 'var') {
    const ref: ast.Ref =
      source.type === 'ref' ? source : { type: 'ref', terms: [source], location: source.location };
    const isLocal =
      ref.terms[0]?.type === 'var' && scope.lookup((ref.terms[0] as ast.Var).name) !== undefined;
    const target = isLocal ? undefined : bc.resolveCallPath(ref, scope);
    if (target?.k === 'builtin') {
      const def = bc.builtin(target.name);
      if (def) return { target: 'fn', path: [], fnKey, value, fnValue: { k: 'builtin', def } };
    }
    if (target?.k === 'func' && bc.ctx.functionArity(target.path) !== undefined) {
      return { target: 'fn', path: [], fnKey, value, fnValue: { k: 'func', path: target.path } };
    }
  }
  return { target: 'fn', path: [], fnKey, value };
}

/** Ground scalar values of ref terms, or undefined when one is not ground. */
function groundPath(_bc: BodyCompiler, terms: ast.Term[]): Value[] | undefined {
  const out: Value[] = [];
  for (const t of terms) {
    const v = scalarValue(t);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}
