/**
 * Scopes of the body compiler and the names each body declares before its expressions are
 * compiled (`:=`, `some`, `some ... in`, free variables), scoped as OPA's RewriteLocalVars scopes
 * them: a comprehension sees only what is declared before it in the enclosing body.
 */
import type { ClearanceError, Location } from '../../errors';
import type { BuiltinDef } from '../builtins/registry';
import type * as ast from '../syntax/ast';
import type { Value } from '../value/value';
import { refName } from './compile-terms';

/** What a bare name means outside local scope: a path under `data` or `input`. */
export interface GlobalName {
  root: 'data' | 'input';
  path: string[];
}

/** What the body compiler needs to know about the policy. */
export interface CompileContext {
  /** Bare names visible in the module: package rules and imports. */
  globals: Map<string, GlobalName>;
  /** Arity of the user function at an absolute data path, or undefined if there is none. */
  functionArity: (path: string[]) => number | undefined;
  /**
   * The builtins this policy may call, when not the engine's own catalogue (OPA's capabilities:
   * declared-only builtins, or a restricted list).
   */
  builtins?: (name: string) => BuiltinDef | undefined;
  /** True when a (non-function) rule is defined at this absolute data path: `f()` then reads it. */
  isRule?: (path: string[]) => boolean;
  errors: ClearanceError[];
  /**
   * The module imports `future.keywords.not`: `not <expr>` then negates the expression as a body,
   * with its terms evaluated inside the negation, instead of OPA's classic rewrite.
   */
  notBody?: boolean;
  /** The clause's `rego.metadata.chain()` and `rego.metadata.rule()` values (inside rules only). */
  metadata?: () => { chain: Value; rule: Value };
}

/** A lexical scope: names declared in it, and where to look next. */
export class Scope {
  readonly names = new Map<string, number>();
  readonly locals: number[] = [];
  /** Where each name declared with `:=`, `some` or `some ... in` was declared (expression position). */
  readonly declaredAt = new Map<string, number>();
  /** Names declared by `some x` that nothing at this level uses outside closures. */
  readonly closureLocal = new Set<string>();
  /** The position of the expression being compiled in this scope's body. */
  position = 0;
  /** The parent's expression position when this scope was made. */
  private readonly at: number;

  /** `closure`: a comprehension's scope, which sees only what OPA's RewriteLocalVars lets it see. */
  constructor(
    readonly parent?: Scope,
    private readonly closure = false,
  ) {
    this.at = parent?.position ?? 0;
  }

  /**
   * Finds a name in this scope or an enclosing one. Seen from inside a comprehension (`at` set),
   * a name declared later in an enclosing body, or declared by a `some` that only closures use,
   * is not the enclosing one: OPA's RewriteLocalVars scopes the comprehension's own variable.
   */
  lookup(name: string, at?: number): number | undefined {
    const slot = this.names.get(name);
    if (slot !== undefined && (at === undefined || this.visibleAt(name, at))) return slot;
    return this.parent?.lookup(name, this.closure || at !== undefined ? this.at : undefined);
  }

  private visibleAt(name: string, at: number): boolean {
    if (this.closureLocal.has(name)) return false;
    const declared = this.declaredAt.get(name);
    return declared === undefined || declared < at;
  }
}

/** What the name analysis needs from the body compiler. */
export interface NameDeclarer {
  readonly ctx: CompileContext;
  /** Declares `name` in `scope` and returns its new slot. */
  declare(scope: Scope, name: string, generated: boolean): number;
  /** Reports a compile error. */
  error(code: string, message: string, location: Location): void;
  /** The builtin called `name` that this policy may call. */
  builtin(name: string): BuiltinDef | undefined;
}

/** Declares the variables a pattern term introduces (for `:=`, `some ... in`, function args). */
export function declarePattern(c: NameDeclarer, term: ast.Term, scope: Scope, checkRedeclare: boolean): void {
  switch (term.type) {
    case 'var':
      if (checkRedeclare && scope.names.has(term.name) && !term.generated) {
        c.error('rego_compile_error', `var ${term.name} assigned above`, term.location);
        return;
      }
      if (!scope.names.has(term.name)) c.declare(scope, term.name, term.generated === true);
      return;
    case 'array':
      for (const t of term.items) declarePattern(c, t, scope, checkRedeclare);
      return;
    case 'object':
      for (const e of term.entries) declarePattern(c, e.value, scope, checkRedeclare);
      return;
    default:
      return;
  }
}

/** Declares every free name used at this level of `body` (not inside closures). */
export function predeclare(c: NameDeclarer, body: ast.Body, scope: Scope): void {
  const someOnly = new Set<string>();
  const usedHere = new Set<string>();
  const before = new Set(scope.names.keys());
  body.exprs.forEach((expr, position) => {
    const mark = () => {
      for (const name of scope.names.keys()) {
        if (!before.has(name) && !scope.declaredAt.has(name)) scope.declaredAt.set(name, position);
        before.add(name);
      }
    };
    switch (expr.type) {
      case 'somedecl':
        for (const v of expr.vars) {
          if (!scope.names.has(v.name)) c.declare(scope, v.name, v.generated === true);
          someOnly.add(v.name);
        }
        mark();
        break;
      case 'assign':
        declarePattern(c, expr.left, scope, true);
        mark();
        useNames(c, expr.right, scope, usedHere);
        break;
      case 'somein':
        if (expr.key) declarePattern(c, expr.key, scope, false);
        declarePattern(c, expr.value, scope, false);
        mark();
        for (const t of expr.key ? [expr.key, expr.value] : [expr.value]) useNames(c, t, scope, usedHere);
        useNames(c, expr.collection, scope, usedHere);
        break;
      case 'every':
        useNames(c, expr.collection, scope, usedHere);
        break;
      case 'term':
        useNames(c, expr.term, scope, usedHere);
        break;
      case 'unify':
        useNames(c, expr.left, scope, usedHere);
        useNames(c, expr.right, scope, usedHere);
        break;
      case 'not':
        namesIn(expr.expr, usedHere);
        break;
      default:
        break;
    }
    for (const w of expr.with ?? [])
      if (!namesFunction(c, w.value, scope)) useNames(c, w.value, scope, usedHere);
    for (const name of scope.names.keys()) before.add(name);
  });
  for (const name of someOnly) if (!usedHere.has(name)) scope.closureLocal.add(name);
}

/** Records the bare names a negated expression uses outside closures (they are not closure-local). */
function namesIn(expr: ast.Expr, out: Set<string>): void {
  const visit = (t: ast.Term): void => {
    switch (t.type) {
      case 'var':
        out.add(t.name);
        return;
      case 'ref':
        for (const x of t.terms) visit(x);
        return;
      case 'array':
      case 'set':
        for (const x of t.items) visit(x);
        return;
      case 'object':
        for (const e of t.entries) {
          visit(e.key);
          visit(e.value);
        }
        return;
      case 'call':
        for (const x of t.args) visit(x);
        return;
      default:
        return;
    }
  };
  if (expr.type === 'term') visit(expr.term);
  else if (expr.type === 'unify' || expr.type === 'assign') {
    visit(expr.left);
    visit(expr.right);
  }
}

/** True when a `with` value names a function (a builtin or a rule), not a local variable. */
export function namesFunction(c: NameDeclarer, t: ast.Term, scope: Scope): boolean {
  const ref: ast.Ref | undefined =
    t.type === 'ref' ? t : t.type === 'var' ? { type: 'ref', terms: [t], location: t.location } : undefined;
  if (!ref) return false;
  const head = ref.terms[0];
  if (head?.type !== 'var' || scope.lookup(head.name) !== undefined) return false;
  const name = refName(ref);
  return (
    (name !== undefined && c.builtin(name) !== undefined) ||
    c.ctx.globals.has(head.name) ||
    head.name === 'data'
  );
}

/** Declares names used in a term that resolve to nothing else (free variables of this scope). */
function useNames(c: NameDeclarer, term: ast.Term, scope: Scope, seen?: Set<string>): void {
  switch (term.type) {
    case 'var':
      seen?.add(term.name);
      if (term.name === 'input' || term.name === 'data') return;
      if (scope.lookup(term.name) !== undefined) return;
      if (c.ctx.globals.has(term.name)) return;
      c.declare(scope, term.name, term.generated === true);
      return;
    case 'ref': {
      const [head, ...rest] = term.terms;
      if (head && head.type !== 'var') useNames(c, head, scope, seen);
      else if (head?.type === 'var') useNames(c, head, scope, seen);
      for (const t of rest) useNames(c, t, scope, seen);
      return;
    }
    case 'array':
    case 'set':
      for (const t of term.items) useNames(c, t, scope, seen);
      return;
    case 'object':
      for (const e of term.entries) {
        useNames(c, e.key, scope, seen);
        useNames(c, e.value, scope, seen);
      }
      return;
    case 'call':
      for (const t of term.args) useNames(c, t, scope, seen);
      return;
    case 'templatestring':
      for (const p of term.parts) if (typeof p !== 'string') useNames(c, p, scope, seen);
      return;
    default:
      return;
  }
}
