/**
 * The editor's sign-in handed to the language server (`clearance/session`): a real ID token from a
 * real oidc-provider on 127.0.0.1 becomes the identity, open documents are re-decided with it, and
 * signing out (a null token) takes it away again. The token never appears in anything the server says.
 * Expected decisions follow from examples/shop/policy/authz.rego: admins may do anything. Without
 * an identity nothing is decided, so nothing is flagged (docs/messages.md).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  loadSignInEndpoints,
  pollDeviceToken,
  startDeviceAuthorization,
  type TokenSet,
} from '../../server/src/identity/oidc';
import { startTestProvider, TEST_CLIENT_ID, type TestProvider } from '../support/oidc-provider';
import { openDocument, startServer, type TestServer, waitFor } from './lsp-client';

const example = join(__dirname, '..', '..', 'examples', 'shop');

describe('sign-in session in the language server', () => {
  let provider: TestProvider;
  let root: string;
  let server: TestServer;
  let bob: TokenSet;
  let ordersUri: string;

  before(async () => {
    provider = await startTestProvider();
    const config = { issuer: provider.issuer, clientId: TEST_CLIENT_ID };
    const loaded = await loadSignInEndpoints(config);
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.reason);
    const started = await startDeviceAuthorization(config, loaded.endpoints);
    assert.ok(started.ok);
    const polling = pollDeviceToken(config, loaded.endpoints, started.authorization, {
      sleep: () => new Promise((r) => setTimeout(r, 100)),
    });
    await provider.approveDevice(started.authorization.userCode, 'bob');
    const result = await polling;
    assert.ok(result.ok, result.ok ? '' : result.reason);
    bob = result.tokens;

    root = mkdtempSync(join(tmpdir(), 'clearance-signin-'));
    cpSync(example, root, { recursive: true });
    server = await startServer(root, {
      identity: {
        jwksUrl: provider.jwksUri,
        issuer: provider.issuer,
        clientId: TEST_CLIENT_ID,
        tokenEnv: '',
      },
    });
    const path = join(root, 'src/api/orders.ts');
    ordersUri = await openDocument(server, path, readFileSync(path, 'utf8'), 'typescript');
  });

  after(async () => {
    await server?.stop();
    await provider?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const denials = () =>
    (server.diagnostics.get(ordersUri) ?? []).filter((d) =>
      /denied/i.test(typeof d.message === 'string' ? d.message : d.message.value),
    );

  it('starts with no identity: no call is flagged, and one notice says how to set one up', async () => {
    await waitFor('no identity', () => server.identities.find((v) => v.status === 'missing'));
    const diagnostics = await waitFor('diagnostics', () => server.diagnostics.get(ordersUri));
    assert.deepEqual(diagnostics, []);
    const notices = server.messages.filter((m) => /no identity/.test(m));
    assert.equal(notices.length, 1, server.messages.join('\n'));
    assert.match(
      notices[0] ?? '',
      /Sign in, choose where your token comes from, or evaluate as a claims file/,
    );
  });

  it('takes the signed-in ID token as the identity, verified, and re-decides the open file', async () => {
    await server.connection.sendNotification('clearance/session', { token: bob.idToken });
    const view = await waitFor('bob', () =>
      server.identities.find((v) => v.status === 'verified' && v.text.includes('bob@example.com')),
    );
    assert.match(view.text, /bob@example\.com · admin · \d+m/);
    assert.match((view as { tooltip?: string }).tooltip ?? '', /Source: Clearance sign-in/);
    await waitFor('no denials for an admin', () => (denials().length === 0 ? true : undefined));
  });

  it('drops the identity on sign-out (a null token)', async () => {
    const before = server.identities.length;
    await server.connection.sendNotification('clearance/session', { token: null });
    await waitFor('no identity again', () =>
      server.identities.slice(before).find((v) => v.status === 'missing'),
    );
    const diagnostics = await waitFor('re-decided without an identity', () =>
      server.diagnostics.get(ordersUri)?.length === 0 ? server.diagnostics.get(ordersUri) : undefined,
    );
    assert.deepEqual(diagnostics, []);
  });

  it('never says the token', () => {
    const said = server.transcript.join('\n');
    assert.ok(!said.includes(bob.idToken), 'the ID token appeared in what the server said');
    assert.ok(!said.includes(bob.idToken.split('.')[2] ?? 'x'), 'the token signature appeared');
  });
});
