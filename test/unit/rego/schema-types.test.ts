/**
 * Type errors inferred from the input's JSON Schema (`policy check --schema`): each case of
 * test/fixtures/rego/schema/type-errors.yaml is either ported from OPA's own tests (OPA's expected
 * substring, asserted as OPA asserts it) or ours, with the exact errors OPA's format gives.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { ClearanceError } from '../../../server/src/errors';
import { checkInputSchemas, parseModule } from '../../../server/src/rego/index';

interface Case {
  note: string;
  source?: string;
  opa?: boolean;
  err?: string;
  input?: string;
  modules: string[];
  want?: string[];
}

const file = join(__dirname, '..', '..', 'fixtures', 'rego', 'schema', 'type-errors.yaml');
const doc = parse(readFileSync(file, 'utf8')) as { schemas: Record<string, unknown>; cases: Case[] };
const schemas = new Map(Object.entries(doc.schemas));

/** An error as OPA's `Error()` prints it: `file:line: code: message`. */
function opaText(e: ClearanceError): string {
  return `${e.location?.file}:${e.location?.start.line}: ${e.code}: ${e.message}`;
}

describe('type errors from the input schema', () => {
  for (const c of doc.cases) {
    it(c.opa ? `OPA ${c.source}` : c.note, () => {
      const modules = c.modules.map((text, i) => {
        // OPA's annotation tests are written in v0 syntax; ours in v1.
        const parsed = parseModule(text, { file: `test${i + 1}.rego`, regoVersion: c.opa ? 0 : 1 });
        assert.deepEqual(parsed.errors, []);
        return parsed.module as NonNullable<typeof parsed.module>;
      });
      const global = c.input === undefined ? null : doc.schemas[c.input];
      const got = checkInputSchemas(modules, schemas, global).map(opaText);
      if (c.opa) {
        if (c.err === undefined) assert.deepEqual(got, []);
        else {
          assert.ok(got.length > 0, `expected an error containing ${c.err}`);
          for (const g of got) assert.ok(g.includes(c.err), `${g} does not contain ${c.err}`);
        }
      } else {
        assert.deepEqual(got, c.want);
      }
    });
  }
});
