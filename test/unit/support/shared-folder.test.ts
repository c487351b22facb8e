/**
 * The tests that read ../shared (OPA's conformance cases, the Rego corpus, OPA-compiled wasm) fail
 * with one message naming where ../shared was looked for when a clone has no ../shared beside it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { sharedPath, sharedPathBeside } from '../../support/shared-folder';

const scratch = mkdtempSync(join(tmpdir(), 'clearance-shared-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

it('says ../shared is missing, where it was looked for, and what to do', () => {
  const project = join(scratch, 'alone', 'clearance');
  mkdirSync(project, { recursive: true });
  assert.throws(() => sharedPathBeside(project, 'opa-wasm'), {
    message: `../shared not found beside the project at ${join(scratch, 'alone', 'shared')}: clone the project beside it, as CI does`,
  });
});

it('names the folder missing from an incomplete ../shared', () => {
  const project = join(scratch, 'partial', 'clearance');
  mkdirSync(project, { recursive: true });
  mkdirSync(join(scratch, 'partial', 'shared'));
  assert.throws(
    () => sharedPathBeside(project, 'rego-corpus'),
    /^Error: \.\.\/shared\/rego-corpus not found at /,
  );
});

it('finds the ../shared beside this project, as CI clones it', () => {
  assert.match(sharedPath('opa-conformance'), /[\\/]shared[\\/]opa-conformance$/);
});
