import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadPolicy, maxPolicyFileBytes } from '../../../server/src/policy/load';

const policy = 'package api.authz\n\ndefault allow := false\n\nallow if input.user.role == "admin"\n';

/** Writes `files` (relative path -> text) into a fresh folder and returns it. */
function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'clearance-policy-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('loadPolicy', () => {
  it('finds .rego files anywhere but node_modules and compiles them', () => {
    const root = folder({
      'policy/authz.rego': policy,
      'node_modules/x/bad.rego': 'package',
      'src/a.ts': '',
    });
    const loaded = loadPolicy(root, []);
    assert.deepEqual(loaded.errors, []);
    assert.deepEqual(loaded.regoFiles, [join(root, 'policy/authz.rego')]);
  });

  it('merges data.json and data.yaml at their folder path, as an OPA bundle does', () => {
    const root = folder({
      'policy/authz.rego': policy,
      'policy/data.json': '{"limits": {"max": 3}}',
      'policy/roles/data.yaml': 'admin:\n  - alice\n',
      'policy/other.json': '{"ignored": true}',
    });
    const loaded = loadPolicy(root, ['policy']);
    assert.deepEqual(loaded.data, { limits: { max: 3 }, roles: { admin: ['alice'] } });
  });

  it('versions the policy by content: same files, same version; one byte changed, a new version', () => {
    const a = loadPolicy(folder({ 'p/authz.rego': policy }), []);
    const b = loadPolicy(folder({ 'p/authz.rego': policy }), []);
    const c = loadPolicy(folder({ 'p/authz.rego': `${policy}\n` }), []);
    assert.match(a.version, /^sha256:[0-9a-f]{12}$/);
    assert.equal(a.version, b.version);
    assert.notEqual(a.version, c.version);
  });

  it('prefers the text of an open document over the file on disk', () => {
    const root = folder({ 'authz.rego': policy });
    const onDisk = loadPolicy(root, []);
    const edited = loadPolicy(
      root,
      [],
      new Map([[join(root, 'authz.rego'), `${policy}allow if input.user.role == "root"\n`]]),
    );
    assert.notEqual(onDisk.version, edited.version);
  });

  it('reports a malformed data file with its line and column, and still compiles the policy', () => {
    const root = folder({ 'authz.rego': policy, 'data.json': '{\n  "a": 1,\n  "b": \n}\n' });
    const loaded = loadPolicy(root, []);
    const error = loaded.errors.find((e) => e.code === 'data_parse_error');
    assert.ok(error, JSON.stringify(loaded.errors));
    assert.equal(error.location?.file, join(root, 'data.json'));
    assert.equal(error.location?.start.line, 4);
    assert.equal(loaded.regoFiles.length, 1);
  });

  it('reports a policy path that does not exist', () => {
    const loaded = loadPolicy(folder({ 'authz.rego': policy }), ['missing']);
    assert.match(loaded.errors[0]?.message ?? '', /missing does not exist/);
  });

  it('refuses a policy file over the size limit instead of reading it', () => {
    const root = folder({
      'authz.rego': policy,
      'huge.rego': `package huge\n${'# x\n'.repeat(maxPolicyFileBytes / 4 + 1)}`,
    });
    const loaded = loadPolicy(root, []);
    assert.equal(
      loaded.errors.find((e) => e.code === 'file_too_large')?.location?.file,
      join(root, 'huge.rego'),
    );
    assert.deepEqual(loaded.regoFiles, [join(root, 'authz.rego')]);
  });

  it('reports Rego parse errors with the file and line', () => {
    const root = folder({ 'authz.rego': 'package api.authz\n\nallow if {\n' });
    const loaded = loadPolicy(root, []);
    const error = loaded.errors.find((e) => e.code === 'rego_parse_error');
    assert.ok(error, JSON.stringify(loaded.errors));
    assert.equal(error.location?.file, join(root, 'authz.rego'));
  });
});
