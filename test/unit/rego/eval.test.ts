/**
 * Data-first tests of the compiler and evaluator: every YAML file under test/fixtures/rego/eval/
 * holds cases for what OPA's conformance cases cannot express — provenance of decisions,
 * unknowns and three-valued decisions, limits, error collection, query output shape.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import {
  compilePolicy,
  type Decision,
  type EvalOptions,
  evaluateDecision,
  evaluateQuery,
  type JsonValue,
  prepareQuery,
} from '../../../server/src/rego/index';

/** One fixture case. */
interface Case {
  note: string;
  modules?: string[];
  /** Parse the modules as Rego v0 (OPA 0.x syntax). */
  v0?: boolean;
  query?: string;
  decision?: string;
  input?: JsonValue;
  data?: JsonValue;
  unknowns?: string[];
  limits?: EvalOptions['limits'];
  strict?: boolean;
  /** Compile in OPA's strict mode (`opa check --strict`). */
  strict_compile?: boolean;
  want_compile_errors?: Array<{ code: string; message?: string; file?: string; line?: number }>;
  want_results?: Array<{ bindings?: Record<string, JsonValue>; expressions?: JsonValue[] }>;
  want_errors?: Array<{ code: string; message?: string }>;
  want_decision?: {
    outcome: Decision['outcome'];
    value?: JsonValue;
    rules?: string[];
    rule_lines?: number[];
    branches?: Array<{ value: JsonValue; rule: string; conditions: string[] }>;
    errors?: Array<{ code: string; message?: string }>;
  };
  want_prints?: string[];
}

const dir = join(__dirname, '..', '..', 'fixtures', 'rego', 'eval');

/** Checks errors: same count, each with the code and (as a substring) the message. */
function assertErrors(
  got: Array<{ code: string; message: string; location?: { file: string; start: { line: number } } }>,
  want: Array<{ code: string; message?: string; file?: string; line?: number }>,
): void {
  const shown = got.map((e) => `${e.code}: ${e.message}`).join('\n');
  assert.equal(got.length, want.length, `errors:\n${shown}`);
  for (const w of want) {
    const match = got.find(
      (g) =>
        g.code === w.code &&
        (w.message === undefined || g.message.includes(w.message)) &&
        (w.file === undefined || g.location?.file === w.file) &&
        (w.line === undefined || g.location?.start.line === w.line),
    );
    assert.ok(match, `no error ${JSON.stringify(w)} in:\n${shown}`);
  }
}

/** Runs one case. */
function runCase(c: Case): void {
  const regoVersion = c.v0 ? 0 : 1;
  const sources = (c.modules ?? []).map((text, i) => ({ file: `m${i}.rego`, text, regoVersion }) as const);
  const { policy, errors } = compilePolicy(sources, { strict: c.strict_compile === true });
  if (c.want_compile_errors) {
    assertErrors(errors, c.want_compile_errors);
    return;
  }
  assert.deepEqual(errors, [], 'unexpected compile errors');
  const prints: string[] = [];
  const options: EvalOptions = { print: (m) => prints.push(m) };
  if (c.input !== undefined) options.input = c.input;
  if (c.data !== undefined) options.data = c.data;
  if (c.unknowns) options.unknowns = c.unknowns;
  if (c.limits) options.limits = c.limits;
  if (c.strict) options.strictBuiltinErrors = true;
  if (c.query !== undefined) {
    const prepared = prepareQuery(policy, c.query);
    assert.ok(prepared.query, `query did not prepare: ${JSON.stringify(prepared.errors)}`);
    const out = evaluateQuery(prepared.query, options);
    if (c.want_errors) assertErrors(out.errors, c.want_errors);
    else assert.deepEqual(out.errors, []);
    if (c.want_results) {
      assert.equal(out.results.length, c.want_results.length, JSON.stringify(out.results));
      c.want_results.forEach((w, i) => {
        const r = out.results[i];
        if (w.bindings) assert.deepEqual(r?.bindings, w.bindings);
        if (w.expressions) assert.deepEqual(r?.expressions, w.expressions);
      });
    }
  }
  if (c.decision !== undefined && c.want_decision) {
    const d = evaluateDecision(policy, c.decision, options);
    const w = c.want_decision;
    if (w.errors) assertErrors(d.errors, w.errors);
    else assert.deepEqual(d.errors, []);
    assert.equal(d.outcome, w.outcome, JSON.stringify(d));
    if ('value' in w) assert.deepEqual(d.value, w.value);
    if (w.rules)
      assert.deepEqual(
        d.rules.map((r) => r.text),
        w.rules,
      );
    if (w.rule_lines)
      assert.deepEqual(
        d.rules.map((r) => r.location.start.line),
        w.rule_lines,
      );
    if (w.branches) {
      assert.deepEqual(
        (d.branches ?? []).map((b) => ({ value: b.value, rule: b.rule.text, conditions: b.conditions })),
        w.branches,
      );
    }
  }
  if (c.want_prints) assert.deepEqual(prints, c.want_prints);
}

for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  const doc = parse(readFileSync(join(dir, file), 'utf8'), { intAsBigInt: false }) as { cases: Case[] };
  describe(file, () => {
    for (const c of doc.cases) test(c.note, () => runCase(c));
  });
}
