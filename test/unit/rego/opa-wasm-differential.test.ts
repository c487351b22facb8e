/**
 * Differential testing against OPA's own compiled output: the policies in ../shared/opa-wasm were
 * compiled to WebAssembly by `opa build -t wasm`; @open-policy-agent/opa-wasm evaluates them. Both
 * engines decide the same generated inputs (and data), and every answer must agree. Inputs come
 * from fast-check with a fixed seed, not from examples chosen by hand; the counts are printed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import fc from 'fast-check';
import { compilePolicy, evaluateQuery, type JsonValue, prepareQuery } from '../../../server/src/rego/index';
import { sharedPath } from '../../support/shared-folder';

const shared = sharedPath('opa-wasm');

/** A compiled policy of OPA's with its Rego source and entrypoint. */
interface Subject {
  dir: string;
  rego: string;
  entrypoint: string;
  query: string;
  /** Generated cases: the input and, when the policy reads data, the data document. */
  cases: fc.Arbitrary<{ input: JsonValue; data?: JsonValue }>;
  runs: number;
}

/** JSON values, with the strings the policies compare against mixed in. */
const json = (strings: string[]) =>
  fc.letrec<{ value: JsonValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(...strings),
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('fragment', 'action', 'object', 'x', ...strings), tie('value'), {
        maxKeys: 3,
      }),
    ),
  })).value;

const users = ['userA', 'userB', 'alice'];
const roles = ['editor', 'viewer', 'admin'];
const actions = ['edit', 'create', 'read', 'delete'];
const objects = ['article', 'comment', 'user'];

const permission = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ action: fc.constantFrom(...actions), object: fc.constantFrom(...objects) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      action: fc.constantFrom(...actions),
      object: fc.constantFrom(...objects),
      extra: fc.integer(),
    }),
  },
  { weight: 1, arbitrary: json([...actions, ...objects]) },
);

const subjects: Subject[] = [
  {
    dir: 'opa-wasm-browser',
    rego: 'test.rego',
    entrypoint: 'test/p',
    query: 'data.test.p',
    cases: fc
      .oneof(
        {
          weight: 4,
          arbitrary: fc.record(
            {
              fragment: fc.oneof(
                { weight: 2, arbitrary: fc.constant('moo') },
                { weight: 3, arbitrary: json(['moo', 'Moo', 'moo ', 'mo', '']) },
              ),
            },
            { requiredKeys: [] },
          ),
        },
        { weight: 1, arbitrary: json(['moo']) },
      )
      .map((input) => ({ input })),
    runs: 3000,
  },
  {
    dir: 'opa-webassembly-ts',
    rego: 'example.rego',
    entrypoint: 'example/allow',
    query: 'data.example.allow',
    cases: fc.record({
      input: fc.oneof(
        {
          weight: 5,
          arbitrary: fc.record(
            {
              user: fc.constantFrom(...users),
              action: fc.constantFrom(...actions),
              object: fc.constantFrom(...objects),
            },
            { requiredKeys: [] },
          ),
        },
        { weight: 1, arbitrary: json([...users, ...actions, ...objects]) },
      ),
      data: fc.record({
        user_roles: fc.dictionary(
          fc.constantFrom(...users),
          fc.oneof(
            { weight: 5, arbitrary: fc.array(fc.constantFrom(...roles), { minLength: 1, maxLength: 3 }) },
            { weight: 1, arbitrary: json(roles) },
          ),
        ),
        role_permissions: fc.dictionary(
          fc.constantFrom(...roles),
          fc.oneof(
            { weight: 5, arbitrary: fc.array(permission, { minLength: 1, maxLength: 6 }) },
            { weight: 1, arbitrary: json(actions) },
          ),
        ),
      }),
    }),
    runs: 3000,
  },
];

describe("differential: our engine against OPA's compiled wasm", () => {
  for (const s of subjects) {
    const dir = join(shared, s.dir);
    it(`${s.dir} (${s.entrypoint}) agrees on ${s.runs} generated cases`, async () => {
      const wasm = await loadPolicy(readFileSync(join(dir, 'policy.wasm')));
      const { policy, errors } = compilePolicy([
        { file: s.rego, text: readFileSync(join(dir, s.rego), 'utf8'), regoVersion: 0 },
      ]);
      assert.deepEqual(errors, []);
      const prepared = prepareQuery(policy, s.query);
      assert.ok(prepared.query);
      const cases = fc.sample(s.cases, { seed: 20261206, numRuns: s.runs });
      const disagreements: string[] = [];
      let allowed = 0;
      for (const c of cases) {
        wasm.setData((c.data ?? {}) as object);
        const theirs = wasm.evaluate(c.input, s.entrypoint) as Array<{ result: JsonValue }>;
        const opa = theirs.length === 0 ? undefined : theirs[0]?.result;
        const r = evaluateQuery(prepared.query, { input: c.input, ...(c.data ? { data: c.data } : {}) });
        assert.deepEqual(r.errors, []);
        const ours = r.results.length === 0 ? undefined : r.results[0]?.expressions[0];
        if (opa === true) allowed++;
        if (JSON.stringify(ours) !== JSON.stringify(opa)) {
          disagreements.push(
            `input ${JSON.stringify(c.input)} data ${JSON.stringify(c.data)}: ours ${JSON.stringify(ours)}, OPA ${JSON.stringify(opa)}`,
          );
        }
      }
      console.log(
        `${s.dir}: ${cases.length} cases compared (${allowed} true in OPA), ${disagreements.length} disagreements`,
      );
      assert.deepEqual(disagreements.slice(0, 10), []);
    });
  }
});
