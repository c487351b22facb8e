/** The formatter against hand-written cases (test/unit/rego/format/cases.yaml); each must also be idempotent. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { type FormatTarget, formatSource } from '../../../server/src/rego/format';

const { cases } = parse(readFileSync(join(__dirname, 'format', 'cases.yaml'), 'utf8')) as {
  cases: Array<{ note: string; input: string; want: string; target?: FormatTarget }>;
};

describe('formatter cases', () => {
  for (const c of cases) {
    it(c.note, () => {
      const target = c.target ?? 'v1';
      const r = formatSource(c.input, { target });
      assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
      assert.equal(r.text, c.want);
      const again = formatSource(r.text, { target: target === 'v0v1' ? 'v0v1' : target });
      assert.ok(again.ok);
      assert.equal(again.text, c.want);
    });
  }
});
