/**
 * Every workspace lint rule against its case file (test/unit/lint/workspace-cases/<rule>.yaml): the
 * files of a small workspace, its data, and the file:line of each finding, worked out by hand.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { lintWorkspace, WORKSPACE_LINT_RULES } from '../../../server/src/lint/workspace';

const CASES = join(__dirname, 'workspace-cases');

interface WorkspaceCase {
  rule: string;
  data: Record<string, unknown>;
  files: Record<string, string>;
  want: string[];
  /** For rules that name another place: finding file:line -> the related file:line. */
  related?: Record<string, string>;
}

const cases = readdirSync(CASES)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => parse(readFileSync(join(CASES, f), 'utf8')) as WorkspaceCase);

describe('workspace lint rules', () => {
  it('has one case file per rule, each with a rationale', () => {
    assert.deepEqual(cases.map((c) => c.rule).sort(), WORKSPACE_LINT_RULES.map((r) => r.id).sort());
    for (const r of WORKSPACE_LINT_RULES) assert.ok(r.rationale.length > 20, r.id);
  });

  for (const c of cases)
    it(c.rule, () => {
      const sources = Object.entries(c.files).map(([file, text]) => ({ file: `/w/${file}`, text }));
      const violations = lintWorkspace(sources, { data: c.data as never }).filter((v) => v.rule === c.rule);
      const at = (l: { file: string; start: { line: number } }) => `${l.file.slice(3)}:${l.start.line}`;
      assert.deepEqual(violations.map((v) => at(v.location)).sort(), [...c.want].sort());
      if (!c.related) return;
      const related = Object.fromEntries(
        violations.map((v) => [at(v.location), v.related?.map((r) => at(r.location)).join(',')]),
      );
      assert.deepEqual(related, c.related);
      // The message names the other place too, for the CLI's one-line output.
      for (const v of violations) assert.ok(v.message.includes(`/w/${c.related[at(v.location)]}`), v.message);
    });

  it('follows the configuration: a rule set to ignore, or ignored for a file, reports nothing', () => {
    const c = cases.find((x) => x.rule === 'unresolved-import') as WorkspaceCase;
    const sources = Object.entries(c.files).map(([file, text]) => ({ file: `/w/${file}`, text }));
    const rules = (config: object) =>
      lintWorkspace(sources, { config, data: c.data as never }).filter((v) => v.rule === c.rule);
    assert.equal(rules({ rules: { imports: { 'unresolved-import': { level: 'ignore' } } } }).length, 0);
    assert.equal(
      rules({ rules: { 'unresolved-import': { ignore: { files: ['**/authz.rego'] } } } }).length,
      0,
    );
    assert.equal(rules({ rules: { 'unresolved-import': { level: 'warning' } } })[0]?.level, 'warning');
  });
});
