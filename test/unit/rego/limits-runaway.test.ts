/**
 * Policies that would run for hours (or forever) end quickly with `eval_cancel_error` under the
 * default limits, through every entry point: queries (CLI eval/test) and decisions (editor, scan).
 * The elapsed-time bound is a hang guard, generous for a shared machine, not a speed test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compilePolicy,
  type EvalLimits,
  evaluateDecision,
  evaluateQuery,
  prepareQuery,
} from '../../../server/src/rego/index';

const hangGuardMs = 15_000;

const chain = Array.from({ length: 300 }, (_, i) => `f${i}(n) := f${i + 1}(n + 1)`).join('\n');

const cases: Array<{ name: string; module: string; query: string; limits?: EvalLimits; message: RegExp }> = [
  {
    name: 'a 300-deep chain of function calls stops at the default depth limit',
    module: `package p\n\n${chain}\nf300(n) := n\n\nr := f0(0)\n`,
    query: 'data.p.r',
    message: /depth limit \(200 nested calls\)/,
  },
  {
    name: 'a 300-deep chain of rules stops at a configured depth limit',
    module: `package p\n\n${Array.from({ length: 300 }, (_, i) => `r${i} := r${i + 1} + 1`).join('\n')}\nr300 := 0\n`,
    query: 'data.p.r0',
    limits: { maxDepth: 100 },
    message: /depth limit \(100 nested calls\)/,
  },
  {
    name: 'a comprehension over 10^10 pairs stops at the step limit',
    module:
      'package p\n\nn := count([1 | some x in numbers.range(1, 100000); some y in numbers.range(1, 100000)])\n',
    query: 'data.p.n',
    limits: { maxSteps: 200_000, timeoutMs: 30_000 },
    message: /step limit \(200000 steps\)/,
  },
  {
    name: 'numbers.range of 10^8 is charged to the step limit before it is built',
    module: 'package p\n\nn := count(numbers.range(1, 100000000))\n',
    query: 'data.p.n',
    message: /step limit/,
  },
  {
    name: 'a comprehension cached across iterations still counts the iterations',
    module:
      'package p\n\nn := count([k | some i in numbers.range(1, 1000); some j in numbers.range(1, 1000); k := count([z | some z in ["a"]])])\n',
    query: 'data.p.n',
    limits: { maxSteps: 200_000, timeoutMs: 30_000 },
    message: /step limit \(200000 steps\)/,
  },
  {
    name: 'the time limit stops a long evaluation under a huge step limit',
    module:
      'package p\n\nn := count([1 | some x in numbers.range(1, 100000); some y in numbers.range(1, 100000)])\n',
    query: 'data.p.n',
    limits: { timeoutMs: 200, maxSteps: 1e12 },
    message: /time limit \(200 ms\)/,
  },
];

describe('runaway policies end with eval_cancel_error', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { policy, errors } = compilePolicy([{ file: 'p.rego', text: c.module }]);
      assert.deepEqual(errors, []);
      const prepared = prepareQuery(policy, c.query);
      assert.ok(prepared.query);
      const started = Date.now();
      const r = evaluateQuery(prepared.query, c.limits ? { limits: c.limits } : {});
      assert.ok(Date.now() - started < hangGuardMs, `took ${Date.now() - started} ms`);
      assert.equal(r.errors[0]?.code, 'eval_cancel_error', JSON.stringify(r));
      assert.match(r.errors[0]?.message ?? '', c.message);
    });
  }

  it('a decision over a runaway body is an error outcome, not a hang', () => {
    const { policy } = compilePolicy([
      {
        file: 'p.rego',
        text: 'package p\n\nallow if {\n\tsome x in numbers.range(1, 100000)\n\tsome y in numbers.range(1, 100000)\n\tinput.resource.owner == sprintf("%d-%d", [x, y])\n}\n',
      },
    ]);
    const started = Date.now();
    const d = evaluateDecision(policy, 'data.p.allow', { input: { resource: { owner: 'nobody' } } });
    assert.ok(Date.now() - started < hangGuardMs);
    assert.equal(d.outcome, 'error');
    assert.equal(d.errors[0]?.code, 'eval_cancel_error');
  });
});
