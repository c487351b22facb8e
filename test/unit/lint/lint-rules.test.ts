/**
 * Every lint rule against its case file (test/unit/lint/cases/<rule>.yaml): the violating snippet
 * must be reported by the rule, the clean one must not, and where a `fixed` text is given, applying
 * the rule's fixes to the violating snippet must give it (and the result must no longer violate).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { LINT_RULES, type LintViolation, lintSource } from '../../../server/src/lint';

const CASES = join(__dirname, 'cases');

interface LintCase {
  rule: string;
  rego_version?: 0 | 1;
  violating: string;
  clean: string;
  fixed?: string;
  violating_file?: string;
  clean_file?: string;
}

/** Applies edits (by offset, back to front). */
function applyFixes(text: string, violations: LintViolation[]): string {
  const edits = violations.flatMap((v) => v.fix?.edits ?? []).sort((a, b) => b.start.offset - a.start.offset);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start.offset) + e.text + out.slice(e.end.offset);
  return out;
}

const cases = readdirSync(CASES)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => parse(readFileSync(join(CASES, f), 'utf8')) as LintCase);

describe('lint rules', () => {
  it('has one case file per rule, and every rule documents its rationale', () => {
    assert.deepEqual(cases.map((c) => c.rule).sort(), LINT_RULES.map((r) => r.id).sort());
    for (const r of LINT_RULES) assert.ok(r.rationale.length > 20 && r.description.length > 5, r.id);
    assert.ok(LINT_RULES.length >= 40);
  });

  for (const c of cases) {
    it(c.rule, () => {
      const opts = c.rego_version === undefined ? {} : { regoVersion: c.rego_version };
      const only = (file: string, text: string) =>
        lintSource(file, text, opts).filter((v) => v.rule === c.rule);
      const bad = only(c.violating_file ?? 'policy.rego', c.violating);
      assert.ok(bad.length > 0, `${c.rule} should report the violating snippet`);
      assert.deepEqual(
        only(c.clean_file ?? 'policy.rego', c.clean),
        [],
        `${c.rule} should not report the clean snippet`,
      );
      if (c.fixed !== undefined) {
        const fixed = applyFixes(c.violating, bad);
        assert.equal(fixed, c.fixed);
        assert.deepEqual(only(c.violating_file ?? 'policy.rego', fixed), []);
      }
    });
  }
});
