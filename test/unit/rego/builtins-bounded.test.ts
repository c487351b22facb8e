/**
 * Builtins and literals stay bounded whatever the policy (issue 10, finding 1; issue 9, "Bounded").
 * Each case is a pathological policy that used to run for minutes or exhaust memory; it must now
 * end with a clear error (or its answer) under the default limits. The hang guard is generous for
 * a shared machine: it catches a hang, it is not a speed test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePathGlob } from '../../../server/src/rego/builtins/glob';
import { compilePolicy, type EvalLimits, evaluateQuery, prepareQuery } from '../../../server/src/rego/index';

const hangGuardMs = 20_000;

interface Case {
  name: string;
  module: string;
  query?: string;
  limits?: EvalLimits;
  /** The expected error code, or the expected JSON result when the policy finishes. */
  code?: string;
  result?: unknown;
}

const doubling = (n: number, expr: (prev: string) => string) =>
  Array.from({ length: n }, (_, i) => `s${i + 1} := ${expr(`s${i}`)}`).join('\n');

const cases: Case[] = [
  {
    name: 'glob.match with ten stars against forty characters answers (was 93 s)',
    module: `package p\n\nr := glob.match("${'*'.repeat(10)}b", [], "${'a'.repeat(40)}")\n`,
    result: false,
  },
  {
    name: 'glob.match with alternating stars and delimiters answers',
    module: `package p\n\nr := glob.match("${'*.'.repeat(30)}x", ["."], "${'a.'.repeat(200)}")\n`,
    result: false,
  },
  {
    name: 'glob.match with a quadratic pattern and subject ends at the step limit',
    module: `package p\n\nr := glob.match("${'*a'.repeat(3000)}", [], "${'a'.repeat(20000)}")\n`,
    limits: { maxSteps: 200_000 },
    code: 'eval_cancel_error',
  },
  {
    name: 'time.parse_ns with a long layout and value answers in one pass',
    module: `package p\n\nr := time.parse_ns("${'2006 '.repeat(2000)}", "${'2020 '.repeat(1999)}x")\n`,
    code: 'eval_builtin_error',
  },
  {
    name: 'a number literal with 400,000 trailing zeros parses (was 52 s)',
    module: `package p\n\nr := x if { x := 1${'0'.repeat(400_000)}; x > 0 }\nok := r > 1\n`,
    query: 'data.p.ok',
    result: true,
  },
  {
    name: 'repeated squaring of a huge number is charged by size',
    module: `package p\n\ns0 := 1${'0'.repeat(1000)}1\n${doubling(40, (p) => `${p} * ${p}`)}\nr := s40 > 0\n`,
    code: 'eval_cancel_error',
  },
  {
    name: '40 string doublings with concat end in eval_cancel_error',
    module: `package p\n\ns0 := "ab"\n${doubling(40, (p) => `concat("", [${p}, ${p}])`)}\nr := count(s40)\n`,
    code: 'eval_cancel_error',
  },
  {
    name: 'sprintf doublings end in eval_cancel_error',
    module: `package p\n\ns0 := "ab"\n${doubling(40, (p) => `sprintf("%s%s", [${p}, ${p}])`)}\nr := count(s40)\n`,
    code: 'eval_cancel_error',
  },
  {
    name: 'array doublings with array.concat end in eval_cancel_error',
    module: `package p\n\ns0 := [1, 2]\n${doubling(40, (p) => `array.concat(${p}, ${p})`)}\nr := count(s40)\n`,
    code: 'eval_cancel_error',
  },
  {
    name: 'concat of one shared string repeated is charged before it is joined',
    module: `package p\n\ns0 := "abcdefgh"\n${doubling(22, (p) => `concat("", [${p}, ${p}])`)}\nr := count(concat("", [x | some i in numbers.range(1, 2000); x := s22]))\n`,
    code: 'eval_cancel_error',
  },
  {
    name: 'base64 doublings end in eval_cancel_error',
    module: `package p\n\ns0 := "abc"\n${doubling(40, (p) => `base64.encode(concat("", [${p}, ${p}]))`)}\nr := count(s40)\n`,
    code: 'eval_cancel_error',
  },
  {
    name: 'regex.replace expanding every character ends in eval_cancel_error',
    module: `package p\n\ns0 := "abcd"\n${doubling(40, (p) => `regex.replace(${p}, ".", "$0$0")`)}\nr := count(s40)\n`,
    code: 'eval_cancel_error',
  },
  {
    name: 'strings.replace_n expanding every character ends in eval_cancel_error',
    module: `package p\n\ns0 := "abab"\n${doubling(40, (p) => `strings.replace_n({"a": "aa", "b": "bb"}, ${p})`)}\nr := count(s40)\n`,
    code: 'eval_cancel_error',
  },
  {
    name: 'replace with an empty pattern and a long replacement is charged before it is built',
    module: `package p\n\ns0 := "abcdefgh"\n${doubling(20, (p) => `concat("", [${p}, ${p}])`)}\nr := count(replace(s20, "", s20))\n`,
    code: 'eval_cancel_error',
  },
  {
    name: 'json.marshal of a structure sharing its members ends in eval_cancel_error',
    module: `package p\n\ns0 := ["abcdefgh"]\n${doubling(60, (p) => `[${p}, ${p}]`)}\nr := count(json.marshal(s60))\n`,
    code: 'eval_cancel_error',
  },
  {
    name: 'yaml.marshal of a structure sharing its members ends in eval_cancel_error',
    module: `package p\n\ns0 := {"a": "abcdefgh"}\n${doubling(60, (p) => `{"x": ${p}, "y": ${p}}`)}\nr := count(yaml.marshal(s60))\n`,
    code: 'eval_cancel_error',
  },
  {
    name: 'a query result sharing its members ends in eval_cancel_error when turned into JSON, not out of memory',
    module: `package p\n\ns0 := ["abcdefgh"]\n${doubling(60, (p) => `[${p}, ${p}]`)}\nr := s60\n`,
    code: 'eval_cancel_error',
  },
  {
    name: 'io.jwt.encode_sign of a payload sharing its members ends in eval_cancel_error',
    module: `package p\n\ns0 := ["abcdefgh"]\n${doubling(60, (p) => `[${p}, ${p}]`)}\nr := io.jwt.encode_sign({"typ": "JWT", "alg": "HS256"}, {"a": s60}, {"kty": "oct", "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ"})\n`,
    code: 'eval_cancel_error',
  },
  {
    name: 'strings.render_template over variables sharing their members ends in eval_cancel_error',
    module: `package p\n\ns0 := ["abcdefgh"]\n${doubling(60, (p) => `[${p}, ${p}]`)}\nr := strings.render_template("{{ .a }}", {"a": s60})\n`,
    code: 'eval_cancel_error',
  },
  {
    name: 'sprintf %v of a structure sharing its members ends in eval_cancel_error',
    module: `package p\n\ns0 := ["abcdefgh"]\n${doubling(60, (p) => `[${p}, ${p}]`)}\nr := count(sprintf("%v", [s60]))\n`,
    code: 'eval_cancel_error',
  },
];

describe('pathological builtins and literals are bounded', () => {
  for (const c of cases) {
    it(c.name, () => {
      const started = Date.now();
      const { policy, errors } = compilePolicy([{ file: 'p.rego', text: c.module }]);
      assert.deepEqual(errors, []);
      const prepared = prepareQuery(policy, c.query ?? 'data.p.r');
      assert.ok(prepared.query, JSON.stringify(prepared.errors));
      const r = evaluateQuery(prepared.query, {
        strictBuiltinErrors: true,
        ...(c.limits ? { limits: c.limits } : {}),
      });
      assert.ok(Date.now() - started < hangGuardMs, `took ${Date.now() - started} ms`);
      if (c.code !== undefined) {
        assert.equal(r.errors[0]?.code, c.code, JSON.stringify(r).slice(0, 500));
        assert.ok((r.errors[0]?.message ?? '').length > 0);
      } else {
        assert.deepEqual(r.errors, []);
        assert.deepEqual(r.results[0]?.expressions[0], c.result);
      }
    });
  }
});

describe('bundle manifest globs are linear-time', () => {
  it('a file_rego_versions pattern of many stars against a long path answers', () => {
    const started = Date.now();
    const m = compilePathGlob(`${'*'.repeat(40)}x.rego`);
    assert.equal(m.test(`${'a'.repeat(200)}.rego`), false);
    assert.ok(Date.now() - started < hangGuardMs);
  });
  it('path globs keep their meaning: ** crosses segments, **/ may match none', () => {
    assert.equal(compilePathGlob('**/*.rego').test('a.rego'), true);
    assert.equal(compilePathGlob('**/*.rego').test('x/y/a.rego'), true);
    assert.equal(compilePathGlob('/v0/*.rego').test('v0/a.rego'), true);
    assert.equal(compilePathGlob('v0/*.rego').test('v0/x/a.rego'), false);
    assert.equal(compilePathGlob('v0/[ab].rego').test('v0/[ab].rego'), true);
  });
});
