/** `clearance policy lint`: text, JSON and SARIF output, Regal's exit codes, and `.clearance.yaml` settings. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runPolicyLint } from '../../../server/src/cli/lint-command';
import { writeTree } from '../../write-tree';

const clean = 'package authz\n\ndefault allow := false\n\nallow if input.user == "alice"\n';
const messy = 'package authz\n\nlimit = 10\n\n# TODO: more\nallow if "admin" == input.role\n';

function run(dir: string, paths: string[], format = 'text', failLevel = 'error') {
  const out: string[] = [];
  const err: string[] = [];
  const code = runPolicyLint(
    paths,
    { format, failLevel },
    { out: (t) => out.push(t), err: (t) => err.push(t) },
    dir,
  );
  return { code, out: out.join(''), err: err.join('') };
}

describe('clearance policy lint', () => {
  it('exits 0 on clean policies and 3 on error-level violations, naming rule and place', () => {
    const dir = writeTree({ 'policy/clean.rego': clean, 'policy/messy.rego': messy });
    assert.equal(run(dir, ['policy/clean.rego']).code, 0);
    const r = run(dir, []);
    assert.equal(r.code, 3);
    assert.match(r.out, /^policy\/messy\.rego:3:7: error: use-assignment-operator: /m);
    assert.match(r.out, /^policy\/messy\.rego:6:10: error: yoda-condition: /m);
    assert.match(r.out, /^policy\/messy\.rego:5:1: warning: todo-comment: /m);
    assert.match(r.out, /2 files linted\. \d+ violations found\./);
  });

  it('reads levels and ignored files from .clearance.yaml (flat or by category, as Regal)', () => {
    const yaml =
      'lint:\n  rules:\n    use-assignment-operator:\n      level: warning\n    style:\n      yoda-condition:\n        level: ignore\n' +
      '    opa-fmt:\n      ignore:\n        files: ["policy/*.rego"]\n';
    const dir = writeTree({ '.clearance.yaml': yaml, 'policy/messy.rego': messy });
    const r = run(dir, []);
    assert.equal(r.code, 0);
    assert.match(r.out, /warning: use-assignment-operator/);
    assert.doesNotMatch(r.out, /yoda-condition|opa-fmt/);
    assert.equal(run(dir, [], 'text', 'warning').code, 2);
    const ignored = writeTree({
      '.clearance.yaml': 'lint:\n  ignore:\n    files: ["**/messy.rego"]\n',
      'p/messy.rego': messy,
    });
    assert.equal(run(ignored, []).code, 0);
  });

  it('writes JSON and SARIF 2.1.0', () => {
    const dir = writeTree({ 'messy.rego': messy });
    const json = JSON.parse(run(dir, [], 'json').out) as {
      violations: Array<{ title: string; location: { row: number } }>;
    };
    assert.ok(json.violations.some((v) => v.title === 'use-assignment-operator' && v.location.row === 3));
    const sarif = JSON.parse(run(dir, [], 'sarif').out) as {
      version: string;
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string }> } };
        results: Array<{
          ruleId: string;
          ruleIndex: number;
          locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
        }>;
      }>;
    };
    assert.equal(sarif.version, '2.1.0');
    const run0 = sarif.runs[0];
    assert.ok(run0);
    const result = run0.results.find((x) => x.ruleId === 'yoda-condition');
    assert.ok(result);
    assert.equal(run0.tool.driver.rules[result.ruleIndex]?.id, 'yoda-condition');
    assert.equal(result.locations[0]?.physicalLocation.artifactLocation.uri, 'messy.rego');
  });

  it('exits 1 on a file that does not parse', () => {
    const dir = writeTree({ 'broken.rego': 'package x\n\np := {\n' });
    const r = run(dir, []);
    assert.equal(r.code, 1);
    assert.match(r.out, /rego_parse_error/);
  });
});
