/**
 * The web worker's file layer: the in-memory snapshot answers as Node's file system does (folders
 * implied by paths, bounded reads, deletions), and workspace URIs of any scheme map to the core's
 * paths and back (`vscode-vfs://github/...` on github.dev).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryFiles } from '../../../server/src/files/memory-files';
import { splitRootUri, toWorkspacePath, toWorkspaceUri, useRootUri } from '../../../server/src/lsp/web/uris';

describe('MemoryFiles', () => {
  const files = new MemoryFiles();
  files.set('/repo/policy/authz.rego', 'package authz\n');
  files.set('/repo/policy/data.json', '{"roles": {}}');
  files.set('/repo/README.md', 'héllo');

  it('implies the folders above each file', () => {
    assert.equal(files.kindOf('/repo'), 'directory');
    assert.equal(files.kindOf('/repo/policy/'), 'directory');
    assert.equal(files.kindOf('/repo/policy/authz.rego'), 'file');
    assert.equal(files.kindOf('/repo/missing'), undefined);
    assert.deepEqual(
      files
        .list('/repo')
        ?.map((e) => `${e.name}:${e.kind}`)
        .sort(),
      ['README.md:file', 'policy:directory'],
    );
    assert.equal(files.list('/nowhere'), undefined);
  });

  it('reads within the limit in UTF-8 bytes, and says why not otherwise', () => {
    assert.deepEqual(files.readText('/repo/policy/authz.rego', 100), { ok: true, text: 'package authz\n' });
    // "héllo" is 6 bytes in UTF-8 though 5 characters.
    assert.deepEqual(files.readText('/repo/README.md', 5), {
      ok: false,
      problem: { kind: 'too-large', limitBytes: 5, sizeBytes: 6 },
    });
    assert.deepEqual(files.readText('/repo/policy', 100), { ok: false, problem: { kind: 'directory' } });
    assert.deepEqual(files.readText('/repo/nope.rego', 100), { ok: false, problem: { kind: 'not-found' } });
  });

  it('answers a recorded read problem, an empty listed folder, and reads outside `within`, as Node would', () => {
    const seen = new MemoryFiles();
    seen.setProblem('/ws/api/huge.yaml', { kind: 'too-large', limitBytes: 10, sizeBytes: 20 });
    assert.deepEqual(seen.readText('/ws/api/huge.yaml', 100), {
      ok: false,
      problem: { kind: 'too-large', limitBytes: 10, sizeBytes: 20 },
    });
    seen.set('/ws/api/huge.yaml', 'small now');
    assert.deepEqual(seen.readText('/ws/api/huge.yaml', 100), { ok: true, text: 'small now' });
    seen.setFolder('/ws/queries');
    assert.deepEqual(seen.list('/ws/queries'), []);
    assert.equal(seen.kindOf('/ws/queries'), 'directory');
    assert.deepEqual(seen.readText('/ws/api/huge.yaml', 100, { within: '/ws/src' }), {
      ok: false,
      problem: { kind: 'outside', root: '/ws/src' },
    });
    assert.equal(seen.contains('/ws', '/ws/../etc/passwd'), false);
    assert.equal(seen.contains('/ws', '/ws/api/x.yaml'), true);
  });

  it('forgets a deleted file and every file when cleared', () => {
    const copy = new MemoryFiles();
    copy.set('/a/b.rego', 'x');
    copy.delete('/a/b.rego');
    assert.equal(copy.kindOf('/a/b.rego'), undefined);
    assert.deepEqual(copy.list('/a'), []);
    copy.set('/a/c.rego', 'y');
    copy.clear();
    assert.equal(copy.size, 0);
    assert.equal(copy.kindOf('/a'), undefined);
  });
});

describe('workspace URIs in the web build', () => {
  it('splits a root URI into its scheme and authority and its path', () => {
    assert.deepEqual(splitRootUri('vscode-vfs://github/acme/shop'), {
      base: 'vscode-vfs://github',
      path: '/acme/shop',
    });
    assert.deepEqual(splitRootUri('memfs:/sample'), { base: 'memfs:', path: '/sample' });
  });

  it('maps paths to URIs of the root and back, encoding what needs it', () => {
    const root = 'vscode-vfs://github/acme/shop';
    assert.equal(useRootUri(root), '/acme/shop');
    const uri = toWorkspaceUri('/acme/shop/src/my file#1.ts');
    assert.equal(uri, 'vscode-vfs://github/acme/shop/src/my%20file%231.ts');
    assert.equal(toWorkspacePath(uri, root), '/acme/shop/src/my file#1.ts');
    assert.equal(toWorkspacePath('file:///acme/shop/x.ts', root), undefined);
    assert.equal(toWorkspacePath('vscode-vfs://gitlab/acme/shop/x.ts', root), undefined);
  });
});
