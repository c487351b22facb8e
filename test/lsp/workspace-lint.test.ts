/**
 * The workspace lint rules in the editor, over a real LSP connection to the built server, on the
 * fixture workspace test/fixtures/authoring: an open file's imports are checked against every policy
 * file and the workspace's data.json (which defines config.readable), by hand.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { openDocument, startServer, type TestServer, waitFor } from './lsp-client';

const fixture = join(__dirname, '..', 'fixtures', 'authoring');

describe('workspace lint rules in the editor', () => {
  let root: string;
  let server: TestServer;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'clearance-workspace-lint-'));
    cpSync(fixture, root, { recursive: true });
    server = await startServer(root, { policy: { paths: ['policy'] } });
  });

  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('reports an import nothing defines, and a rule imported instead of its package', async () => {
    const text = [
      'package api.extra',
      '',
      'import data.lib.rolez',
      'import data.lib.roles.is_admin',
      'import data.config.readable',
      '',
      'x if is_admin',
      '',
    ].join('\n');
    const uri = await openDocument(server, join(root, 'policy', 'api', 'extra.rego'), text, 'rego');
    const found = await waitFor('workspace lint diagnostics', () => {
      const lint = (server.diagnostics.get(uri) ?? []).filter(
        (d) => d.code === 'unresolved-import' || d.code === 'prefer-package-imports',
      );
      return lint.length > 0 ? lint : undefined;
    });
    assert.deepEqual(found.map((d) => `${d.range.start.line + 1}:${d.code}`).sort(), [
      '3:unresolved-import',
      '4:prefer-package-imports',
    ]);
  });

  it("reports a rule of another file's kind defined again, with the other definition as related information", async () => {
    // lib/roles.rego defines has_role as a function of two arguments (line 11) and is_admin as a rule.
    const text = ['package lib.roles', '', 'has_role := true', ''].join('\n');
    const file = join(root, 'policy', 'lib', 'more.rego');
    const uri = await openDocument(server, file, text, 'rego');
    const found = await waitFor('conflicting-rules diagnostic', () => {
      const d = (server.diagnostics.get(uri) ?? []).find((x) => x.code === 'conflicting-rules');
      return d;
    });
    assert.equal(found.range.start.line + 1, 3);
    const related = found.relatedInformation?.map(
      (r) => `${r.location.uri}:${r.location.range.start.line + 1}`,
    );
    assert.deepEqual(related, [`${pathToFileURL(join(root, 'policy', 'lib', 'roles.rego')).href}:11`]);
  });
});
