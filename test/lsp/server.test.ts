/**
 * The language server driven over stdio by a real LSP client, on a copy of examples/shop with tokens
 * minted at test time. Expected decisions follow from examples/shop/policy/authz.rego and the
 * method-to-action table (GET read, PATCH update, DELETE delete), not from the server's output.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import { changeDocument, hoverText, openDocument, startServer, type TestServer, waitFor } from './lsp-client';

const example = join(__dirname, '..', '..', 'examples', 'shop');

/** 0-based line and the column of `fetch` on the first line of `text` that contains `marker`. */
function locate(text: string, marker: string): { line: number; character: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(marker));
  assert.ok(line >= 0, `fixture has no line with ${marker}`);
  const character = (lines[line] as string).indexOf('fetch');
  assert.ok(character >= 0, `the line with ${marker} has no fetch`);
  return { line, character };
}

function lineOf(text: string, marker: string): number {
  return text.split('\n').findIndex((l) => l.includes(marker));
}

describe('language server on examples/shop', () => {
  let root: string;
  let server: TestServer;
  let tokens: Record<string, string>;
  let ordersUri: string;
  let ordersText: string;
  const aliceSettings = () => ({
    identity: {
      tokenFile: 'identity/alice.jwt',
      jwksFile: 'identity/jwks.json',
      issuer: 'https://id.example.com',
      audience: 'clearance-demo',
    },
    // These tests count denials; conditional calls' marks are tested in editor-features.test.ts.
    diagnostics: { conditionalSeverity: 'none' },
  });

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'clearance-lsp-'));
    cpSync(example, root, { recursive: true });
    const minted = await mintDemoIdentity({
      outDir: join(root, 'identity'),
      ttlSeconds: 15 * 60,
      users: [
        { sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' },
        { sub: 'bob', email: 'bob@example.com', name: 'Bob Example', role: 'admin' },
      ],
    });
    tokens = minted.tokens;
    server = await startServer(root, aliceSettings());
    ordersText = readFileSync(join(root, 'src/api/orders.ts'), 'utf8');
    ordersUri = await openDocument(server, join(root, 'src/api/orders.ts'), ordersText, 'typescript');
  });

  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('shows the verified identity with the time left', async () => {
    const view = await waitFor('identity', () => server.identities.find((v) => v.status === 'verified'));
    assert.match(view.text, /^alice@example\.com · developer · 1[45]m$/);
  });

  it('puts one warning on the DELETE call and none on the calls alice may make when she owns the order', async () => {
    const diagnostics = await waitFor('diagnostics for orders.ts', () => server.diagnostics.get(ordersUri));
    const deleteLine = lineOf(ordersText, "method: 'DELETE'");
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const [warning] = diagnostics;
    assert.equal(warning?.severity, DiagnosticSeverity.Warning);
    assert.equal(warning?.range.start.line, deleteLine);
    assert.equal(warning?.code, 'call_denied');
    const message = typeof warning?.message === 'string' ? warning.message : '';
    assert.match(message, /denied/i);
    // One short sentence (docs/messages.md): who may not do what; the hover holds the rule.
    assert.match(message, /^Denied: alice@example\.com may not delete this order\.$/);
    const authz = readFileSync(join(root, 'policy/authz.rego'), 'utf8');
    assert.equal(
      warning?.relatedInformation?.[0]?.location.range.start.line,
      lineOf(authz, 'default allow := false'),
    );
  });

  it('explains the DELETE denial in the hover: identity, action, resource, decision, the default rule and its line', async () => {
    const at = locate(ordersText, "method: 'DELETE'");
    const text = await hoverText(server, ordersUri, at.line, at.character + 1);
    assert.ok(text, 'no hover over the DELETE call');
    const authz = readFileSync(join(root, 'policy/authz.rego'), 'utf8');
    const defaultLine = lineOf(authz, 'default allow := false') + 1;
    for (const part of [
      'alice@example.com',
      '`delete`',
      'order',
      'denied',
      '`default allow := false`',
      `authz.rego:${defaultLine}`,
    ]) {
      assert.ok(text.includes(part), `hover lacks ${part}:\n${text}`);
    }
    assert.match(text, new RegExp(`\\(file://[^)]*authz\\.rego#L${defaultLine}\\)`));
    assert.match(text, /version `sha256:[0-9a-f]{12}`/);
  });

  it('says a GET of an order is conditional on owning it, naming the owner rule', async () => {
    const at = locate(ordersText, '}`);');
    const text = await hoverText(server, ordersUri, at.line, at.character);
    assert.ok(text);
    assert.match(text, /conditional/);
    assert.ok(text.includes('input.resource.owner_id'), text);
    assert.ok(text.includes('"alice"'), text);
    // The hover lists the other actions too (delete is denied): only its first line, the call's
    // own answer, counts here; it links the owner rule (its first line, above the condition), not the default.
    const headline = text.split('\n')[0] ?? '';
    assert.match(
      headline,
      /^\*\*❔ Conditional\*\*: alice@example\.com may `read` order .* if you own the order/,
    );
    assert.doesNotMatch(headline, /denied/i);
    const authz = readFileSync(join(root, 'policy/authz.rego'), 'utf8');
    assert.match(headline, new RegExp(`authz\\.rego:${lineOf(authz, 'input.resource.owner_id')}\\]`));
  });

  it('leaves the admin report conditional for alice: the policy lets anyone read what they own, and the owner is unknown', async () => {
    const adminText = readFileSync(join(root, 'src/api/admin.ts'), 'utf8');
    const uri = await openDocument(server, join(root, 'src/api/admin.ts'), adminText, 'typescript');
    const diagnostics = await waitFor('diagnostics for admin.ts', () => server.diagnostics.get(uri));
    assert.deepEqual(diagnostics, []);
    const at = locate(adminText, "fetch('/api/admin/reports");
    const text = await hoverText(server, uri, at.line, at.character);
    assert.match(text ?? '', /`read`/);
    assert.match(text ?? '', /report/);
    assert.match(text ?? '', /conditional/);
  });

  it('gives no hover away from calls', async () => {
    assert.equal(await hoverText(server, ordersUri, 0, 0), undefined);
  });

  it('reports a Rego syntax error with its line while typing, and keeps deciding with the last good policy text once fixed', async () => {
    const path = join(root, 'policy/authz.rego');
    const good = readFileSync(path, 'utf8');
    const uri = await openDocument(server, path, good, 'rego');
    const broken = good.replace('allow if input.user.role == "admin"', 'allow if input.user.role == ');
    await changeDocument(server, uri, 2, broken);
    const diagnostics = await waitFor('a parse error', () =>
      server.diagnostics
        .get(uri)
        ?.filter((d) => d.code === 'rego_parse_error')
        .at(0),
    );
    assert.ok(diagnostics.range.start.line >= lineOf(good, 'allow if input.user.role'));
    await changeDocument(server, uri, 3, good);
    await waitFor('the parse error to clear', () =>
      server.diagnostics.get(uri)?.length === 0 ? true : undefined,
    );
  });

  it('re-decides open files when the policy changes as you type', async () => {
    const path = join(root, 'policy/authz.rego');
    const good = readFileSync(path, 'utf8');
    const uri = `file://${path}`;
    const permissive = good
      .replace('input.action in ["read", "update"]', 'input.action in ["read", "update", "delete"]')
      .replace('input.user.id == input.resource.owner_id', 'input.user.role == "developer"');
    await changeDocument(server, uri, 4, permissive);
    await waitFor('the DELETE warning to go', () =>
      server.diagnostics.get(ordersUri)?.length === 0 ? true : undefined,
    );
    await changeDocument(server, uri, 5, good);
    await waitFor('the DELETE warning to come back', () =>
      server.diagnostics.get(ordersUri)?.length === 1 ? true : undefined,
    );
  });

  it('names the admin rule when an admin is allowed', async () => {
    server.settings = {
      ...aliceSettings(),
      identity: { ...aliceSettings().identity, tokenFile: 'identity/bob.jwt' },
    };
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await waitFor('bob', () => server.identities.find((v) => v.text.startsWith('bob@example.com')));
    await waitFor('no warnings for bob', () =>
      server.diagnostics.get(ordersUri)?.length === 0 ? true : undefined,
    );
    const at = locate(ordersText, "method: 'DELETE'");
    const text = await hoverText(server, ordersUri, at.line, at.character);
    assert.match(text ?? '', /allowed by `allow if input\.user\.role == "admin"`/);
    server.settings = aliceSettings();
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await waitFor('alice again', () =>
      server.identities.at(-1)?.text.startsWith('alice@') ? true : undefined,
    );
  });

  it('survives a malformed token: the identity is invalid, decisions are made for an anonymous caller', async () => {
    writeFileSync(join(root, 'identity/garbage.jwt'), 'not.a.jwt');
    server.settings = {
      ...aliceSettings(),
      identity: { ...aliceSettings().identity, tokenFile: 'identity/garbage.jwt' },
    };
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const view = await waitFor('invalid identity', () =>
      server.identities.find((v) => v.status === 'invalid'),
    );
    assert.ok(view.text.length > 0);
    const at = locate(ordersText, "method: 'DELETE'");
    const text = await hoverText(server, ordersUri, at.line, at.character);
    assert.match(text ?? '', /anonymous/);
    server.settings = aliceSettings();
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  });

  it('tells the user when a policy path in the settings does not exist, instead of silently denying', async () => {
    server.settings = { ...aliceSettings(), policy: { paths: ['no-such-policy-folder'] } };
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const message = await waitFor('a notice', () =>
      server.messages.find((m) => m.includes('no-such-policy-folder')),
    );
    assert.match(message, /does not exist/);
    const at = locate(ordersText, "method: 'DELETE'");
    assert.match((await hoverText(server, ordersUri, at.line, at.character)) ?? '', /The policy has errors/);
    const seen = server.identities.length;
    server.settings = aliceSettings();
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    // Each refresh ends by sending the identity: once it arrives, the new settings are in force.
    await waitFor('the refresh', () => (server.identities.length > seen ? true : undefined));
    const text = await hoverText(server, ordersUri, at.line, at.character);
    assert.doesNotMatch(text ?? '', /The policy has errors/);
  });

  it('skips a 10 MB file with a clear message instead of hanging or crashing', async () => {
    const big = `${'// padding line for a very large generated file\n'.repeat(220_000)}fetch('/api/orders/1', { method: 'DELETE' });\n`;
    const uri = await openDocument(server, join(root, 'src/huge.ts'), big, 'typescript');
    const diagnostics = await waitFor(
      'a diagnostic on the big file',
      () => server.diagnostics.get(uri),
      20_000,
    );
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]?.code, 'file_too_large');
    assert.ok((await hoverText(server, ordersUri, 0, 0)) === undefined, 'the server still answers');
  });

  it('never writes a token into anything it sends or logs', () => {
    assert.ok(server.transcript.length > 0);
    const all = server.transcript.join('\n');
    for (const token of Object.values(tokens)) {
      const signature = token.split('.')[2] as string;
      assert.ok(!all.includes(token), 'a token was written');
      assert.ok(!all.includes(signature), "a token's signature was written");
    }
  });
});
