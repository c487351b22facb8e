/**
 * The language server when the workspace around the code changes: no policy at all, a policy folder
 * deleted and restored, a token pasted into a setting, a `.rego` file outside the policy.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { hoverText, openDocument, shopIdentitySettings, type TestServer, waitFor } from './lsp-client';
import { useShopServer } from './shop-server';

const identity = {
  ...shopIdentitySettings,
  // These tests count the DELETE call's warning; conditional calls' marks are tested in editor-features.test.ts.
  diagnostics: { conditionalSeverity: 'none' },
};

/** Sends new settings and waits until the server has applied them (each refresh ends with the identity). */
async function applySettings(server: TestServer, settings: Record<string, unknown>): Promise<void> {
  const seen = server.identities.length;
  server.settings = settings;
  await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  await waitFor('the settings to apply', () => (server.identities.length > seen ? true : undefined));
}

describe('a workspace without any Rego policy', () => {
  const suite = useShopServer({
    prefix: 'clearance-ws-',
    withPolicy: false,
    ttlSeconds: 900,
    settings: identity,
  });
  let server: TestServer;
  let root: string;
  before(() => ({ root, server } = suite));

  it('flags no call and shows no pop-up, but says in the output and the hover that there is no policy', async () => {
    const text = readFileSync(join(root, 'src/api/orders.ts'), 'utf8');
    const uri = await openDocument(server, join(root, 'src/api/orders.ts'), text, 'typescript');
    const diagnostics = await waitFor('diagnostics', () => server.diagnostics.get(uri));
    assert.deepEqual(diagnostics, []);
    assert.ok(server.transcript.some((line) => line.includes('no .rego policy found')));
    assert.deepEqual(server.messages, []);
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes("method: 'DELETE'"));
    const hover = await hoverText(server, uri, line, (lines[line] as string).indexOf('fetch'));
    assert.match(hover ?? '', /Not decided: no policy yet/);
  });

  it('pops up a notice when the configured policy location holds no policy', async () => {
    await applySettings(server, { ...identity, policy: { paths: ['src'] } });
    const notice = await waitFor('a notice', () =>
      server.messages.find((m) => m.includes('no .rego policy')),
    );
    assert.match(notice, /clearance\.policy\.paths/);
  });
});

describe('a workspace whose policy changes on disk', () => {
  const suite = useShopServer({ prefix: 'clearance-ws-', ttlSeconds: 900, settings: identity });
  let server: TestServer;
  let root: string;
  let token: string;
  let ordersUri: string;
  before(async () => {
    ({ root, token, server } = suite);
    const text = readFileSync(join(root, 'src/api/orders.ts'), 'utf8');
    ordersUri = await openDocument(server, join(root, 'src/api/orders.ts'), text, 'typescript');
    await waitFor('the DELETE warning', () =>
      server.diagnostics.get(ordersUri)?.length === 1 ? true : undefined,
    );
  });

  it('notices a deleted policy folder from the one event for the folder, and recovers when it is back', async () => {
    const away = join(mkdtempSync(join(tmpdir(), 'clearance-away-')), 'policy');
    renameSync(join(root, 'policy'), away);
    const folder = pathToFileURL(join(root, 'policy')).href;
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: folder, type: 3 }],
    });
    await waitFor('the warning to go', () =>
      server.diagnostics.get(ordersUri)?.length === 0 ? true : undefined,
    );
    await waitFor('the log line', () => server.transcript.find((m) => m.includes('no .rego policy')));
    renameSync(away, join(root, 'policy'));
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: folder, type: 1 }],
    });
    await waitFor('the warning to come back', () =>
      server.diagnostics.get(ordersUri)?.length === 1 ? true : undefined,
    );
  });

  it('checks a .rego file outside the policy paths as you type', async () => {
    await applySettings(server, { ...identity, policy: { paths: ['policy'] } });
    const path = join(root, 'scratch.rego');
    writeFileSync(path, '');
    const uri = await openDocument(server, path, 'package scratch\n\nallow if {\n', 'rego');
    const diagnostics = await waitFor('a parse error', () =>
      server.diagnostics.get(uri)?.find((d) => d.code === 'rego_parse_error'),
    );
    assert.ok(diagnostics.range.start.line >= 2);
  });

  it('never shows a token pasted into a setting that is not about identity', async () => {
    await applySettings(server, { ...identity, policy: { paths: [token], entrypoint: `data.${token}` } });
    await waitFor('a notice', () => server.messages.find((m) => m.includes('does not exist')));
    await applySettings(server, identity);
    const all = server.transcript.join('\n');
    for (let i = 0; i + 12 <= token.length; i += 12) {
      assert.ok(
        !all.includes(token.slice(i, i + 12)),
        `a piece of the token was written: ${token.slice(i, i + 12)}`,
      );
    }
  });
});
