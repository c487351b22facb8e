/**
 * The first minutes of a new user, through a real LSP client on copies of examples/shop: without an
 * identity nothing is flagged and one notice says what to do; an entrypoint no rule defines is "not
 * decided", never denied; the configuration mistakes are named. Expected decisions follow from
 * examples/shop/policy/authz.rego (admins may do anything; owners may read and update), not from
 * the server's output.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import { hoverText, openDocument, startServer, type TestServer, untilAnswer, waitFor } from './lsp-client';

const example = join(__dirname, '..', '..', 'examples', 'shop');

/** 0-based line and the column of `fetch` on the first line of `text` that contains `marker`. */
function locate(text: string, marker: string): { line: number; character: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(marker));
  assert.ok(line >= 0, `fixture has no line with ${marker}`);
  return { line, character: (lines[line] as string).indexOf('fetch') };
}

/** A copy of the sample with fresh 15-minute tokens for alice (developer) and bob (admin). */
async function copyShop(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'clearance-first-run-'));
  cpSync(example, root, { recursive: true });
  await mintDemoIdentity({
    outDir: join(root, 'identity'),
    ttlSeconds: 15 * 60,
    users: [
      { sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' },
      { sub: 'bob', email: 'bob@example.com', name: 'Bob Example', role: 'admin' },
    ],
  });
  return root;
}

const alice = {
  tokenFile: 'identity/alice.jwt',
  jwksFile: 'identity/jwks.json',
  issuer: 'https://id.example.com',
  audience: 'clearance-demo',
};

/** Code lens titles of a document, by 0-based line. */
async function lensTitles(server: TestServer, uri: string): Promise<string[]> {
  const lenses = (await server.connection.sendRequest('textDocument/codeLens', {
    textDocument: { uri },
  })) as Array<{ range: { start: { line: number } }; command?: { title: string } }>;
  return lenses.map((l) => l.command?.title ?? '');
}

describe('first run: no identity', () => {
  let root: string;
  let server: TestServer;
  let uri: string;
  let text: string;

  before(async () => {
    root = await copyShop();
    // No token anywhere: the environment variable is switched off too.
    server = await startServer(root, { identity: { tokenEnv: '' } });
    text = readFileSync(join(root, 'src/api/orders.ts'), 'utf8');
    uri = await openDocument(server, join(root, 'src/api/orders.ts'), text, 'typescript');
  });
  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('flags no call: without an identity nothing is decided, so nothing is denied', async () => {
    await waitFor('no identity', () => server.identities.find((v) => v.status === 'missing'));
    const diagnostics = await waitFor('diagnostics', () => server.diagnostics.get(uri));
    assert.deepEqual(diagnostics, []);
  });

  it('says so once, in a notice that names the ways to set an identity up', async () => {
    const notice = await waitFor('the notice', () => server.messages.find((m) => /no identity/.test(m)));
    assert.match(notice, /no call is decided or flagged/);
    assert.match(notice, /Sign in, choose where your token comes from, or evaluate as a claims file/);
    assert.equal(server.messages.filter((m) => /no identity/.test(m)).length, 1);
  });

  it('the hover says what is missing and how to fix it; the lens says the call is not decided', async () => {
    const at = locate(text, "method: 'DELETE'");
    const hover = (await hoverText(server, uri, at.line, at.character)) ?? '';
    assert.equal(hover.split('\n')[0], '**Not decided: no identity.**');
    assert.match(hover, /Sign in, choose where your token comes from, or evaluate as a claims file/);
    assert.doesNotMatch(hover, /denied/i);
    const titles = await lensTitles(server, uri);
    assert.ok(titles.length >= 3, titles.join('\n'));
    for (const title of titles) assert.equal(title, '○ not decided: no identity');
  });

  it('asks the policy for an anonymous caller when clearance.identity.anonymous is on, and says so', async () => {
    server.settings = { identity: { tokenEnv: '', anonymous: true } };
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const at = locate(text, "method: 'DELETE'");
    // The policy allows nobody without a user: every call is denied, each said for an anonymous caller.
    const denied = await waitFor('the DELETE denied for an anonymous caller', () =>
      server.diagnostics.get(uri)?.find((d) => d.code === 'call_denied' && d.range.start.line === at.line),
    );
    assert.equal(denied.message, 'Denied: an anonymous caller may not delete this order.');
    const hover = (await hoverText(server, uri, at.line, at.character)) ?? '';
    assert.match(hover, /Decided for an anonymous caller/);
  });
});

describe('first run: configuration mistakes', () => {
  let root: string;
  let server: TestServer;
  let uri: string;
  let text: string;

  before(async () => {
    root = await copyShop();
    server = await startServer(root, {
      identity: alice,
      policy: { entrypoint: 'data.api.authz.allowed' },
      diagnostics: { conditionalSeverity: 'hint' },
    });
    text = readFileSync(join(root, 'src/api/orders.ts'), 'utf8');
    uri = await openDocument(server, join(root, 'src/api/orders.ts'), text, 'typescript');
  });
  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('an undefined entrypoint is "not decided", never a denial, with the entrypoint that exists', async () => {
    const diagnostics = await waitFor('undecided calls', () => {
      const found = server.diagnostics.get(uri) ?? [];
      return found.length >= 3 && found.every((d) => d.code === 'entrypoint_undefined') ? found : undefined;
    });
    for (const d of diagnostics) {
      assert.equal(d.severity, DiagnosticSeverity.Information);
      assert.equal(
        d.message,
        'Not decided: entrypoint data.api.authz.allowed is not defined (did you mean data.api.authz.allow?).',
      );
    }
    const notice = await waitFor('the entrypoint notice', () =>
      server.messages.find((m) => m.includes('data.api.authz.allowed')),
    );
    assert.match(notice, /no policy defines the entrypoint data\.api\.authz\.allowed/);
    assert.match(notice, /Defined: data\.api\.authz\.allow\./);
    const at = locate(text, "method: 'DELETE'");
    const hover = (await hoverText(server, uri, at.line, at.character)) ?? '';
    assert.doesNotMatch(hover, /denied/i);
    assert.match(hover, /Did you mean `data\.api\.authz\.allow`\?/);
    assert.match(hover, /clearance\.policy\.entrypoint/);
  });

  it('on a conditional call, the related information points at the rule that sets the condition', async () => {
    server.settings = { identity: alice, diagnostics: { conditionalSeverity: 'hint' } };
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const hint = await waitFor('a conditional hint', () =>
      server.diagnostics.get(uri)?.find((d) => d.code === 'call_conditional'),
    );
    assert.equal(hint.message, 'Allowed only if you own the order.');
    const authz = readFileSync(join(root, 'policy/authz.rego'), 'utf8').split('\n');
    const ownerRule = authz.findIndex((l) => l.startsWith('allow if {'));
    assert.equal(hint.relatedInformation?.[0]?.location.range.start.line, ownerRule);
    assert.match(hint.relatedInformation?.[0]?.message ?? '', /the rule that sets the condition/);
  });

  it('hands out the exact input of a call, its unknowns named, and as input.json', async () => {
    const at = locate(text, "method: 'DELETE'");
    const result = (await server.connection.sendRequest('workspace/executeCommand', {
      command: 'clearance.server.input',
      arguments: [uri, at],
    })) as { annotated: string; json: string };
    const input = JSON.parse(result.json) as { action: string; user: { id: string } };
    assert.equal(input.action, 'delete');
    assert.equal(input.user.id, 'alice');
    assert.match(result.annotated, /^\/\/ The input Clearance evaluated for DELETE /);
    assert.match(result.annotated, /Unknown: input\.resource, input\.context\.request\./);
  });

  it('says a suppressed call is suppressed in its hover', async () => {
    const suppressed = text.replace(/^(\s*)(.*method: 'DELETE')/m, '$1// clearance: ignore\n$1$2');
    const path = join(root, 'src/api/suppressed.ts');
    writeFileSync(path, suppressed);
    const suppressedUri = await openDocument(server, path, suppressed, 'typescript');
    const at = locate(suppressed, "method: 'DELETE'");
    const hover = (await hoverText(server, suppressedUri, at.line, at.character)) ?? '';
    assert.match(hover.split('\n')[0] ?? '', /Denied.* · suppressed$/);
    assert.match(hover, /Suppressed by a `clearance: ignore` comment/);
  });

  it('names a .clearance.yaml that maps nothing', async () => {
    const path = join(root, '.clearance.yaml');
    const yaml = '# every line a comment\n# baseUrls: [https://api.example.com]\n';
    writeFileSync(path, yaml);
    const yamlUri = await openDocument(server, path, yaml, 'yaml');
    const diagnostics = await waitFor('the hint', () =>
      server.diagnostics.get(yamlUri)?.find((d) => d.code === 'config_empty'),
    );
    assert.match(String(diagnostics.message), /maps nothing/);
  });

  it('names the claim that failed when the identity does not verify, and flags no call', async () => {
    server.settings = { identity: { ...alice, audience: 'another-app' } };
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const notice = await waitFor('the notice', () => server.messages.find((m) => m.includes('another-app')));
    assert.match(
      notice,
      /token audience "clearance-demo" does not include the expected audience "?another-app"?/,
    );
    assert.match(notice, /no call is decided or flagged/);
    const diagnostics = await waitFor('no call flagged', () =>
      server.diagnostics.get(uri)?.length === 0 ? server.diagnostics.get(uri) : undefined,
    );
    assert.deepEqual(diagnostics, []);
    server.settings = { identity: alice };
  });

  it('names a machine setting put in the workspace settings, and where it belongs', async () => {
    mkdirSync(join(root, '.vscode'), { recursive: true });
    writeFileSync(
      join(root, '.vscode/settings.json'),
      JSON.stringify({ 'clearance.identity.tokenCommand': ['gcloud', 'auth', 'print-identity-token'] }),
    );
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const notice = await waitFor('the notice', () =>
      server.messages.find((m) => m.includes('clearance.identity.tokenCommand')),
    );
    assert.match(notice, /where VS Code ignores it/);
    assert.match(notice, /Move it to your user settings/);
  });
});

describe('first run: a workspace without any policy', () => {
  let root: string;
  let server: TestServer;

  before(async () => {
    root = await copyShop();
    rmSync(join(root, 'policy'), { recursive: true, force: true });
    server = await startServer(root, { identity: alice });
  });
  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('says on the hover that there is no policy and how to add one, never an entrypoint note', async () => {
    const text = readFileSync(join(root, 'src/api/orders.ts'), 'utf8');
    const uri = await openDocument(server, join(root, 'src/api/orders.ts'), text, 'typescript');
    const { line, character } = locate(text, "method: 'DELETE'");
    const hover = (await waitFor(
      'a hover',
      async () => (await hoverText(server, uri, line, character)) || undefined,
    )) as string;
    assert.match(hover, /^\*\*Not decided: no policy yet\.\*\*/);
    assert.match(hover, /clearance\.policy\.paths/);
    assert.match(hover, /Find or Create the Policy/);
    assert.doesNotMatch(hover, /entrypoint/i);
    assert.doesNotMatch(hover, /denied|allowed/i);
    const diagnostics = await waitFor('diagnostics', () => server.diagnostics.get(uri));
    assert.deepEqual(diagnostics, []);
  });

  it('says the policy did not load, with why, when a configured policy path is missing', async () => {
    server.settings = { identity: alice, policy: { paths: ['no-such-folder'] } };
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const text = readFileSync(join(root, 'src/api/orders.ts'), 'utf8');
    const uri = await openDocument(server, join(root, 'src/api/orders.ts'), text, 'typescript');
    const { line, character } = locate(text, "method: 'DELETE'");
    // Hovers are requests: asked again after each thing the server says, until the new settings
    // have been applied.
    let hover = '';
    await untilAnswer(
      server,
      'the hover saying the policy did not load',
      async () => {
        hover = (await hoverText(server, uri, line, character)) ?? '';
        return /did not load/.test(hover) || undefined;
      },
      undefined,
      () => hover,
    );
    assert.match(hover, /^\*\*Not decided: the policy did not load\.\*\*/);
    assert.match(hover, /policy path \S*no-such-folder does not exist/);
    assert.doesNotMatch(hover, /no policy yet/);
  });
});
