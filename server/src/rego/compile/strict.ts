/**
 * OPA's strict-mode checks (`opa check --strict`), run on parsed modules before compilation:
 * duplicate imports, `input`/`data` used as rule or variable names, deprecated builtins, unused
 * imports, unused local assignments and unused function arguments. OPA 1.0 enforces the first
 * three on every Rego v1 module, strict or not; and it always rejects a `some x` that nothing uses.
 * Messages and codes are OPA's (ast/compile.go and its strictness tests).
 */
import type { ClearanceError, Location } from '../../errors';
import { exprsIn, termsIn } from '../../lint/walk';
import type * as ast from '../syntax/ast';
import { formatRef } from './term-facts';

/** The builtins OPA's capabilities mark `deprecated` (v1.20.2); a same-named user function is no call to them. */
export const DEPRECATED_BUILTINS: ReadonlySet<string> = new Set([
  'all',
  'any',
  'cast_array',
  'cast_boolean',
  'cast_null',
  'cast_object',
  'cast_set',
  'cast_string',
  'net.cidr_overlap',
  're_match',
  'set_diff',
]);

/** Every strict-mode error of `modules` (only OPA 1.0's defaults unless `strict`). */
export function checkStrictness(modules: ast.Module[], strict: boolean): ClearanceError[] {
  const errors: ClearanceError[] = [];
  const err = (code: string, message: string, location: Location) => errors.push({ code, message, location });
  for (const m of modules) {
    for (const rule of m.rules) checkDeclaredVarsUsed(rule, err);
    if (!strict && m.regoVersion !== 1) continue;
    checkDuplicateImports(m, err);
    checkRootOverrides(m, err);
    checkDeprecatedCalls(m, err);
    if (!strict) continue;
    checkUnusedImports(m, err);
    for (const rule of m.rules) {
      checkUnusedAssignments(rule, err);
      checkUnusedArgs(rule, err);
    }
  }
  return errors;
}

type Report = (code: string, message: string, location: Location) => void;

/** The name an import binds (`import data.a.b` binds `b`), or undefined for `future.*` / `rego.*`. */
function importName(imp: ast.Import): string | undefined {
  const [head, ...rest] = imp.path.terms;
  if (head?.type !== 'var' || (head.name !== 'input' && head.name !== 'data')) return undefined;
  if (imp.alias) return imp.alias;
  const last = rest[rest.length - 1];
  if (!last) return head.name;
  return last.type === 'string' ? String(last.value) : undefined;
}

/** `import must not shadow import input.foo` on each later import binding the same name. */
function checkDuplicateImports(m: ast.Module, err: Report): void {
  const first = new Map<string, ast.Import>();
  for (const imp of m.imports) {
    const name = importName(imp);
    if (name === undefined) continue;
    const earlier = first.get(name);
    if (earlier)
      err('rego_compile_error', `import must not shadow import ${formatRef(earlier.path)}`, imp.location);
    else first.set(name, imp);
  }
}

/** Rules and `:=` variables named `input` or `data`. */
function checkRootOverrides(m: ast.Module, err: Report): void {
  for (const rule of m.rules) {
    const head = rule.head.ref.terms[0];
    if (
      head?.type === 'var' &&
      (head.name === 'input' || head.name === 'data') &&
      rule.head.ref.terms.length === 1
    )
      err(
        'rego_compile_error',
        `rules must not shadow ${head.name} (use a different rule name)`,
        rule.location,
      );
    for (const expr of exprsIn(rule)) {
      if (expr.type !== 'assign') continue;
      // `input := 1` parses as an assignment to the one-term ref `input`.
      const left = expr.left.type === 'ref' && expr.left.terms.length === 1 ? expr.left.terms[0] : expr.left;
      for (const v of left ? patternVars(left) : []) {
        if (v.name === 'input' || v.name === 'data')
          err(
            'rego_compile_error',
            `variables must not shadow ${v.name} (use a different variable name)`,
            expr.location,
          );
      }
    }
  }
}

/** Calls to deprecated builtins (`rego_type_error`), unless the package defines a function of that name. */
function checkDeprecatedCalls(m: ast.Module, err: Report): void {
  const own = new Set(m.rules.filter((r) => r.head.args).map((r) => formatRef(r.head.ref)));
  for (const rule of m.rules) {
    visitTerms(rule, (t) => {
      if (t.type !== 'call') return;
      const name = formatRef(t.operator);
      if (DEPRECATED_BUILTINS.has(name) && !own.has(name))
        err('rego_type_error', `deprecated built-in function calls in expression: ${name}`, t.location);
    });
  }
}

/** `import data.x unused`: no rule names it (as itself, not shadowed by a local of the same name). */
function checkUnusedImports(m: ast.Module, err: Report): void {
  for (const imp of m.imports) {
    const name = importName(imp);
    if (name === undefined || imp.path.terms.length === 1) continue;
    const used = m.rules.some((rule) => {
      if (localNames(rule).has(name)) return false;
      let seen = false;
      visitTerms(rule, (t) => {
        if (t.type === 'var' && t.name === name) seen = true;
      });
      return seen;
    });
    if (!used) {
      const text = imp.alias ? `${formatRef(imp.path)} as ${imp.alias}` : formatRef(imp.path);
      err('rego_compile_error', `import ${text} unused`, imp.location);
    }
  }
}

/** `assigned var x unused`: a `:=` variable that occurs nowhere else in its body, nested bodies or the head. */
function checkUnusedAssignments(rule: ast.Rule, err: Report): void {
  const headCounts = new Map<string, number>();
  for (const t of headTerms(rule)) countVars(t, headCounts);
  const visitBody = (body: ast.Body, outer: Map<string, number>) => {
    const counts = new Map(outer);
    countVars(body, counts);
    for (const expr of body.exprs) {
      if (expr.type !== 'assign') continue;
      for (const v of patternVars(expr.left)) {
        if (v.generated || v.name.startsWith('_')) continue;
        if ((counts.get(v.name) ?? 0) <= 1)
          err('rego_compile_error', `assigned var ${v.name} unused`, v.location);
      }
    }
    forEachNestedBody(body, visitBody);
  };
  visitBody(rule.body, headCounts);
  for (let e = rule.else; e; e = e.else) {
    const counts = new Map<string, number>();
    if (e.value) countVars(e.value, counts);
    visitBody(e.body, counts);
  }
}

/** `unused argument x. (hint: use _ (wildcard variable) instead)` for a function argument nothing uses. */
function checkUnusedArgs(rule: ast.Rule, err: Report): void {
  if (!rule.head.args) return;
  const used = new Map<string, number>();
  countVars(rule.body, used);
  if (rule.head.value) countVars(rule.head.value, used);
  for (let e = rule.else; e; e = e.else) {
    countVars(e.body, used);
    if (e.value) countVars(e.value, used);
  }
  // An argument var written twice in the arguments is used: OPA's rewriteLocalArgVars counts its
  // second occurrence (`f([x], x)` unifies the two), and reports each unused var once.
  const inArgs = new Map<string, number>();
  for (const arg of rule.head.args)
    for (const v of patternVars(arg)) inArgs.set(v.name, (inArgs.get(v.name) ?? 0) + 1);
  const reported = new Set<string>();
  for (const arg of rule.head.args) {
    for (const v of patternVars(arg)) {
      if (v.generated || used.has(v.name) || (inArgs.get(v.name) ?? 0) > 1 || reported.has(v.name)) continue;
      reported.add(v.name);
      err(
        'rego_compile_error',
        `unused argument ${v.name}. (hint: use _ (wildcard variable) instead)`,
        rule.location,
      );
    }
  }
}

/** `declared var x unused`: a `some x` whose variable occurs nowhere else in the body (OPA checks it always). */
function checkDeclaredVarsUsed(rule: ast.Rule, err: Report): void {
  const visitBody = (body: ast.Body, outer: Map<string, number>) => {
    const counts = new Map(outer);
    countVars(body, counts);
    for (const expr of body.exprs) {
      if (expr.type !== 'somedecl') continue;
      for (const v of expr.vars) {
        if (!v.generated && (counts.get(v.name) ?? 0) <= 1)
          err('rego_compile_error', `declared var ${v.name} unused`, expr.location);
      }
    }
    forEachNestedBody(body, visitBody);
  };
  const head = new Map<string, number>();
  for (const t of headTerms(rule)) countVars(t, head);
  visitBody(rule.body, head);
  for (let e = rule.else; e; e = e.else) visitBody(e.body, new Map());
}

/** The head terms that may use body variables: ref keys, key, value, arguments. */
function headTerms(rule: ast.Rule): ast.Term[] {
  const out: ast.Term[] = [...rule.head.ref.terms.slice(1), ...(rule.head.args ?? [])];
  if (rule.head.key) out.push(rule.head.key);
  if (rule.head.value) out.push(rule.head.value);
  return out;
}

/** Names a rule declares locally: arguments, `:=`, `some`, `some ... in`, `every` variables. */
function localNames(rule: ast.Rule): Set<string> {
  const out = new Set<string>();
  for (const a of rule.head.args ?? []) for (const v of patternVars(a)) out.add(v.name);
  for (const expr of exprsIn(rule)) {
    if (expr.type === 'assign') for (const v of patternVars(expr.left)) out.add(v.name);
    else if (expr.type === 'somedecl') for (const v of expr.vars) out.add(v.name);
    else if (expr.type === 'somein' || expr.type === 'every') {
      for (const t of expr.key ? [expr.key, expr.value] : [expr.value])
        for (const v of patternVars(t)) out.add(v.name);
    }
  }
  return out;
}

/** The variables a pattern (`x`, `[a, b]`, `{"k": v}`) binds. */
function patternVars(t: ast.Term): ast.Var[] {
  switch (t.type) {
    case 'var':
      return [t];
    case 'array':
      return t.items.flatMap(patternVars);
    case 'object':
      return t.entries.flatMap((e) => patternVars(e.value));
    default:
      return [];
  }
}

/** Calls `visit` on every term below `node`. */
function visitTerms(node: unknown, visit: (t: ast.Term) => void): void {
  for (const t of termsIn(node)) visit(t);
}

/** Counts each variable occurrence below `node`, into `counts`. */
function countVars(node: unknown, counts: Map<string, number>): void {
  visitTerms(node, (t) => {
    if (t.type === 'var') counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  });
}

/**
 * The bodies directly nested in `body`'s expressions (comprehensions, `every`, `not { }`), each
 * with the variable counts of the terms around it (a comprehension's term uses its body's variables).
 */
function forEachNestedBody(body: ast.Body, visit: (b: ast.Body, around: Map<string, number>) => void): void {
  const find = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const x of node) find(x);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    const inner = n.body as ast.Body | undefined;
    if (inner && Array.isArray(inner.exprs)) {
      const around = new Map<string, number>();
      for (const k of ['term', 'key', 'value']) if (n.type !== 'every' && n[k]) countVars(n[k], around);
      visit(inner, around);
      if (n.type === 'every') find(n.collection);
      return;
    }
    for (const [k, v] of Object.entries(n)) {
      if (k === 'location' || k === 'annotations' || k === 'comments') continue;
      find(v);
    }
  };
  find(body.exprs);
}
