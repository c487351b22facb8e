/**
 * The diagnostics a `.rego` document gets from its own parse before the policy's compile answers
 * (`publishEarlyRegoDiagnostics`): while no policy has loaded, its syntax errors and per-file lint;
 * once one has, only a text with a syntax error (the compile's diagnostics cover the rest).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver/node';
import { AuthoringProject } from '../../../server/src/authoring';
import type { AuthoringState } from '../../../server/src/lsp/authoring-project';
import { publishEarlyRegoDiagnostics } from '../../../server/src/lsp/lint';

function early(
  text: string,
  policyLoaded: boolean,
  path = '/ws/policy/a.rego',
  state?: AuthoringState,
): Diagnostic[] | undefined {
  let published: Diagnostic[] | undefined;
  publishEarlyRegoDiagnostics({ path, text }, policyLoaded, state, undefined, 1, (_file, d) => {
    published = d;
  });
  return published;
}

// `x = 1` in a rule body uses the comparison-or-assignment `=`: lint's use-assignment-operator.
const clean = 'package a\n\nallow if {\n\tinput.x == 1\n}\n';
const linted = 'package a\n\nallow := true\n\nx = 1\n';
const broken = 'package a\n\nallow if {\n\tinput.x ==\n';

describe('early diagnostics of a .rego document', () => {
  it('publishes syntax errors and lint before any policy has loaded', () => {
    const codes = early(broken, false)?.map((d) => d.code);
    assert.ok(codes?.includes('rego_parse_error'), JSON.stringify(codes));
    const lint = early(linted, false)?.map((d) => d.code);
    assert.ok(lint?.includes('use-assignment-operator'), JSON.stringify(lint));
    assert.deepEqual(early(clean, false), []);
  });

  it('leaves a clean text to the compile once a policy has loaded, but not a syntax error', () => {
    assert.equal(early(linted, true), undefined);
    assert.ok(early(broken, true)?.some((d) => d.code === 'rego_parse_error'));
  });

  it('parses into the authoring project when given one, with the same diagnostics', () => {
    // Only the project is read (after taking in the workspace's changes, none here): the parse the
    // completion after an edit reuses.
    const state = { project: new AuthoringProject(), refresh: () => undefined } as unknown as AuthoringState;
    assert.deepEqual(early(broken, true, '/ws/policy/a.rego', state), early(broken, true));
    assert.equal(state.project.entry('/ws/policy/a.rego')?.text, broken);
  });

  it('publishes nothing for files other than .rego', () => {
    assert.equal(early(broken, false, '/ws/policy/data.json'), undefined);
  });
});
