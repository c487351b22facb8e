/**
 * Schema-based checking of input refs (`policy check --schema`): each case of
 * test/fixtures/rego/schema/input-refs.yaml gives a JSON Schema, a module and the undefined refs
 * OPA's type checker reports for it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { checkInputSchemas, parseModule } from '../../../server/src/rego/index';

interface Case {
  note: string;
  schema: unknown;
  module: string;
  want: Array<{ line: number; have: string; want: string[] }>;
}

const file = join(__dirname, '..', '..', 'fixtures', 'rego', 'schema', 'input-refs.yaml');
const doc = parse(readFileSync(file, 'utf8')) as { cases: Case[] };

describe('input refs against a JSON Schema', () => {
  for (const c of doc.cases) {
    it(c.note, () => {
      const parsed = parseModule(c.module, { file: 'p.rego', regoVersion: 1 });
      assert.deepEqual(parsed.errors, []);
      const errors = checkInputSchemas(
        [parsed.module as NonNullable<typeof parsed.module>],
        new Map(),
        c.schema,
      );
      const got = errors.map((e) => {
        const have = /have: "([^"]*)"/.exec(e.message)?.[1];
        const want = [...(/want \(one of\): \[(.*)\]/.exec(e.message)?.[1] ?? '').matchAll(/"([^"]*)"/g)].map(
          (m) => m[1],
        );
        assert.equal(e.code, 'rego_type_error');
        assert.match(e.message, /^undefined ref: input\./);
        return { line: e.location?.start.line, have, want };
      });
      assert.deepEqual(got, c.want);
    });
  }
});
