/**
 * The whole engine's guarantee, beyond the parser's: compiling and evaluating any text never throws,
 * never hangs and reports every problem as `{code, message, location}` data. Property tests feed
 * mangled versions of a policy that exercises most of the language, in v1 and v0, through
 * compilePolicy, evaluateQuery (the CLI's path) and evaluateDecision (the editor's path).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ClearanceError } from '../../../server/src/errors';
import { compilePolicy, evaluateDecision, evaluateQuery, prepareQuery } from '../../../server/src/rego/index';

/** Time bound of one property run: generous for a shared machine, far below a hang. */
const runLimitMs = 5000;

const SAMPLE = `package fuzz

import future.keywords.and
import future.keywords.or

default allow := false

either if input.a or {x := input.b; x > 1} and not (input.c or input.d)

allow if {
  some role in input.user.roles
  role in {"admin", "editor"}
  count([x | x := input.items[_]; x.ok]) > 1
}

allow if glob.match("api.*.read", ["."], input.route)

deny contains msg if {
  not allow
  msg := sprintf("denied %v", [input.user.name])
}

limits[k] := v if { some k, v in {"a": 1, "b": numbers.range(1, 50)} }

f(x) := y if { y := x * 2 } else := 0

g(x) := f(x) + count(limits)

check if every k, v in input.m { k != v } with input as {"m": {"a": 1}}

total := sum([g(i) | some i in numbers.range(1, 200)])
`;

const INSERTS = [
  ' and ',
  ' or ',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  ' if ',
  ' else ',
  ' := ',
  ' = ',
  ' with input as 1 ',
  'not ',
  'some x in ',
  '_',
  '"',
  '\n',
  'numbers.range(1, 100000)',
  'f(',
  'data',
  'input',
  '.',
  ',',
];

/** Compiles and evaluates `text` every way the product does; checks the guarantees. */
function checkEngine(text: string, regoVersion: 0 | 1): void {
  const started = performance.now();
  const all: ClearanceError[] = [];
  const { policy, errors } = compilePolicy([{ file: 'fuzz.rego', text }], { regoVersion });
  all.push(...errors);
  const limits = { maxSteps: 20_000, timeoutMs: 1000 };
  for (const query of ['data', 'data.fuzz.allow', 'data.fuzz.total', 'data.fuzz.g(3)']) {
    const prepared = prepareQuery(policy, query);
    all.push(...prepared.errors);
    if (prepared.query)
      all.push(...evaluateQuery(prepared.query, { input: { user: { roles: ['admin'] } }, limits }).errors);
  }
  const decision = evaluateDecision(policy, 'data.fuzz.allow', {
    input: { route: 'api.x.read' },
    unknowns: ['input.user'],
    limits,
  });
  all.push(...decision.errors);
  for (const e of all) {
    assert.match(e.code, /^[a-z_]+$/, JSON.stringify(e));
    assert.equal(typeof e.message, 'string');
    assert.ok(!e.message.startsWith('internal error'), e.message);
  }
  const elapsed = performance.now() - started;
  assert.ok(elapsed < runLimitMs, `took ${elapsed.toFixed(0)} ms`);
}

describe('engine robustness', () => {
  it('compiles and evaluates the unmangled sample without errors', () => {
    const { errors } = compilePolicy([{ file: 'fuzz.rego', text: SAMPLE }]);
    assert.deepEqual(errors, []);
    checkEngine(SAMPLE, 1);
  });

  it('a chain of 5,000 `or` operands compiles and evaluates (no recursion per operand)', () => {
    const text = `package t\nimport future.keywords.or\np if ${'input.a or '.repeat(5000)}input.b\n`;
    const { policy, errors } = compilePolicy([{ file: 'chain.rego', text }]);
    assert.deepEqual(errors, []);
    const prepared = prepareQuery(policy, 'data.t.p = x');
    assert.ok(prepared.query);
    assert.equal(evaluateQuery(prepared.query, { input: { b: true } }).results.length, 1);
  });

  it('never throws, hangs or fails internally on mangled policies (v1 and v0)', () => {
    const edit = fc.record({
      at: fc.nat({ max: SAMPLE.length }),
      cut: fc.nat({ max: 10 }),
      insert: fc.oneof(fc.constantFrom(...INSERTS), fc.string({ maxLength: 3 })),
    });
    fc.assert(
      fc.property(
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        fc.constantFrom<0 | 1>(0, 1),
        (edits, version) => {
          let text = SAMPLE;
          for (const e of edits) text = text.slice(0, e.at) + e.insert + text.slice(e.at + e.cut);
          checkEngine(text, version);
        },
      ),
      { numRuns: 200 },
    );
  });
});
