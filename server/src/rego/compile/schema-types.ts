/**
 * Type errors `opa check --schema` infers from the input's JSON Schema, in the subset where our
 * answer is certain to be OPA's: an expression `a = b` or `a == b` (OPA's `RewriteEquals` stage
 * turns an `==` expression into unification before type checking) whose one side is an `input`
 * ref the schema pins to one scalar type and whose other side is a scalar literal or another such
 * ref of a different scalar type. OPA reports it as `match error` with the `left  :` and
 * `right :` types (v1/ast/check.go `checkExprEq`, errors.go `UnificationErrDetail`).
 *
 * A builtin called as an expression of its own (`startswith(input.user.age, "a")`, no output
 * argument) whose signature is all scalar types, with every argument a scalar literal or such a
 * ref, and a ref of a type the parameter does not take, is OPA's `NAME: invalid argument(s)` with
 * the `have:` and `want:` lines (check.go `checkExprBuiltin`); a mismatched literal is left to the
 * compiler's own type-check stage, which reports it.
 *
 * Anything less certain is left alone: calls nested in other terms or with an output argument,
 * builtins whose name a rule or import of the policy also uses, schema nodes with `anyOf` /
 * `allOf` / `oneOf`, union or missing `type`s, tuple `items`, refs through variables or rules,
 * expressions with `with`, `every` and `and`/`or` bodies, and functions with a parameter `input`.
 */
import type { ClearanceError } from '../../errors';
import { lookupBuiltin } from '../builtins/index';
import type * as ast from '../syntax/ast';
import { isSchema, resolve, type Schema } from './schema-json';
import { signatureText } from './typecheck';

/** OPA's scalar type names, as `types.Sprint` prints them. */
type ScalarType = 'null' | 'boolean' | 'number' | 'string';

/** Schema keywords whose types OPA derives as unions or merges: we do not guess those. */
const composition = ['anyOf', 'allOf', 'oneOf', 'not', 'if'];

/** True when `node` uses a keyword whose derived type is not a plain one. */
function composed(node: Schema): boolean {
  return composition.some((k) => node[k] !== undefined);
}

/** The scalar type the schema gives an `input` ref (`input.user.age`, `input.items[_].id`), if certain. */
export function inputScalarType(term: ast.Term, root: Schema): ScalarType | undefined {
  if (term.type !== 'ref') return undefined;
  const head = term.terms[0];
  if (head?.type !== 'var' || head.name !== 'input') return undefined;
  let node = resolve(root, root);
  for (let i = 1; i < term.terms.length; i++) {
    if (!node || composed(node)) return undefined;
    const key = term.terms[i] as ast.Term;
    if (node.type === 'array' && isSchema(node.items) && (key.type === 'var' || key.type === 'number')) {
      node = resolve(node.items, root);
    } else if (node.type === 'object' && isSchema(node.properties) && key.type === 'string') {
      const name = String(key.value);
      node = Object.hasOwn(node.properties, name) ? resolve(node.properties[name], root) : undefined;
    } else {
      return undefined;
    }
  }
  if (!node || composed(node)) return undefined;
  switch (node.type) {
    case 'integer':
    case 'number':
      return 'number';
    case 'string':
    case 'boolean':
    case 'null':
      return node.type;
    default:
      return undefined;
  }
}

/** The scalar type of a literal or schema-typed `input` ref, if certain. */
function typeOf(term: ast.Term, root: Schema): ScalarType | undefined {
  switch (term.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return term.type;
    default:
      return inputScalarType(term, root);
  }
}

/** The two sides an expression unifies: `a = b`, or `a == b` as OPA rewrites it. */
function unifiedSides(e: ast.Expr): [ast.Term, ast.Term] | undefined {
  if (e.type === 'unify') return [e.left, e.right];
  if (e.type !== 'term' || e.term.type !== 'call' || e.term.args.length !== 2) return undefined;
  const op = e.term.operator.terms;
  const name = op.length === 1 && op[0]?.type === 'var' ? op[0].name : undefined;
  return name === 'equal' ? [e.term.args[0] as ast.Term, e.term.args[1] as ast.Term] : undefined;
}

/** What the checks of one rule read: the input schema and the names the policy defines itself. */
interface Scope {
  root: Schema;
  /** First segments of the policy's rule names and import aliases: a call to one may not be a builtin's. */
  local: ReadonlySet<string>;
}

/** Scalar type names a declared parameter type may be, for signatures checked here. */
const scalarNames: readonly string[] = ['null', 'boolean', 'number', 'string'];

/** Appends OPA's `invalid argument(s)` for a builtin call expression with a certain mismatch. */
function checkCall(e: ast.Expr, scope: Scope, errors: ClearanceError[]): void {
  if (e.type !== 'term' || e.term.type !== 'call') return;
  const call = e.term;
  const op = call.operator.terms;
  const head = op[0];
  if (head?.type !== 'var' || scope.local.has(head.name)) return;
  if (!op.slice(1).every((t) => t.type === 'string')) return;
  const name = [head.name, ...op.slice(1).map((t) => String((t as ast.Scalar).value))].join('.');
  const def = lookupBuiltin(name);
  if (!def || def.relation || def.infix !== undefined || def.signature.variadic) return;
  const params = def.signature.args;
  if (call.args.length !== params.length) return;
  if (![...params, def.signature.result].every((p) => scalarNames.includes(p.type))) return;
  const have = call.args.map((a) => typeOf(a, scope.root));
  let schemaMismatch = false;
  for (let i = 0; i < params.length; i++) {
    const t = have[i];
    if (t === undefined) return;
    if (t === (params[i] as { type: string }).type) continue;
    // A literal of the wrong type is the type-check stage's to report, worded from literals alone.
    if (inputScalarType(call.args[i] as ast.Term, scope.root) === undefined) return;
    schemaMismatch = true;
  }
  if (!schemaMismatch) return;
  errors.push({
    code: 'rego_type_error',
    message: `${def.name}: invalid argument(s)\n\thave: (${have.join(', ')})\n\twant: ${signatureText(def)}`,
    location: e.location,
  });
}

/** Appends OPA's type errors for `e`: a `match error` or a builtin's `invalid argument(s)`. */
function checkExpr(e: ast.Expr, scope: Scope, errors: ClearanceError[]): void {
  if (e.with && e.with.length > 0) return;
  const root = scope.root;
  if (e.type === 'not') checkExpr(e.expr, scope, errors);
  else if (e.type === 'notbody') checkBody(e.body, scope, errors);
  visitComprehensions(e, scope, errors);
  checkCall(e, scope, errors);
  const sides = unifiedSides(e);
  if (!sides) return;
  const left = typeOf(sides[0], root);
  const right = typeOf(sides[1], root);
  if (left === undefined || right === undefined || left === right) return;
  if (inputScalarType(sides[0], root) === undefined && inputScalarType(sides[1], root) === undefined) return;
  errors.push({
    code: 'rego_type_error',
    message: `match error\n\tleft  : ${left}\n\tright : ${right}`,
    location: e.location,
  });
}

/** Checks the bodies of the comprehensions in an expression's own terms (not nested bodies). */
function visitComprehensions(node: unknown, scope: Scope, errors: ClearanceError[]): void {
  if (Array.isArray(node)) {
    for (const x of node) visitComprehensions(x, scope, errors);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  const kind = n.type;
  if (kind === 'arraycomprehension' || kind === 'setcomprehension' || kind === 'objectcomprehension') {
    checkBody(n.body as ast.Body, scope, errors);
  }
  for (const [k, v] of Object.entries(n)) {
    // Nested bodies of `not`, `every`, `and`/`or` are handled (or deliberately skipped) by checkExpr.
    if (k === 'location' || k === 'body' || k === 'expr' || k === 'operands' || k === 'with') continue;
    visitComprehensions(v, scope, errors);
  }
}

/** Checks every expression of a body. */
function checkBody(body: ast.Body, scope: Scope, errors: ClearanceError[]): void {
  for (const e of body.exprs) checkExpr(e, scope, errors);
}

/**
 * Appends the schema type errors of one rule clause (with its `else` branches) checked against
 * `root`; `local` holds the first segments of the policy's rule names and import aliases.
 */
export function checkSchemaTypes(
  rule: ast.Rule,
  root: Schema,
  local: ReadonlySet<string>,
  errors: ClearanceError[],
): void {
  const shadowsInput = (rule.head.args ?? []).some((a) => JSON.stringify(a).includes('"name":"input"'));
  if (shadowsInput) return;
  const scope = { root, local };
  checkBody(rule.body, scope, errors);
  for (let e = rule.else; e; e = e.else) checkBody(e.body, scope, errors);
}
