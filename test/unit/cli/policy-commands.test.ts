/**
 * `clearance policy check|test|eval` run as users run them: the built CLI (`bin/clearance.js`) in a
 * child process, on policy folders written per case. Expected outputs follow `opa test` / `opa eval`
 * / `opa check` as documented (pretty reporter lines, `PASS: n/m`, exit 2 on failing tests).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeTree } from '../../write-tree';

const cli = join(__dirname, '..', '..', '..', 'bin', 'clearance.js');

/** Runs the built CLI in `cwd`. */
function run(cwd: string, ...args: string[]): { code: number | null; out: string; err: string; ms: number } {
  const started = Date.now();
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, ms: Date.now() - started };
}

/** Blanks out durations, which differ run to run. */
function normalize(text: string): string {
  return text.replace(/\((\d+(\.\d+)?(ns|µs|ms|s)|0s)\)/g, '(T)');
}

const authz = `package authz

allow if {
	input.path == ["users"]
	input.method == "POST"
}
`;

const authzTests = `package authz_test

import data.authz.allow

test_post_allowed if {
	allow with input as {"path": ["users"], "method": "POST"}
}

test_get_denied if {
	allow with input as {"path": ["users"], "method": "GET"}
}

conflict := 1 if input.x
conflict := 2 if input.x

test_conflict_errors if {
	conflict with input as {"x": true}
}

test_limit_from_data if data.authz.limits.max == 3

todo_test_later if false
`;

describe('clearance policy test', () => {
  const dir = writeTree({
    'authz/authz.rego': authz,
    'authz/authz_test.rego': authzTests,
    'authz/data.json': '{"limits": {"max": 3}}',
  });

  it('prints the tests that did not pass, the PASS/FAIL/SKIPPED/ERROR summary, and exits 2', () => {
    const r = run(dir, 'policy', 'test', '.');
    assert.equal(r.code, 2, r.err);
    assert.equal(
      normalize(r.out),
      [
        'authz/authz_test.rego:9:',
        'data.authz_test.test_get_denied: FAIL (T)',
        'authz/authz_test.rego:16:',
        'data.authz_test.test_conflict_errors: ERROR (T)',
        '  authz/authz_test.rego:14:1: eval_conflict_error: complete rules must not produce multiple outputs',
        'authz/authz_test.rego:22:',
        'data.authz_test.todo_test_later: SKIPPED (T)',
        '-'.repeat(80),
        'PASS: 2/5',
        'FAIL: 1/5',
        'SKIPPED: 1/5',
        'ERROR: 1/5',
        '',
      ].join('\n'),
    );
  });

  it('with -v prints every test; --run keeps the tests whose full name matches', () => {
    const r = run(dir, 'policy', 'test', '-v', '--run', 'authz_test\\.test_(post|limit)', '.');
    assert.equal(r.code, 0, r.err);
    assert.equal(
      normalize(r.out),
      [
        'authz/authz_test.rego:5:',
        'data.authz_test.test_post_allowed: PASS (T)',
        'authz/authz_test.rego:20:',
        'data.authz_test.test_limit_from_data: PASS (T)',
        '-'.repeat(80),
        'PASS: 2/2',
        '',
      ].join('\n'),
    );
  });

  it('prints only the summary when every test passes without -v', () => {
    const r = run(dir, 'policy', 'test', '--run', 'post', '.');
    assert.deepEqual([r.code, r.out], [0, 'PASS: 1/1\n']);
  });

  it('exits 0 with no output when no test matches, as opa test does; 1 with --fail-on-empty', () => {
    assert.deepEqual(
      [run(dir, 'policy', 'test', '--run', 'nothing', '.')].map((r) => [r.code, r.out]),
      [[0, '']],
    );
    const strict = run(dir, 'policy', 'test', '--run', 'nothing', '--fail-on-empty', '.');
    assert.deepEqual([strict.code, strict.err], [1, 'no tests were run\n']);
  });

  it('exits 1 with file:line:col errors when the policy does not parse', () => {
    const broken = writeTree({ 'p.rego': 'package p\n\ntest_x if {\n  1 +\n}\n' });
    const r = run(broken, 'policy', 'test', 'p.rego');
    assert.equal(r.code, 1);
    assert.match(r.err, /p\.rego:\d+:\d+: rego_parse_error: /);
  });

  it('stops a runaway test with eval_cancel_error within its --timeout', () => {
    const slow = writeTree({
      'slow_test.rego':
        'package slow\n\ntest_forever if count([x | some x in numbers.range(1, 100000); some y in numbers.range(1, 100000)]) > 0\n',
    });
    const r = run(slow, 'policy', 'test', '--timeout', '300ms', '.');
    assert.equal(r.code, 2);
    assert.match(r.out, /test_forever: ERROR/);
    assert.match(r.out, /eval_cancel_error: evaluation exceeded the (step|time) limit/);
    assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
  });
});

describe('clearance policy test --coverage', () => {
  const dir = join(__dirname, '..', '..', 'fixtures', 'rego', 'policy-test', 'coverage');
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, unknown>;
  delete expected._comment;

  it("prints OPA's JSON coverage report: covered and not covered line ranges per file, counts, percentages", () => {
    const r = run(join(dir, 'suite'), 'policy', 'test', '--coverage', '.');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), expected);
  });

  it('exits 2 when coverage is below --threshold, saying so', () => {
    const r = run(join(dir, 'suite'), 'policy', 'test', '--coverage', '--threshold', '80', '.');
    assert.equal(r.code, 2);
    assert.match(r.err, /Code coverage threshold not met: got 72\.73 instead of 80\.00/);
  });
});

describe('clearance policy check', () => {
  const v0 =
    'package legacy\n\ndeny[msg] {\n  input.user == "mallory"\n  msg := "blocked"\n}\n\nallow { not deny["blocked"] }\n';

  /** An input schema whose `user.age` is an integer (for the schema type-error cases). */
  const ageSchema = JSON.stringify({
    type: 'object',
    properties: { user: { type: 'object', properties: { age: { type: 'integer' } } } },
  });
  /** A policy calling a product's own builtin, and the capabilities declaring it (OPA's file format). */
  const productPolicy = 'package p\n\nallow if product.lookup(input.name) == 3\n';
  const productCaps = JSON.stringify({
    builtins: ['product.lookup', 'equal'].map((name) => ({
      name,
      decl: {
        type: 'function',
        args: name === 'equal' ? [{ type: 'any' }, { type: 'any' }] : [{ type: 'string' }],
        result: { type: name === 'equal' ? 'boolean' : 'number' },
      },
    })),
  });
  const cases: Array<{
    name: string;
    files: Record<string, string>;
    args: string[];
    code: number;
    out?: RegExp;
    err?: RegExp;
  }> = [
    {
      name: 'a v0 policy is a parse error under the default (v1) syntax',
      files: { 'legacy.rego': v0 },
      args: ['.'],
      code: 1,
      err: /legacy\.rego:3:\d+: rego_parse_error: /,
    },
    {
      name: 'a v0 policy checks clean with --v0-compatible',
      files: { 'legacy.rego': v0 },
      args: ['--v0-compatible', '.'],
      code: 0,
      out: /1 file\(s\) checked, no errors/,
    },
    {
      name: 'a bundle whose .manifest says rego_version 0 is read as v0',
      files: { 'bundle/.manifest': '{"rego_version": 0}', 'bundle/legacy.rego': v0 },
      args: ['.'],
      code: 0,
    },
    {
      name: 'file_rego_versions overrides the bundle version per file',
      files: {
        'bundle/.manifest': '{"rego_version": 0, "file_rego_versions": {"/v1/*.rego": 1}}',
        'bundle/legacy.rego': v0,
        'bundle/v1/modern.rego': 'package modern\n\nallow if input.ok\n',
      },
      args: ['.'],
      code: 0,
    },
    {
      name: 'a malformed manifest is reported with its file',
      files: { 'bundle/.manifest': '{"rego_version": 7}', 'bundle/p.rego': 'package p\n' },
      args: ['.'],
      code: 1,
      err: /bundle[/\\]\.manifest:1:1: bundle_error: .*rego_version must be 0 or 1/,
    },
    {
      name: 'an unused assignment checks clean without --strict',
      files: { 'p.rego': 'package p\n\nallow if {\n  x := 1\n  input.ok\n}\n' },
      args: ['.'],
      code: 0,
    },
    {
      name: '--strict reports an unused assignment as opa check --strict does',
      files: { 'p.rego': 'package p\n\nallow if {\n  x := 1\n  input.ok\n}\n' },
      args: ['--strict', '.'],
      code: 1,
      err: /p\.rego:4:3: rego_compile_error: assigned var x unused/,
    },
    // OPA's capabilities docs (opa check --capabilities): the file lists every builtin the policy
    // may call; a product's own builtin declared there compiles, any builtin left out is undefined.
    {
      name: "--capabilities: a builtin the file declares (a product's own) checks clean",
      files: { 'p.rego': productPolicy, 'caps.json': productCaps },
      args: ['--capabilities', 'caps.json', 'p.rego'],
      code: 0,
      out: /1 file\(s\) checked, no errors/,
    },
    {
      name: "--capabilities: without the file a product's builtin is an undefined function",
      files: { 'p.rego': productPolicy },
      args: ['p.rego'],
      code: 1,
      err: /p\.rego:3:10: rego_type_error: undefined function product\.lookup\n1 error/,
    },
    {
      name: '--capabilities: a builtin of OPA the file leaves out is an undefined function',
      files: { 'p.rego': 'package p\n\nallow if count(input.x) == 3\n', 'caps.json': productCaps },
      args: ['--capabilities', 'caps.json', 'p.rego'],
      code: 1,
      err: /p\.rego:3:10: rego_type_error: undefined function count\n1 error/,
    },
    {
      name: '--capabilities: an unreadable file is a usage error naming it',
      files: { 'p.rego': productPolicy },
      args: ['--capabilities', 'missing.json', 'p.rego'],
      code: 2,
      err: /capabilities_error: cannot read missing\.json/,
    },
    // OPA's schema docs (Type Checking, the admission review example): a typo in a ref the input
    // schema closes is `undefined ref`, with the key it has and the keys the schema wants.
    {
      name: '--schema reports a ref the input schema does not allow, as opa check --schema does',
      files: {
        'pod.rego':
          'package kubernetes.admission\n\ndeny contains msg if {\n  input.request.kind.kinds == "Pod"\n  msg := "x"\n}\n',
        'schema/input.json': JSON.stringify({
          type: 'object',
          properties: {
            request: {
              type: 'object',
              properties: {
                kind: {
                  type: 'object',
                  properties: {
                    group: { type: 'string' },
                    kind: { type: 'string' },
                    version: { type: 'string' },
                  },
                },
              },
            },
          },
        }),
      },
      args: ['--schema', 'schema/input.json', 'pod.rego'],
      code: 1,
      err: /pod\.rego:4:3: rego_type_error: undefined ref: input\.request\.kind\.kinds\n\s*input\.request\.kind\.kinds\n\s*\^\n\s*have: "kinds"\n\s*want \(one of\): \["group" "kind" "version"\]/,
    },
    {
      name: '--schema folder: a METADATA schemas annotation picks the schema a rule reads its input by',
      files: {
        'p.rego':
          'package p\n\n# METADATA\n# schemas:\n#   - input: schema["acl-schema"]\nallow if input.operation == "read"\n\nother if input.anything\n',
        'schemas/acl-schema.json': JSON.stringify({ type: 'object', properties: { op: { type: 'string' } } }),
      },
      args: ['--schema', 'schemas', 'p.rego'],
      code: 1,
      err: /p\.rego:6:10: rego_type_error: undefined ref: input\.operation[\s\S]*want \(one of\): \["op"\]\n1 error/,
    },
    // OPA's schema docs ("Passing a directory with -s"): a folder gives the input no schema
    // globally, even one named input.json; only an annotation applies a schema to a rule's input.
    {
      name: "--schema folder: input.json is not every rule's input schema, only what annotations name",
      files: {
        'p.rego':
          'package p\n\nfree if input.nope == 1\n\n# METADATA\n# schemas:\n#   - input: schema.input\nchecked if input.nope == 1\n',
        'schemas/input.json': JSON.stringify({ type: 'object', properties: { op: { type: 'string' } } }),
      },
      args: ['--schema', 'schemas', 'p.rego'],
      code: 1,
      err: /^[^\n]*p\.rego:8:12: rego_type_error: undefined ref: input\.nope[\s\S]*want \(one of\): \["op"\]\n1 error/,
    },
    // OPA's TestCheckAnnotationRules ("package scope" and others): comparing a schema-typed input
    // value with a value of another type is a `match error`, with the two types (errors.go).
    {
      name: '--schema reports a == between a schema-typed input value and another type as a match error',
      files: {
        'p.rego': 'package p\n\nallow if input.user.age == "42"\n\nok if input.user.age == 42\n',
        'schema.json': ageSchema,
      },
      args: ['--schema', 'schema.json', 'p.rego'],
      code: 1,
      err: /^[^\n]*p\.rego:3:10: rego_type_error: match error\n\s*left {2}: number\n\s*right : string\n1 error/,
    },
    // OPA's compiler stops before CheckTypes when an earlier stage (here safety) failed.
    {
      name: '--schema reports no type error when an earlier compiler stage failed, as OPA stops there',
      files: {
        'p.rego': 'package p\n\nallow if input.user.age == "42"\n\ndeny if x > 1\n',
        'schema.json': ageSchema,
      },
      args: ['--schema', 'schema.json', 'p.rego'],
      code: 1,
      err: /^[^\n]*p\.rego:5:9: rego_unsafe_var_error: var x is unsafe\n1 error/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = run(writeTree(c.files), 'policy', 'check', ...c.args);
      assert.equal(r.code, c.code, r.err);
      if (c.out) assert.match(r.out, c.out);
      if (c.err) assert.match(r.err, c.err);
    });
  }
});

describe('clearance policy eval', () => {
  const dir = writeTree({
    'policy/authz.rego':
      'package api.authz\n\nallow if input.user in data.roles.admins\nlimit := data.config.limit\nclosed := false\n',
    'data/roles/data.yaml': 'admins:\n  - alice\n',
    'data/config/settings.json': '{"limit": 5}',
    'input.yaml': 'user: alice\n',
  });

  it('loads many -d paths, JSON and YAML data at their folder path, and a YAML input', () => {
    const r = run(
      dir,
      'policy',
      'eval',
      '-d',
      'policy',
      '-d',
      'data',
      '-i',
      'input.yaml',
      '--format',
      'pretty',
      '[data.api.authz.allow, data.api.authz.limit]',
    );
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), [true, 5]);
  });

  it('prints opa eval JSON with errors as {code, message, location} and exits 1', () => {
    const r = run(dir, 'policy', 'eval', '-d', 'policy', '--max-depth', '20', 'data.api.authz.deep(0)');
    assert.equal(r.code, 1);
    const body = JSON.parse(r.out) as { errors: Array<{ code: string }> };
    assert.equal(body.errors[0]?.code, 'rego_type_error');
  });

  // OPA's schema docs (opa eval -s): the policy is type-checked against the input schema first;
  // a type error is reported as in opa check and nothing is evaluated.
  it('type-checks the policy against --schema first and reports its type errors, as opa eval -s does', () => {
    const typed = writeTree({
      'p.rego': 'package p\n\nallow if input.user.age == "42"\n',
      'schema.json': JSON.stringify({
        type: 'object',
        properties: { user: { type: 'object', properties: { age: { type: 'integer' } } } },
      }),
    });
    const r = run(typed, 'policy', 'eval', '-d', 'p.rego', '--schema', 'schema.json', 'data.p.allow');
    assert.equal(r.code, 1, r.err);
    const body = JSON.parse(r.out) as { errors: Array<{ code: string; message: string; location: unknown }> };
    assert.deepEqual(body.errors, [
      {
        code: 'rego_type_error',
        message: 'match error\n\tleft  : number\n\tright : string',
        // Inside the working folder: named relative to it, as opa eval names the path it was given.
        location: { file: 'p.rego', row: 3, col: 10 },
      },
    ]);
    const ok = run(typed, 'policy', 'eval', '-d', 'p.rego', 'data.p.allow');
    assert.equal(ok.code, 0, ok.err);
  });

  it('stops deep recursion through functions at --max-depth with eval_cancel_error', () => {
    // Rego forbids recursion, so depth comes from a chain: f0 calls f1 ... calls f299.
    const chain = Array.from({ length: 300 }, (_, i) => `f${i}(n) := f${i + 1}(n + 1)`).join('\n');
    const deep = writeTree({ 'deep.rego': `package deep\n\n${chain}\nf300(n) := n\n` });
    const r = run(deep, 'policy', 'eval', '-d', '.', '--max-depth', '50', 'data.deep.f0(0)');
    assert.equal(r.code, 1);
    const body = JSON.parse(r.out) as { errors: Array<{ code: string; message: string }> };
    assert.equal(body.errors[0]?.code, 'eval_cancel_error');
    assert.match(body.errors[0]?.message ?? '', /depth limit \(50/);
  });

  // OPA captures the value of a lone expression without variables (rewriteQueryToCaptureValue), so
  // a false value is reported; with several expressions or iteration, false fails the query.
  const pretty: Array<[string, string]> = [
    ['data.api.authz.closed', 'false'],
    ['1 == 2', 'false'],
    ['data.api.authz.missing', 'undefined'],
    ['x := 1; x == 2', 'undefined'],
    ['[1, 2][_] == 2', 'true'],
  ];
  for (const [query, want] of pretty) {
    it(`prints ${want} for ${query} with --format pretty`, () => {
      const r = run(dir, 'policy', 'eval', '-d', 'policy', '--format', 'pretty', query);
      assert.deepEqual([r.code, r.out.trim()], [0, want], r.err);
    });
  }

  it('rejects a malformed --timeout before running anything, as a usage error (exit 64)', () => {
    const r = run(dir, 'policy', 'eval', '--timeout', 'soon', '1');
    assert.equal(r.code, 64);
    assert.match(r.err, /--timeout/);
  });
});
