/**
 * time.now_ns is fixed for one evaluation, as in OPA: every call in a query reads the same clock,
 * however long the evaluation takes, and an embedder can set that clock.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicy, type EvalOptions, evaluateQuery, prepareQuery } from '../../../server/src/rego/index';

/** Evaluates `query` against a policy and returns the binding of `x`. */
function evalX(policyText: string, query: string, options: EvalOptions = {}): unknown {
  const { policy, errors } = compilePolicy([{ file: 'p.rego', text: policyText }]);
  assert.deepEqual(errors, []);
  const prepared = prepareQuery(policy, query);
  assert.ok(prepared.query, JSON.stringify(prepared.errors));
  const out = evaluateQuery(prepared.query, options);
  assert.deepEqual(out.errors, []);
  return out.results[0]?.bindings.x;
}

test('time.now_ns reads the clock the evaluation was given', () => {
  assert.equal(
    evalX('package p\n', 'x := time.now_ns()', { nowNs: 1_700_000_000_123_456_789n }),
    1_700_000_000_123_456_789n,
  );
});

test('every time.now_ns call of one evaluation gives the same value, across rules and slow work', () => {
  const policy = `package p

first := time.now_ns()

# Enough work that a live clock would move on by several milliseconds.
busy := count([y | some y in numbers.range(1, 50000); y % 7 == 0])

second := time.now_ns() if busy > 0
`;
  // Limits generous enough for a loaded machine: the check is about the clock, not about speed.
  const limits = { timeoutMs: 60_000, maxSteps: 100_000_000 };
  assert.equal(evalX(policy, 'x := data.p.first == data.p.second', { limits }), true);
});
