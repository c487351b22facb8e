/**
 * The language server when the workspace around the code changes: no policy at all, a policy folder
 * deleted and restored, a token pasted into a setting, a `.rego` file outside the policy.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import {
  hoverText,
  openDocument,
  shopIdentitySettings,
  startServer,
  type TestServer,
  waitFor,
} from './lsp-client';

const example = join(__dirname, '..', '..', 'examples', 'shop');
const identity = {
  ...shopIdentitySettings,
  // These tests count the DELETE call's warning; conditional calls' marks are tested in editor-features.test.ts.
  diagnostics: { conditionalSeverity: 'none' },
};

/** A copy of examples/shop with a fresh alice token; `withPolicy: false` leaves the policy out. */
async function makeWorkspace(withPolicy: boolean): Promise<{ root: string; token: string }> {
  const root = mkdtempSync(join(tmpdir(), 'clearance-ws-'));
  cpSync(example, root, { recursive: true });
  if (!withPolicy) rmSync(join(root, 'policy'), { recursive: true });
  const minted = await mintDemoIdentity({
    outDir: join(root, 'identity'),
    ttlSeconds: 900,
    users: [{ sub: 'alice', email: 'alice@example.com', role: 'developer' }],
  });
  return { root, token: minted.tokens.alice as string };
}

/** Sends new settings and waits until the server has applied them (each refresh ends with the identity). */
async function applySettings(server: TestServer, settings: Record<string, unknown>): Promise<void> {
  const seen = server.identities.length;
  server.settings = settings;
  await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  await waitFor('the settings to apply', () => (server.identities.length > seen ? true : undefined));
}

describe('a workspace without any Rego policy', () => {
  let server: TestServer;
  let root: string;
  before(async () => {
    ({ root } = await makeWorkspace(false));
    server = await startServer(root, identity);
  });
  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

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
  let server: TestServer;
  let root: string;
  let token: string;
  let ordersUri: string;
  before(async () => {
    ({ root, token } = await makeWorkspace(true));
    server = await startServer(root, identity);
    const text = readFileSync(join(root, 'src/api/orders.ts'), 'utf8');
    ordersUri = await openDocument(server, join(root, 'src/api/orders.ts'), text, 'typescript');
    await waitFor('the DELETE warning', () =>
      server.diagnostics.get(ordersUri)?.length === 1 ? true : undefined,
    );
  });
  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
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
