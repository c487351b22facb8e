/**
 * Rego v0 policies in the editor: the language server (over stdio, real LSP client) reads a v0
 * policy as the `clearance.policy.regoVersion` setting or the bundle's `.manifest` says, and
 * switches when the setting changes, without a restart.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { writeTree as workspace } from '../write-tree';
import { openDocument, startServer, type TestServer, waitFor } from './lsp-client';

const v0 = 'package api.authz\n\ndefault allow = false\n\nallow { input.user.role == "admin" }\n';

/** The codes of the diagnostics published for `file`, once some have been published. */
async function codesOf(
  server: TestServer,
  file: string,
  what: string,
  accept: (codes: string[]) => boolean,
): Promise<string[]> {
  const uri = pathToFileURL(file).href;
  return waitFor(what, () => {
    const d = server.diagnostics.get(uri);
    // Parse and compile errors only: lint advice (source clearance-lint) is tested in format-lint.test.ts.
    const codes = d?.filter((x) => x.source !== 'clearance-lint').map((x) => String(x.code));
    return codes && accept(codes) ? codes : undefined;
  });
}

describe('language server: Rego v0', () => {
  const servers: TestServer[] = [];
  after(async () => {
    for (const s of servers) await s.stop();
  });

  it('reports v0 syntax as a parse error under the default, and reads it once the setting says v0', async () => {
    const root = workspace({ 'policy/authz.rego': v0 });
    const server = await startServer(root, {});
    servers.push(server);
    const file = join(root, 'policy/authz.rego');
    await openDocument(server, file, v0, 'rego');
    await codesOf(server, file, 'a parse error under v1', (c) => c.includes('rego_parse_error'));
    server.settings = { policy: { regoVersion: 'v0' } };
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const codes = await codesOf(server, file, 'no error under v0', (c) => c.length === 0);
    assert.deepEqual(codes, []);
  });

  it('reads a bundle as v0 when its .manifest says rego_version 0', async () => {
    // v1's `if` is no keyword in v0: the modern file's parse error shows the manifest applies.
    const modern = 'package api.modern\n\nallow if input.ok\n';
    const root = workspace({
      'bundle/.manifest': '{"rego_version": 0}',
      'bundle/authz.rego': v0,
      'bundle/modern.rego': modern,
    });
    const server = await startServer(root, {});
    servers.push(server);
    const file = join(root, 'bundle/authz.rego');
    await openDocument(server, file, v0, 'rego');
    await codesOf(server, join(root, 'bundle/modern.rego'), 'v1 syntax rejected in a v0 bundle', (c) =>
      c.includes('rego_parse_error'),
    );
    assert.deepEqual(await codesOf(server, file, 'no error in the v0 file', () => true), []);
  });
});
