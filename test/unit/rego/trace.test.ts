/**
 * The evaluation trace against OPA's own expected traces (test/fixtures/rego/trace/opa-trace.yaml):
 * the events, their order, depth bars, Index messages, early exits and the `--explain` filters.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import {
  compilePolicy,
  type ExplainMode,
  evaluateQuery,
  filterTrace,
  type JsonValue,
  prepareQuery,
  prettyTrace,
  Tracer,
} from '../../../server/src/rego/index';

/** One case: a policy, a query, the filter and OPA's printed trace. */
interface Case {
  note: string;
  modules: string[];
  module_file?: string;
  v0?: boolean;
  query: string;
  data?: JsonValue;
  mode: ExplainMode;
  locations?: boolean;
  want: string;
}

const file = join(__dirname, '..', '..', 'fixtures', 'rego', 'trace', 'opa-trace.yaml');
const { cases } = parse(readFileSync(file, 'utf8')) as { cases: Case[] };

for (const c of cases) {
  test(c.note, () => {
    const { policy, errors } = compilePolicy(
      c.modules.map((text, i) => ({
        file: c.module_file ?? `module${i}.rego`,
        text,
        regoVersion: c.v0 ? 0 : 1,
      })),
    );
    assert.deepEqual(errors, []);
    const prepared = prepareQuery(policy, c.query);
    assert.ok(prepared.query, JSON.stringify(prepared.errors));
    const tracer = new Tracer();
    const evaluated = evaluateQuery(prepared.query, { tracer, ...(c.data ? { data: c.data } : {}) });
    assert.deepEqual(evaluated.errors, []);
    const got = prettyTrace(filterTrace(tracer.events, c.mode), { locations: c.locations === true });
    assert.equal(got, c.want);
  });
}

test('an evaluation without a tracer records nothing and gives the same answer', () => {
  const { policy } = compilePolicy([{ file: 'p.rego', text: 'package p\nallow if input.x == 1\n' }]);
  const prepared = prepareQuery(policy, 'data.p.allow');
  assert.ok(prepared.query);
  const tracer = new Tracer();
  const traced = evaluateQuery(prepared.query, { input: { x: 1 }, tracer });
  const plain = evaluateQuery(prepared.query, { input: { x: 1 } });
  assert.deepEqual(traced, plain);
  assert.ok(tracer.events.length > 0);
});
