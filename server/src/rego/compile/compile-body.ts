/**
 * Translates AST terms and bodies into the compiled form: each variable becomes a frame slot in
 * the right scope (closures — comprehensions, `not`, `every` — get their own), bare names become
 * refs to package rules, imports, `input` or `data`, and calls are bound to builtins or user
 * functions. Ordering for safety happens afterwards (safety.ts).
 */
import type { Location } from '../../errors';
import { lookupBuiltin } from '../builtins/index';
import type { BuiltinDef } from '../builtins/registry';
import type * as ast from '../syntax/ast';
import { negateNumber, RegoNumber } from '../value/number';
import { type CompileContext, declarePattern, namesFunction, predeclare, Scope } from './compile-scope';
import { constantArray, refName, refParts, scalarValue } from './compile-terms';
import { compileWiths } from './compile-with';
import type { CBody, CExpr, CTerm, CWith } from './ir';
import { hoistNegatedTerms } from './rewrite-negation';
import { requiresEval } from './term-facts';
import { argumentTypesText, signatureText } from './typecheck';

/** Compiles one rule clause's (or query's) terms and bodies, allocating frame slots. */
export class BodyCompiler {
  /** Slot count so far. */
  nslots = 0;
  /** Names per slot (for bindings and messages). */
  readonly slotNames: string[] = [];
  readonly generated: boolean[] = [];
  /** Variables made so far for terms hoisted out of negations. */
  private hoisted = 0;

  constructor(readonly ctx: CompileContext) {}

  /** The builtin called `name` that this policy may call. */
  builtin(name: string): BuiltinDef | undefined {
    return this.ctx.builtins ? this.ctx.builtins(name) : lookupBuiltin(name);
  }

  /** Declares `name` in `scope` and returns its new slot. */
  declare(scope: Scope, name: string, generated: boolean): number {
    const slot = this.nslots++;
    this.slotNames[slot] = name;
    this.generated[slot] = generated;
    scope.names.set(name, slot);
    scope.locals.push(slot);
    return slot;
  }

  /** Reports a compile error. */
  error(code: string, message: string, location: Location): void {
    this.ctx.errors.push({ code, message, location });
  }

  /** Declares the variables a pattern term introduces (for `:=`, `some ... in`, function args). */
  declarePattern(term: ast.Term, scope: Scope, checkRedeclare: boolean): void {
    declarePattern(this, term, scope, checkRedeclare);
  }

  /** True when a `with` value names a function (a builtin or a rule), not a local variable. */
  namesFunction(t: ast.Term, scope: Scope): boolean {
    return namesFunction(this, t, scope);
  }

  /** Compiles a body in a new scope nested in `parent` (or in `scope` itself when given). */
  compileBody(source: ast.Body, scope: Scope): CBody {
    const { body, hoisted } = hoistNegatedTerms(source, this.ctx.notBody === true, (location) => ({
      type: 'var',
      name: `__not${this.hoisted++}__`,
      generated: true,
      location,
    }));
    predeclare(this, body, scope);
    const exprs: CExpr[] = [];
    // Hoisted expressions share the index of the negation they came from (queries report by index).
    let index = 0;
    for (const [position, expr] of body.exprs.entries()) {
      scope.position = position;
      const c = this.compileExpr(expr, scope, index);
      if (c) exprs.push(c);
      if (!hoisted.has(expr)) index++;
    }
    // Terms compiled after the body (rule heads, comprehension terms) see all of it.
    scope.position = body.exprs.length;
    return { exprs, locals: scope.locals };
  }

  /** Compiles one expression. */
  private compileExpr(expr: ast.Expr, scope: Scope, index: number): CExpr | undefined {
    const loc = expr.location;
    const withs = expr.with?.length ? compileWiths(this, expr.with, scope) : undefined;
    const base = withs ? { loc, withs, index } : { loc, index };
    switch (expr.type) {
      case 'somedecl':
        return { ...base, e: 'nop' };
      case 'assign':
      case 'unify':
        return {
          ...base,
          e: 'unify',
          left: this.compileTerm(expr.left, scope),
          right: this.compileTerm(expr.right, scope),
          mode: 'evalRight',
          assign: expr.type === 'assign',
        };
      case 'somein': {
        const key = expr.key ? this.compileTerm(expr.key, scope) : undefined;
        const value = this.compileTerm(expr.value, scope);
        const coll = this.compileTerm(expr.collection, scope);
        return key ? { ...base, e: 'somein', key, value, coll } : { ...base, e: 'somein', value, coll };
      }
      case 'every': {
        const coll = this.compileTerm(expr.collection, scope);
        const inner = new Scope(scope);
        if (expr.key) this.declarePattern(expr.key, inner, false);
        this.declarePattern(expr.value, inner, false);
        const key = expr.key ? this.compileTerm(expr.key, inner) : undefined;
        const value = this.compileTerm(expr.value, inner);
        const body = this.compileBody(expr.body, inner);
        return key
          ? { ...base, e: 'every', key, value, coll, body }
          : { ...base, e: 'every', value, coll, body };
      }
      case 'not': {
        const inner = new Scope(scope);
        const innerBody: ast.Body = {
          exprs: [{ ...expr.expr, with: undefined }],
          location: expr.expr.location,
        };
        const body = this.compileBody(innerBody, inner);
        const innerWiths = expr.expr.with?.length ? compileWiths(this, expr.expr.with, inner) : undefined;
        const first = body.exprs[0];
        if (first && innerWiths) first.withs = innerWiths;
        return { ...base, e: 'not', body, text: '' };
      }
      case 'notbody': {
        const inner = new Scope(scope);
        return { ...base, e: 'not', body: this.compileBody(expr.body, inner), text: '' };
      }
      case 'logical': {
        for (const side of expr.operands) if (isPrintOnly(side.body)) this.printOnly(expr.op, side.body);
        const operands = expr.operands.map((o) => this.compileBody(o.body, new Scope(scope)));
        return { ...base, e: 'logic', op: expr.op, operands };
      }
      case 'term':
        return this.compileTermExpr(expr.term, scope, base);
    }
  }

  /** OPA refuses an operand that can never fail: nothing but `print` calls. */
  private printOnly(op: 'and' | 'or', body: ast.Body): void {
    this.error(
      'rego_compile_error',
      `operand of \`${op}\` cannot consist only of calls to \`print\` (hint: \`print\` produces no value and always succeeds, so the operand can never fail; move it out of the operand, or add an expression that can fail)`,
      (body.exprs[0] as ast.Expr).location,
    );
  }

  /** A term used as an expression: calls with one argument too many bind their output to it. */
  private compileTermExpr(
    term: ast.Term,
    scope: Scope,
    base: { loc: Location; index: number; withs?: CWith[] },
  ): CExpr {
    if (term.type === 'call') {
      const name = refName(term.operator);
      if (name === 'eq' && term.args.length === 2) {
        return {
          ...base,
          e: 'unify',
          left: this.compileTerm(term.args[0] as ast.Term, scope),
          right: this.compileTerm(term.args[1] as ast.Term, scope),
          mode: 'evalRight',
          assign: false,
        };
      }
      const arity = this.arityOf(term.operator, scope);
      if (arity !== undefined && term.args.length === arity + 1) {
        const out = term.args[arity] as ast.Term;
        const call: ast.Call = { ...term, args: term.args.slice(0, arity) };
        return {
          ...base,
          e: 'unify',
          left: this.compileTerm(out, scope),
          right: this.compileTerm(call, scope),
          mode: 'evalRight',
          assign: false,
          outArg: true,
        };
      }
    }
    return { ...base, e: 'term', term: this.compileTerm(term, scope) };
  }

  /** The number of declared arguments of the called function, if known. */
  private arityOf(operator: ast.Ref, scope: Scope): number | undefined {
    const target = this.resolveCallPath(operator, scope);
    if (!target) return undefined;
    // A variadic builtin (print) takes every argument as input: none is an output.
    if (target.k === 'builtin')
      return this.builtin(target.name)?.signature.variadic ? undefined : target.arity;
    return this.ctx.functionArity(target.path);
  }

  /** Resolves a call operator to a builtin name or a user function path. */
  resolveCallPath(
    operator: ast.Ref,
    scope: Scope,
  ): { k: 'builtin'; name: string; arity: number } | { k: 'func'; path: string[] } | undefined {
    const parts = refParts(operator);
    if (!parts) return undefined;
    const [head, ...rest] = parts;
    if (head === undefined) return undefined;
    if (head === 'data') return { k: 'func', path: rest };
    if (scope.lookup(head) === undefined) {
      const g = this.ctx.globals.get(head);
      if (g && g.root === 'data') {
        const path = [...g.path, ...rest];
        if (this.ctx.functionArity(path) !== undefined) return { k: 'func', path };
      }
    }
    const name = parts.join('.');
    const def = this.builtin(name);
    if (def) return { k: 'builtin', name, arity: def.signature.args.length };
    if (scope.lookup(head) === undefined) {
      const g = this.ctx.globals.get(head);
      if (g && g.root === 'data') return { k: 'func', path: [...g.path, ...rest] };
    }
    return undefined;
  }

  /** Compiles a term in `scope`. */
  compileTerm(term: ast.Term, scope: Scope): CTerm {
    switch (term.type) {
      case 'null':
      case 'boolean':
      case 'number':
      case 'string': {
        const v = scalarValue(term);
        if (v === undefined) {
          this.error('rego_parse_error', `invalid number ${String(term.value)}`, term.location);
          return { t: 'val', v: null };
        }
        return { t: 'val', v };
      }
      case 'var':
        return this.compileVar(term, [], scope, term.location);
      case 'ref': {
        const [head, ...rest] = term.terms;
        const path = rest.map((t) => this.compileTerm(t, scope));
        if (head?.type === 'var') return this.compileVar(head, path, scope, term.location);
        if (!head) return { t: 'val', v: null };
        return this.makeRef(this.compileTerm(head, scope), path, term.location);
      }
      case 'array': {
        const items = term.items.map((t) => this.compileTerm(t, scope));
        return constantArray(items) ?? { t: 'array', items };
      }
      case 'set':
        return { t: 'set', items: term.items.map((t) => this.compileTerm(t, scope)) };
      case 'object':
        return {
          t: 'object',
          entries: term.entries.map((e) => [
            this.compileTerm(e.key, scope),
            this.compileTerm(e.value, scope),
          ]),
        };
      case 'arraycomprehension':
      case 'setcomprehension': {
        const inner = new Scope(scope, true);
        // OPA's RewriteComprehensionTerms: a term to evaluate is bound at the end of the body, so
        // `[obj[k] | startswith(k, "a")]` is safe (the ref binds k).
        const [source, term1] = this.termIntoBody(term.body, term.term);
        const body = this.compileBody(source, inner);
        const t = this.compileTerm(term1, inner);
        return {
          t: term.type === 'arraycomprehension' ? 'acomp' : 'scomp',
          term: t,
          body,
          loc: term.location,
        };
      }
      case 'objectcomprehension': {
        const inner = new Scope(scope, true);
        const [withKey, key] = this.termIntoBody(term.body, term.key);
        const [source, value] = this.termIntoBody(withKey, term.value);
        const body = this.compileBody(source, inner);
        return {
          t: 'ocomp',
          key: this.compileTerm(key, inner),
          value: this.compileTerm(value, inner),
          body,
          loc: term.location,
        };
      }
      case 'call':
        return this.compileCall(term, scope);
      case 'templatestring': {
        // OPA evaluates each expression part as `{__x | __x = part with ...}` so a part's own `with`
        // modifiers apply to it alone and an undefined part renders as `<undefined>`.
        const withs = term.partWith;
        if (!withs) {
          return {
            t: 'template',
            parts: term.parts.map((p) => (typeof p === 'string' ? p : this.compileTerm(p, scope))),
            loc: term.location,
          };
        }
        const sets: boolean[] = [];
        const parts = term.parts.map((p, i) => {
          const w = withs[i];
          sets.push(w !== undefined);
          if (typeof p === 'string') return p;
          return this.compileTerm(w ? this.partAsSet(p, w) : p, scope);
        });
        return { t: 'template', parts, sets, loc: term.location };
      }
    }
  }

  /** `{__x | __x = part with ...}`: a template part with its own `with` modifiers, as OPA rewrites it. */
  private partAsSet(part: ast.Term, withs: ast.With[]): ast.SetComprehension {
    const v: ast.Var = {
      type: 'var',
      name: `__term${this.hoisted++}__`,
      generated: true,
      location: part.location,
    };
    const expr: ast.Expr = { type: 'unify', left: v, right: part, location: part.location, with: withs };
    return {
      type: 'setcomprehension',
      term: v,
      body: { exprs: [expr], location: part.location },
      location: part.location,
    };
  }

  /** A comprehension body ending with `__term = term` when the term has refs, calls or comprehensions. */
  private termIntoBody(body: ast.Body, term: ast.Term): [ast.Body, ast.Term] {
    if (!requiresEval(term)) return [body, term];
    const v: ast.Var = {
      type: 'var',
      name: `__term${this.hoisted++}__`,
      generated: true,
      location: term.location,
    };
    const bind: ast.Expr = { type: 'unify', left: v, right: term, location: term.location };
    return [{ ...body, exprs: [...body.exprs, bind] }, v];
  }

  /** Builds a ref term, folding a ref with no path into its head. */
  private makeRef(head: CTerm, path: CTerm[], loc: Location): CTerm {
    if (path.length === 0 && head.t !== 'root') return head;
    if (head.t === 'ref') return { t: 'ref', head: head.head, path: [...head.path, ...path], loc };
    return { t: 'ref', head, path, loc };
  }

  /** Resolves a variable (with the ref path that follows it). */
  private compileVar(v: ast.Var, path: CTerm[], scope: Scope, loc: Location): CTerm {
    if (v.name === 'input' || v.name === 'data') {
      return { t: 'ref', head: { t: 'root', which: v.name }, path, loc };
    }
    const slot = scope.lookup(v.name);
    if (slot !== undefined) {
      return this.makeRef({ t: 'var', slot, name: v.name, generated: v.generated === true }, path, loc);
    }
    const g = this.ctx.globals.get(v.name);
    if (g) {
      const prefix: CTerm[] = g.path.map((p) => ({ t: 'val', v: p }));
      return { t: 'ref', head: { t: 'root', which: g.root }, path: [...prefix, ...path], loc };
    }
    const declared = this.declare(scope, v.name, v.generated === true);
    return this.makeRef(
      { t: 'var', slot: declared, name: v.name, generated: v.generated === true },
      path,
      loc,
    );
  }

  /** Compiles a call, resolving its target. */
  private compileCall(call: ast.Call, scope: Scope): CTerm {
    const args = call.args.map((a) => this.compileTerm(a, scope));
    const name = refName(call.operator) ?? '?';
    if (name === 'minus' && args.length === 1) {
      const only = args[0] as CTerm;
      if (only.t === 'val' && only.v instanceof RegoNumber) return { t: 'val', v: negateNumber(only.v) };
      args.unshift({ t: 'val', v: new RegoNumber(0n, 0) });
    }
    const target = this.resolveCallPath(call.operator, scope);
    // OPA replaces these calls with the rule's annotations when it compiles the rule.
    if (target?.k === 'builtin' && args.length === 0 && this.ctx.metadata) {
      if (target.name === 'rego.metadata.chain') return { t: 'val', v: this.ctx.metadata().chain };
      if (target.name === 'rego.metadata.rule') return { t: 'val', v: this.ctx.metadata().rule };
    }
    const infix = call.infix;
    const base = infix ? { infix } : {};
    if (target?.k === 'builtin') {
      const def = this.builtin(target.name);
      if (def) {
        if (def.signature.variadic === undefined) {
          this.checkArity(def.signature.args.length, args, target.name, call.location, signatureText(def));
        }
        return {
          t: 'call',
          name: target.name,
          target: { k: 'builtin', def },
          args,
          loc: call.location,
          ...base,
        };
      }
    }
    if (target?.k === 'func') {
      const arity = this.ctx.functionArity(target.path);
      // `f() := v` is an ordinary rule in OPA (a zero-arity "function"), so `f()` reads its value.
      if (arity === undefined && args.length === 0 && this.ctx.isRule?.(target.path)) {
        const path: CTerm[] = target.path.map((p) => ({ t: 'val', v: p }));
        return { t: 'ref', head: { t: 'root', which: 'data' }, path, loc: call.location };
      }
      if (arity === undefined) {
        this.error('rego_type_error', `undefined function data.${target.path.join('.')}`, call.location);
      } else {
        this.checkArity(
          arity,
          args,
          `data.${target.path.join('.')}`,
          call.location,
          `(${Array(arity).fill('any').join(', ')})`,
        );
      }
      return { t: 'call', name, target: { k: 'func', path: target.path }, args, loc: call.location, ...base };
    }
    this.error('rego_type_error', `undefined function ${name}`, call.location);
    // Evaluating a policy that failed to compile must not let the bad call hold: it is undefined.
    const missing: BuiltinDef = {
      name,
      signature: { args: [], result: { name: 'result', type: 'any' } },
      description: 'undefined function',
      implementation: () => undefined,
    };
    return { t: 'call', name, target: { k: 'builtin', def: missing }, args, loc: call.location };
  }

  /** Reports a call with the wrong number of arguments, worded as OPA's type checker does. */
  private checkArity(want: number, args: CTerm[], name: string, loc: Location, wantText: string): void {
    if (args.length === want) return;
    const which = args.length < want ? 'too few' : 'too many';
    this.error(
      'rego_type_error',
      `${name}: ${which} arguments\n\thave: ${argumentTypesText(args)}\n\twant: ${wantText}`,
      loc,
    );
  }
}

/** A body made only of `print(...)` calls. */
function isPrintOnly(body: ast.Body): boolean {
  return body.exprs.every(
    (e) => e.type === 'term' && e.term.type === 'call' && refName(e.term.operator) === 'print',
  );
}
