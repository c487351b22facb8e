/**
 * The evaluator reads scalars at constant paths straight from the JSON input before converting it
 * (server/src/rego/eval/eval-input.ts). These tests guard that such reads answer as JSON semantics and
 * OPA say (expected values written from the Rego spec), and exactly as the converted input does
 * (every query also evaluated on the input given as Rego values, which takes no shortcut).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evalueToJson } from '../../../server/src/rego/engine';
import {
  compilePolicy,
  evaluateQuery,
  evaluateQueryValues,
  fromJson,
  type JsonValue,
  prepareQuery,
  stringifyJson,
} from '../../../server/src/rego/index';

const policy = `package t

role := input.user.role
deep := input.a.b.c
proto := input.toString
ctor := input.user.constructor
under_string := input.s.length
first_role := input.user.roles[0]
whole_user := input.user
count_roles := count(input.user.roles)
key := input[input.k]
indexed if input.user.role == "admin"
`;

/** Evaluates `data.t.<rule>` with JSON input and with the same input pre-converted; both must agree. */
function both(rule: string, input: JsonValue): JsonValue | undefined {
  const { policy: p, errors } = compilePolicy([{ file: 't.rego', text: policy }]);
  assert.deepEqual(errors, []);
  const q = prepareQuery(p, `data.t.${rule}`).query;
  assert.ok(q);
  const lazy = evaluateQuery(q, { input });
  const converted = evaluateQueryValues(q, {}, { input: fromJson(input) });
  assert.deepEqual(lazy.errors, []);
  assert.deepEqual(converted.errors, []);
  const a = lazy.results[0]?.expressions[0];
  const c = converted.results[0]?.expressions[0];
  assert.deepEqual(a, c === undefined ? undefined : evalueToJson(c), `${rule} on ${stringifyJson(input)}`);
  return a;
}

const user = { role: 'admin', roles: ['admin', 'dev'], n: 1.5 };

test('a constant path to a scalar reads the JSON input', () => {
  assert.equal(both('role', { user }), 'admin');
  assert.equal(both('deep', { a: { b: { c: 12345678901234567890n } } }), 12345678901234567890n);
  assert.equal(both('deep', { a: { b: { c: null } } }), null);
  assert.equal(both('indexed', { user }), true);
});

test('a missing key, or a key under a scalar, is undefined', () => {
  assert.equal(both('role', { user: {} }), undefined);
  assert.equal(both('role', { user: 'admin' }), undefined);
  assert.equal(both('deep', { a: [{ b: 1 }] }), undefined);
  assert.equal(both('under_string', { s: 'abc' }), undefined);
  assert.equal(both('indexed', {}), undefined);
});

test('JavaScript prototype members are not input keys', () => {
  assert.equal(both('proto', {}), undefined);
  assert.equal(both('ctor', { user }), undefined);
  const own = JSON.parse('{"toString": "own", "__proto__": {"role": "x"}}') as JsonValue;
  assert.equal(both('proto', own), 'own');
});

test('composite values, indexes and variable keys read the converted input', () => {
  assert.equal(both('first_role', { user }), 'admin');
  assert.deepEqual(both('whole_user', { user }), { n: 1.5, role: 'admin', roles: ['admin', 'dev'] });
  assert.equal(both('count_roles', { user }), 2);
  assert.equal(both('key', { k: 'v', v: 'found' }), 'found');
});
