/**
 * Type errors `opa check --schema` infers from the input's JSON Schema, in the subset where our
 * answer is certain to be OPA's: an expression `a = b` or `a == b` (OPA's `RewriteEquals` stage
 * turns an `==` expression into unification before type checking) whose one side is an `input`
 * ref the schema pins to one scalar type and whose other side is a scalar literal or another such
 * ref of a different scalar type. OPA reports it as `match error` with the `left  :` and
 * `right :` types (v1/ast/check.go `checkExprEq`, errors.go `UnificationErrDetail`).
 *
 * Anything less certain is left alone: schema nodes with `anyOf`/`allOf`/`oneOf`, union or
 * missing `type`s, tuple `items`, refs through variables or rules, expressions with `with`,
 * `every` and `and`/`or` bodies, and functions that name a parameter `input`.
 */
import type { ClearanceError } from '../../errors';
import type * as ast from '../syntax/ast';
import { isSchema, resolve, type Schema } from './schema-json';

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

/** Appends OPA's `match error` for `e` when both sides have certain, different scalar types. */
function checkExpr(e: ast.Expr, root: Schema, errors: ClearanceError[]): void {
  if (e.with && e.with.length > 0) return;
  if (e.type === 'not') checkExpr(e.expr, root, errors);
  else if (e.type === 'notbody') checkBody(e.body, root, errors);
  visitComprehensions(e, root, errors);
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
function visitComprehensions(node: unknown, root: Schema, errors: ClearanceError[]): void {
  if (Array.isArray(node)) {
    for (const x of node) visitComprehensions(x, root, errors);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  const kind = n.type;
  if (kind === 'arraycomprehension' || kind === 'setcomprehension' || kind === 'objectcomprehension') {
    checkBody(n.body as ast.Body, root, errors);
  }
  for (const [k, v] of Object.entries(n)) {
    // Nested bodies of `not`, `every`, `and`/`or` are handled (or deliberately skipped) by checkExpr.
    if (k === 'location' || k === 'body' || k === 'expr' || k === 'operands' || k === 'with') continue;
    visitComprehensions(v, root, errors);
  }
}

/** Checks every expression of a body. */
function checkBody(body: ast.Body, root: Schema, errors: ClearanceError[]): void {
  for (const e of body.exprs) checkExpr(e, root, errors);
}

/** Appends the `match error`s of one rule clause (with its `else` branches) checked against `root`. */
export function checkMatchTypes(rule: ast.Rule, root: Schema, errors: ClearanceError[]): void {
  const shadowsInput = (rule.head.args ?? []).some((a) => JSON.stringify(a).includes('"name":"input"'));
  if (shadowsInput) return;
  checkBody(rule.body, root, errors);
  for (let e = rule.else; e; e = e.else) checkBody(e.body, root, errors);
}
