/**
 * The identity as the editor sees it, through a real LSP client over stdio: the `clearance/identity`
 * notification's fields, evaluate-as claims labelled simulated in the status and the hovers, a
 * changed identity re-deciding open files (with `input.context.mfa` deciding one call), and an
 * untrusted workspace's settings neither running a program nor choosing the keys.
 */
import assert from 'node:assert/strict';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import { hoverText, openDocument, startServer, type TestServer, waitFor } from './lsp-client';

const example = join(__dirname, '..', '..', 'examples', 'shop');

/** The notification's fields this test reads (see server/src/lsp/workspace.ts `IdentityView`). */
interface IdentityView {
  text: string;
  tooltip: string;
  status: string;
  expiresAt?: number;
  source: { kind: string; label: string };
  simulated: boolean;
  user: { id: string; role?: string; roles: string[] } | null;
  claims: Record<string, unknown> | null;
}

const aliceIdentity = {
  tokenFile: 'identity/alice.jwt',
  jwksFile: 'identity/jwks.json',
  issuer: 'https://id.example.com',
  audience: 'clearance-demo',
};

async function makeShopCopy(): Promise<{ root: string; tokens: Record<string, string> }> {
  const root = mkdtempSync(join(tmpdir(), 'clearance-lsp-identity-'));
  cpSync(example, root, { recursive: true });
  const minted = await mintDemoIdentity({
    outDir: join(root, 'identity'),
    ttlSeconds: 15 * 60,
    users: [{ sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' }],
  });
  return { root, tokens: minted.tokens };
}

describe('the identity notification and re-deciding on a new identity', () => {
  let root: string;
  let server: TestServer;
  let ordersUri: string;
  let ordersText: string;
  const views = () => server.identities as unknown as IdentityView[];
  const deleteLine = () => ordersText.split('\n').findIndex((l) => l.includes("method: 'DELETE'"));

  before(async () => {
    ({ root } = await makeShopCopy());
    // Support staff may delete orders, but only after a multi-factor sign-in.
    appendFileSync(
      join(root, 'policy', 'authz.rego'),
      '\n# Support may delete, after a multi-factor sign-in.\nallow if {\n\tinput.user.role == "support"\n\tinput.context.mfa == true\n}\n',
    );
    writeFileSync(
      join(root, 'support-pwd.yaml'),
      'sub: sam\nemail: sam@example.com\nrole: support\namr: [pwd]\n',
    );
    writeFileSync(
      join(root, 'support-mfa.yaml'),
      'sub: sam\nemail: sam@example.com\nrole: support\namr: [pwd, mfa]\n',
    );
    server = await startServer(root, { identity: aliceIdentity });
    ordersText = readFileSync(join(root, 'src/api/orders.ts'), 'utf8');
    ordersUri = await openDocument(server, join(root, 'src/api/orders.ts'), ordersText, 'typescript');
  });
  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('carries the source, the simulated flag, the user and the claims beside text and status', async () => {
    const view = await waitFor('verified identity', () => views().find((v) => v.status === 'verified'));
    assert.deepEqual(view.source, { kind: 'file', label: 'token file identity/alice.jwt' });
    assert.equal(view.simulated, false);
    assert.deepEqual(view.user, {
      id: 'alice',
      email: 'alice@example.com',
      name: 'Alice Example',
      role: 'developer',
      roles: ['developer'],
    });
    assert.equal(view.claims?.sub, 'alice');
    assert.equal(view.claims?.iss, 'https://id.example.com');
    assert.equal(typeof view.expiresAt, 'number');
    assert.match(view.tooltip, /^Source: token file identity\/alice\.jwt$/m);
  });

  it('labels evaluate-as claims simulated and re-decides the open file with them', async () => {
    await waitFor('alice diagnostics', () => server.diagnostics.get(ordersUri));
    server.settings = { identity: { ...aliceIdentity, claimsFile: 'support-pwd.yaml' } };
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const view = await waitFor('simulated identity', () => views().find((v) => v.simulated));
    assert.equal(view.status, 'simulated');
    assert.equal(view.text, '⚠ sam@example.com · support (simulated)');
    assert.deepEqual(view.source, { kind: 'claims', label: 'claims file support-pwd.yaml (simulated)' });
    assert.match(view.tooltip, /^Simulated identity \(evaluate as\): not your verified identity$/m);
    const hover = await hoverText(
      server,
      ordersUri,
      deleteLine(),
      ordersText.split('\n')[deleteLine()]?.indexOf('fetch') ?? 0,
    );
    assert.match(hover ?? '', /sam@example\.com · support \(simulated\)/);
    assert.match(hover ?? '', /Simulated: decided for a claims file, not for you\./);
    // Without MFA the support rule does not apply: the DELETE stays denied.
    const denied = await waitFor('DELETE denied for support without MFA', () => {
      const d = server.diagnostics.get(ordersUri);
      return d?.some(
        (x) => x.range.start.line === deleteLine() && /sam@example\.com/.test(JSON.stringify(x.message)),
      )
        ? d
        : undefined;
    });
    assert.ok(denied.length >= 1);
  });

  it('allows the DELETE once the claims say the sign-in used MFA (input.context.mfa)', async () => {
    server.settings = { identity: { ...aliceIdentity, claimsFile: 'support-mfa.yaml' } };
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await waitFor('DELETE no longer flagged', () => {
      const d = server.diagnostics.get(ordersUri);
      return d && !d.some((x) => x.range.start.line === deleteLine()) ? d : undefined;
    });
  });
});

describe('an untrusted workspace', () => {
  let root: string;
  let server: TestServer;
  const marker = () => join(root, 'ran');

  before(async () => {
    ({ root } = await makeShopCopy());
    writeFileSync(
      join(root, 'evil.js'),
      `require('node:fs').writeFileSync(${JSON.stringify(join(root, 'ran'))}, 'x')`,
    );
    const evil = [process.execPath, join(root, 'evil.js')];
    const workspaceSettings = {
      'clearance.identity.tokenFile': 'identity/alice.jwt',
      'clearance.identity.jwksFile': 'identity/jwks.json',
      'clearance.identity.issuer': 'https://id.example.com',
      'clearance.identity.audience': 'clearance-demo',
      'clearance.identity.tokenCommand': evil,
      'clearance.identity.deviceCommand': evil,
    };
    writeFileSync(join(root, '.vscode', 'settings.json'), JSON.stringify(workspaceSettings));
    // An editor that does not withhold restricted settings hands the workspace's values over as they are.
    server = await startServer(root, workspaceSettings, { workspaceTrusted: false });
  });
  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("runs no command and takes no token, keys or issuer from the workspace's settings", async () => {
    const view = await waitFor('an identity', () => (server.identities as unknown as IdentityView[])[0]);
    // Not even the token file is read: an untrusted workspace does not choose whose token is used.
    assert.equal(view.status, 'missing');
    assert.ok(!existsSync(marker()), 'a command from the workspace settings ran');
    const log = server.transcript.join('\n');
    for (const name of ['tokenFile', 'tokenCommand', 'deviceCommand', 'jwksFile', 'issuer', 'audience']) {
      assert.match(
        log,
        new RegExp(`clearance\\.identity\\.${name} from this untrusted workspace's settings is ignored`),
      );
    }
  });

  it('uses the keys and issuer once the workspace is trusted', async () => {
    const {
      'clearance.identity.tokenCommand': _t,
      'clearance.identity.deviceCommand': _d,
      ...rest
    } = server.settings;
    server.settings = rest;
    await server.connection.sendNotification('clearance/workspaceTrust', { trusted: true });
    await waitFor('verified identity', () =>
      (server.identities as unknown as IdentityView[]).find((v) => v.status === 'verified'),
    );
  });
});

describe('a token command that hangs', () => {
  let root: string;
  let server: TestServer;

  before(async () => {
    ({ root } = await makeShopCopy());
    writeFileSync(join(root, 'hang.js'), 'setTimeout(() => {}, 60000)');
    server = await startServer(root, {
      identity: {
        ...aliceIdentity,
        tokenCommand: [process.execPath, join(root, 'hang.js')],
        tokenCommandTimeoutMs: 300,
        tokenFile: '',
        tokenEnv: '',
      },
    });
  });
  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('is stopped at its timeout; the server says why and goes on deciding', async () => {
    const view = await waitFor('an identity', () => (server.identities as unknown as IdentityView[])[0]);
    assert.equal(view.status, 'missing');
    assert.match(view.tooltip, /token command node \(\+1 argument\) timed out after 300 ms and was stopped/);
    const ordersText = readFileSync(join(root, 'src/api/orders.ts'), 'utf8');
    const uri = await openDocument(server, join(root, 'src/api/orders.ts'), ordersText, 'typescript');
    await waitFor('diagnostics as an anonymous caller', () => server.diagnostics.get(uri));
  });
});
