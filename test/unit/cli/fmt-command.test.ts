/** `clearance policy fmt`: output, `-w`, `--list`, `--diff`, `--fail`, v0 input, and parse errors. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runPolicyFmt } from '../../../server/src/cli/fmt-command';
import { writeTree } from '../../write-tree';

const v0 =
  'package authz\n\ndefault allow = false\nallow { input.user == "alice" }\nroles[r] { r := input.roles[_] }\n';
// Written by hand from `opa fmt`'s rules: `if`, `contains`, `:=` in heads, a one-expression body on
// the head's line stays there, adjacent one-line rules stay together, a blank line after `default`.
const v1 =
  'package authz\n\ndefault allow := false\n\nallow if input.user == "alice"\nroles contains r if r := input.roles[_]\n';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { output: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('clearance policy fmt', () => {
  it('prints v0 input as v1', () => {
    const dir = writeTree({ 'a.rego': v0 });
    const c = capture();
    assert.equal(runPolicyFmt([join(dir, 'a.rego')], {}, c.output), 0);
    assert.equal(c.out.join(''), v1);
  });

  it('keeps v0 with --v0-compatible', () => {
    const c = capture();
    assert.equal(
      runPolicyFmt([], { v0Compatible: true }, c.output, () => v0),
      0,
    );
    assert.equal(
      c.out.join(''),
      'package authz\n\ndefault allow = false\n\nallow {\n\tinput.user == "alice"\n}\n\nroles[r] {\n\tr := input.roles[_]\n}\n',
    );
  });

  it('lists, diffs and fails on unformatted files, and -w fixes them', () => {
    const dir = writeTree({ 'a.rego': v0, 'sub/b.rego': v1 });
    const list = capture();
    assert.equal(runPolicyFmt([dir], { list: true, fail: true }, list.output), 1);
    assert.deepEqual(list.out, [`${join(dir, 'a.rego')}\n`]);
    const diff = capture();
    assert.equal(runPolicyFmt([dir], { diff: true }, diff.output), 0);
    assert.match(diff.out.join(''), /^-allow \{ input.user == "alice" \}$/m);
    assert.match(diff.out.join(''), /^\+allow if input.user == "alice"$/m);
    assert.equal(runPolicyFmt([dir], { write: true }, capture().output), 0);
    assert.equal(readFileSync(join(dir, 'a.rego'), 'utf8'), v1);
    assert.equal(runPolicyFmt([dir], { list: true, fail: true }, capture().output), 0);
  });

  it('exits 2 with the parse error on a broken file', () => {
    const c = capture();
    assert.equal(
      runPolicyFmt([], {}, c.output, () => 'package x\n\np := {\n'),
      2,
    );
    assert.match(c.err.join(''), /rego_parse_error/);
  });
});
