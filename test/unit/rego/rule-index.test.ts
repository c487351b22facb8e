/**
 * Rule indexing and comprehension caching, proven by the work counters (`EvalStats`), not by time:
 * a rule with thousands of `input.x == "..."` clauses runs only the clauses that can hold, and the
 * answers are those of the same policy written so that nothing can be indexed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  compilePolicy,
  type EvalStats,
  evaluateDecision,
  evaluateQuery,
  type JsonValue,
  type Policy,
  prepareQuery,
} from '../../../server/src/rego/index';

const compiled = new Map<string, Policy>();

/** Evaluates `query` against `modules` (compiled once); returns the first expression's value and the work done. */
function evaluate(
  modules: string[],
  query: string,
  input: JsonValue,
): { value: JsonValue | undefined; stats: EvalStats } {
  const cacheKey = modules.join('\u0000');
  let policy = compiled.get(cacheKey);
  if (!policy) {
    const result = compilePolicy(modules.map((text, i) => ({ file: `m${i}.rego`, text })));
    assert.deepEqual(result.errors, []);
    policy = result.policy;
    compiled.set(cacheKey, policy);
  }
  const prepared = prepareQuery(policy, query);
  assert.ok(prepared.query, JSON.stringify(prepared.errors));
  const stats: EvalStats = { ruleBodies: 0, comprehensions: 0, comprehensionCacheHits: 0 };
  const r = evaluateQuery(prepared.query, {
    input,
    stats,
    limits: { maxSteps: 10_000_000, timeoutMs: 20_000 },
  });
  assert.deepEqual(r.errors, []);
  return { value: r.results[0]?.expressions[0], stats };
}

/** An RBAC policy of `n` bindings, one rule each. */
function bindings(n: number): string {
  const rules = Array.from(
    { length: n },
    (_, i) => `allow if {\n\tinput.user == "user${i}"\n\tinput.action in {"read", "write"}\n}`,
  );
  return `package rbac\n\ndefault allow := false\n\n${rules.join('\n\n')}\n`;
}

describe('rule indexing', () => {
  const cases: Array<{ name: string; input: JsonValue; allow: boolean; bodies: number }> = [
    {
      name: 'a bound user runs only its own clause',
      input: { user: 'user4321', action: 'read' },
      allow: true,
      bodies: 1,
    },
    {
      name: 'a bound user with a wrong action is denied after one clause',
      input: { user: 'user7', action: 'delete' },
      allow: false,
      bodies: 1,
    },
    {
      name: 'an unbound user runs no clause at all',
      input: { user: 'mallory', action: 'read' },
      allow: false,
      bodies: 0,
    },
    {
      name: 'an input without the indexed field runs no clause',
      input: { action: 'read' },
      allow: false,
      bodies: 0,
    },
  ];
  for (const c of cases) {
    it(`of 10,000 bindings: ${c.name}`, () => {
      const { value, stats } = evaluate([bindings(10_000)], 'data.rbac.allow', c.input);
      assert.equal(value, c.allow);
      assert.equal(stats.ruleBodies, c.bodies);
    });
  }

  it('indexes glob.match patterns of literal and * segments, and still runs unindexable clauses', () => {
    const routes = Array.from(
      { length: 50 },
      (_, i) => `allow contains ${i} if glob.match("/api/svc${i}/*/items", ["/"], input.path)`,
    );
    const policy = `package routes\n\n${routes.join('\n')}\nallow contains "any" if glob.match("/api/**", [], input.path)\n`;
    const { value, stats } = evaluate([policy], 'data.routes.allow', { path: '/api/svc7/42/items' });
    assert.deepEqual(value, [7, 'any']);
    assert.equal(stats.ruleBodies, 2);
  });

  it('gives the answers of the unindexable form of the same rules (property)', () => {
    const value = fc.constantFrom('a', 'b', 'c', 1, 2.0, true, null);
    const condition = fc.oneof(
      fc.record({ kind: fc.constant('eq' as const), field: fc.constantFrom('x', 'y'), value }),
      fc.record({
        kind: fc.constant('glob' as const),
        field: fc.constantFrom('x', 'y'),
        pattern: fc.constantFrom('a.*', '*.b', 'a.b', '*', 'a.**', '{a,b}.c'),
      }),
    );
    const clause = fc.array(condition, { minLength: 0, maxLength: 3 });
    const inputValue = fc.constantFrom('a', 'b', 'a.b', 'b.b', 'a.c', 'a.b.c', 1, 2, true, null, 'x');
    const input = fc.record({ x: inputValue, y: inputValue }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.array(clause, { minLength: 8, maxLength: 20 }), input, (clauses, inp) => {
        const write = (direct: boolean): string => {
          const rules = clauses.map((conds, i) => {
            const lines = conds.map((c, j) => {
              const subject = direct ? `input.${c.field}` : `v${j}`;
              const bind = direct ? '' : `\tv${j} := input.${c.field}\n`;
              return c.kind === 'eq'
                ? `${bind}\t${subject} == ${JSON.stringify(c.value)}`
                : `${bind}\tglob.match(${JSON.stringify(c.pattern)}, ["."], ${subject})`;
            });
            return `p contains ${i} if {\n\ttrue\n${lines.join('\n')}\n}`;
          });
          return `package g\n\n${rules.join('\n')}\n`;
        };
        const indexed = evaluate([write(true)], 'data.g.p', inp as JsonValue);
        const plain = evaluate([write(false)], 'data.g.p', inp as JsonValue);
        assert.deepEqual(indexed.value, plain.value);
        assert.ok(indexed.stats.ruleBodies <= plain.stats.ruleBodies);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps working for decisions whose unknowns lie elsewhere in the input', () => {
    const { policy } = compilePolicy([{ file: 'r.rego', text: bindings(1000) }]);
    const stats: EvalStats = { ruleBodies: 0, comprehensions: 0, comprehensionCacheHits: 0 };
    const d = evaluateDecision(policy, 'data.rbac.allow', {
      input: { user: 'user12', action: 'read' },
      unknowns: ['input.resource'],
      stats,
    });
    assert.deepEqual([d.outcome, d.value], ['defined', true]);
    assert.ok(stats.ruleBodies <= 2, JSON.stringify(stats));
  });

  it('turns off under unknowns, where any clause may apply', () => {
    const { policy } = compilePolicy([{ file: 'r.rego', text: bindings(20) }]);
    const d = evaluateDecision(policy, 'data.rbac.allow', {
      input: { action: 'read' },
      unknowns: ['input.user'],
    });
    assert.equal(d.outcome, 'conditional');
    assert.equal(d.branches?.length, 20);
  });
});

describe('comprehension caching', () => {
  it('computes a comprehension once per set of captured values', () => {
    const policy = `package c

team_sizes := {t: n | some t in ["a", "b"]; n := count([u | some u in data_users; u.team == t])}

data_users := [{"team": "a"}, {"team": "a"}, {"team": "b"}]

# The comprehension captures nothing from the loop, so one computation serves 1,000 iterations.
total := sum([n | some i in numbers.range(1, 1000); n := count([u | some u in data_users; u.team == "a"])])
`;
    const { value, stats } = evaluate([policy], '[data.c.total, data.c.team_sizes]', {});
    assert.deepEqual(value, [2000, { a: 2, b: 1 }]);
    assert.ok(stats.comprehensionCacheHits >= 999, JSON.stringify(stats));
  });

  it('does not reuse a value across with contexts', () => {
    const policy = `package c

n := count([x | some x in input.items])

test_both if {
	n == 2 with input as {"items": [1, 2]}
	n == 3 with input as {"items": [1, 2, 3]}
}
`;
    assert.equal(evaluate([policy], 'data.c.test_both', {}).value, true);
  });
});
