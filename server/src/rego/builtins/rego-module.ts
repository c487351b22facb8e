/**
 * rego.parse_module: parses Rego source and returns the module in OPA's JSON AST form — terms as
 * `{type, value}`, the package path as a ref from `data`, rule heads with `name`/`ref`/`value`,
 * expressions as `{index, terms}` with operators as refs (`eq`, `assign`, `plus`). Locations and
 * comments are left out. Parse errors are `eval_builtin_error`s quoting the parser's message.
 */
import type * as ast from '../syntax/ast';
import { parseModule } from '../syntax/parser';
import { SYMBOL_NAMES } from '../syntax/parser-state';
import type { TokenKind } from '../syntax/tokens';
import { fromJson, type JsonValue, type Value } from '../value/value';
import { type BuiltinDef, builtinError, defineBuiltin, param, stringArg } from './registry';

/** A term of OPA's JSON AST. */
function term(type: string, value: JsonValue): JsonValue {
  return { type, value };
}

/** A ref naming a builtin or operator (`eq`, `internal.member_2`). */
function operatorRef(name: string): JsonValue {
  const [head, ...rest] = name.split('.');
  return term('ref', [term('var', head as string), ...rest.map((p) => term('string', p))]);
}

/** A term. */
function termJson(t: ast.Term): JsonValue {
  switch (t.type) {
    case 'null':
      return term('null', null);
    case 'boolean':
      return term('boolean', t.value);
    case 'number': {
      // Integers beyond a double's precision stay exact as bigints.
      const text = String(t.value);
      const exact = /^-?\d+$/.test(text) && !Number.isSafeInteger(Number(text));
      return term('number', exact ? BigInt(text) : Number(text));
    }
    case 'string':
      return term('string', t.value);
    case 'var':
      return term('var', t.name);
    case 'ref':
      return term('ref', t.terms.map(termJson));
    case 'array':
      return term('array', t.items.map(termJson));
    case 'set':
      return term('set', t.items.map(termJson));
    case 'object':
      return term(
        'object',
        t.entries.map((e) => [termJson(e.key), termJson(e.value)]),
      );
    case 'arraycomprehension':
    case 'setcomprehension':
      return term(t.type, { term: termJson(t.term), body: bodyJson(t.body) });
    case 'objectcomprehension':
      return term(t.type, { key: termJson(t.key), value: termJson(t.value), body: bodyJson(t.body) });
    case 'call': {
      const operator = t.infix
        ? operatorRef(SYMBOL_NAMES[t.infix as TokenKind] ?? t.infix)
        : termJson(t.operator);
      return term('call', [operator, ...t.args.map(termJson)]);
    }
    case 'templatestring':
      return term(
        'templatestring',
        t.parts.map((p) => (typeof p === 'string' ? term('string', p) : termJson(p))),
      );
  }
}

/** The `terms` of an expression: one term, or an operator call's terms. */
function exprTerms(e: ast.Expr): JsonValue {
  switch (e.type) {
    case 'term':
      return e.term.type === 'call' ? (termJson(e.term) as { value: JsonValue }).value : termJson(e.term);
    case 'assign':
      return [operatorRef('assign'), termJson(e.left), termJson(e.right)];
    case 'unify':
      return [operatorRef('eq'), termJson(e.left), termJson(e.right)];
    case 'somedecl':
      return { symbols: e.vars.map(termJson) };
    case 'somein': {
      const member = e.key ? 'internal.member_3' : 'internal.member_2';
      const args = [...(e.key ? [termJson(e.key)] : []), termJson(e.value), termJson(e.collection)];
      return { symbols: [term('call', [operatorRef(member), ...args])] };
    }
    case 'every':
      return {
        ...(e.key ? { key: termJson(e.key) } : {}),
        value: termJson(e.value),
        domain: termJson(e.collection),
        body: bodyJson(e.body),
      };
    case 'not':
      return exprTerms(e.expr);
    case 'notbody':
      return { body: bodyJson(e.body) };
    case 'logical':
      return logicalJson(e.op, e.operands);
  }
}

/** An expression: `{index, terms}`, with `negated` and `with` when present. */
function exprJson(e: ast.Expr, index: number): JsonValue {
  const out: Record<string, JsonValue> = { index, terms: exprTerms(e) };
  if (e.type === 'not') out.negated = true;
  if (e.with && e.with.length > 0)
    out.with = e.with.map((w) => ({ target: termJson(w.target), value: termJson(w.value) }));
  return out;
}

/** A body: its expressions. */
function bodyJson(b: ast.Body): JsonValue {
  return b.exprs.map(exprJson);
}

/** A rule (or `else` branch) with OPA's head fields. */
function ruleJson(r: ast.Rule): JsonValue {
  const head: Record<string, JsonValue> = {};
  const first = r.head.ref.terms[0];
  if (first?.type === 'var') head.name = first.name;
  head.ref = r.head.ref.terms.map(termJson);
  if (r.head.args) head.args = r.head.args.map(termJson);
  if (r.head.key) head.key = termJson(r.head.key);
  head.value = r.head.value ? termJson(r.head.value) : term('boolean', true);
  if (r.head.assign === ':=') head.assign = true;
  const out: Record<string, JsonValue> = { head, body: bodyJson(r.body) };
  if (r.isDefault) out.default = true;
  let branch = r.else;
  let tail = out;
  while (branch) {
    const next: Record<string, JsonValue> = {
      head: { ...head, value: branch.value ? termJson(branch.value) : term('boolean', true) },
      body: bodyJson(branch.body),
    };
    tail.else = next;
    tail = next;
    branch = branch.else;
  }
  return out;
}

/** A module in OPA's JSON form. */
function moduleJson(m: ast.Module): Value {
  const out: Record<string, JsonValue> = {
    package: { path: [term('var', 'data'), ...m.package.path.map((p) => term('string', p))] },
  };
  if (m.imports.length > 0) {
    out.imports = m.imports.map((i) => ({ path: termJson(i.path), ...(i.alias ? { alias: i.alias } : {}) }));
  }
  if (m.rules.length > 0) out.rules = m.rules.map(ruleJson);
  return fromJson(out);
}

/** The rego.* parsing builtins. */
export const regoModuleBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'rego.parse_module',
    signature: {
      args: [param('filename', 'string'), param('rego', 'string')],
      result: param('output', 'object[string: any]'),
    },
    description: 'Parses the input Rego string and returns an object representation of the AST.',
    implementation: (args) => {
      const file = stringArg(args, 0);
      const { module, errors } = parseModule(stringArg(args, 1), file);
      const first = errors[0];
      if (first) {
        const line = first.location ? `${first.location.file}:${first.location.start.line}: ` : '';
        builtinError(`${errors.length} error occurred: ${line}${first.code}: ${first.message}`);
      }
      if (!module) return builtinError(`${file}: no module`);
      return moduleJson(module);
    },
  }),
];

/** `and` / `or` as OPA nests them, to the left: `{or: {lhs, rhs}}` with bodies as operands. */
function logicalJson(op: 'and' | 'or', operands: ast.LogicalOperand[]): JsonValue {
  const [first, ...rest] = operands;
  let lhs: JsonValue = bodyJson((first as ast.LogicalOperand).body);
  for (const [i, o] of rest.entries()) {
    const node = { [op]: { lhs, rhs: bodyJson(o.body) } };
    lhs = i === rest.length - 1 ? node : [{ index: 0, terms: node }];
  }
  return lhs;
}
