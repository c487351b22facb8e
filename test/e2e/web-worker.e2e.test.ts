/**
 * The web extension's language server in a real browser (issue 14): Debian's Chromium runs the built
 * `dist/server/web-server.js` in a real Worker, and the page speaks LSP to it over postMessage as
 * VS Code's browser client does. The workspace is served from memory over Clearance's file requests
 * (`clearance/fs/*`), wasm from the extension's URL, and the identity is a JWT verified with jose in
 * the worker against a JWKS on 127.0.0.1. Expected verdicts follow the shop policy by hand: only an
 * admin, or the owner reading or updating, is allowed, so Alice (a developer) may not DELETE.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import { openBrowser, repoRoot } from './harness';

const rootUri = 'vscode-vfs://github/acme/shop';
const policyPath = '/acme/shop/policy/authz.rego';
const appPath = '/acme/shop/src/orders.ts';
const brokenPath = '/acme/shop/scratch/broken.rego';
const appText = [
  'export async function removeOrder(id: string): Promise<void> {',
  `  await fetch(\`/api/orders/\${id}\`, { method: "DELETE" });`,
  '}',
  '',
].join('\n');
const mime: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** Serves dist/ and the test page from the repository, and the key set, on 127.0.0.1. */
function serve(jwks: string): Promise<Server> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
      return;
    }
    if (url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(
        '<!doctype html><title>clearance web worker</title><script src="/test/e2e/web/lsp-page.js"></script>',
      );
      return;
    }
    const file = normalize(join(repoRoot, url.pathname));
    const allowed = [join(repoRoot, 'dist', 'server') + sep, join(repoRoot, 'test', 'e2e', 'web') + sep];
    if (!allowed.some((dir) => file.startsWith(dir))) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(file);
      response
        .writeHead(200, { 'content-type': mime[extname(file)] ?? 'application/octet-stream' })
        .end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The diagnostics last published for `path`, once `ready` accepts them. */
async function diagnosticsOf(
  page: Page,
  path: string,
  ready: string,
): Promise<Array<{ message: string; severity?: number; code?: string; range: { start: { line: number } } }>> {
  const uri = `${rootUri}${path}`;
  await page.waitForFunction(
    ({ uri, ready }) => {
      const list = (globalThis as unknown as { lsp: { state: { diagnostics: Record<string, unknown[]> } } })
        .lsp.state.diagnostics[uri];
      return list !== undefined && new Function('list', `return ${ready}`)(list);
    },
    { uri, ready },
    { timeout: 60_000 },
  );
  return page.evaluate(
    (uri) =>
      (globalThis as unknown as { lsp: { state: { diagnostics: Record<string, unknown[]> } } }).lsp.state
        .diagnostics[uri],
    uri,
  ) as never;
}

describe('the web-worker language server in Chromium', { timeout: 180_000 }, () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let tokens: Record<string, string>;
  let origin: string;

  before(async () => {
    const minted = await mintDemoIdentity({
      users: [{ sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' }],
    });
    tokens = minted.tokens;
    server = await serve(JSON.stringify(minted.jwks));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await openBrowser();
    page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => 'lsp' in globalThis);
    await page.evaluate(
      ({ files, settings }) => {
        const { state } = (globalThis as unknown as { lsp: { state: Record<string, unknown> } }).lsp;
        state.files = files;
        state.settings = settings;
      },
      {
        files: {
          [policyPath]: readFileSync(join(repoRoot, 'examples', 'shop', 'policy', 'authz.rego'), 'utf8'),
          [appPath]: appText,
        },
        settings: {
          identity: {
            issuer: 'https://id.example.com',
            audience: 'clearance-demo',
            jwksUrl: `${origin}/jwks.json`,
          },
        },
      },
    );
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  /** Sends a request from the page to the worker and returns its result. */
  function request(method: string, params: unknown): Promise<unknown> {
    return page.evaluate(
      ({ method, params }) =>
        (globalThis as unknown as { lsp: { request(m: string, p: unknown): Promise<unknown> } }).lsp.request(
          method,
          params,
        ),
      { method, params },
    );
  }

  /** Sends a notification from the page to the worker. */
  function notify(method: string, params: unknown): Promise<void> {
    return page.evaluate(
      ({ method, params }) =>
        (globalThis as unknown as { lsp: { notify(m: string, p: unknown): void } }).lsp.notify(
          method,
          params,
        ),
      { method, params },
    );
  }

  /** The `clearance/identity` notifications the worker sent so far. */
  function identityViews(): Promise<Array<{ status: string; text: string }>> {
    return page.evaluate(() =>
      (
        globalThis as unknown as {
          lsp: { state: { notifications: Array<{ method: string; params: unknown }> } };
        }
      ).lsp.state.notifications
        .filter((n) => n.method === 'clearance/identity')
        .map((n) => n.params),
    ) as never;
  }

  it('starts, reads the policy through the file requests and verifies the sign-in token with jose', async () => {
    const init = (await request('initialize', {
      processId: null,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'shop' }],
      capabilities: { workspace: { configuration: true } },
      initializationOptions: { wasmUrl: `${origin}/dist/server/wasm/` },
    })) as { capabilities: { hoverProvider?: boolean } };
    assert.equal(init.capabilities.hoverProvider, true);
    await notify('initialized', {});
    await notify('clearance/session', { token: tokens.alice });
    await page.waitForFunction(
      () =>
        (
          globalThis as unknown as {
            lsp: { state: { notifications: Array<{ method: string; params: { status: string } }> } };
          }
        ).lsp.state.notifications.some(
          (n) => n.method === 'clearance/identity' && n.params.status === 'verified',
        ),
      undefined,
      { timeout: 60_000 },
    );
    const views = await identityViews();
    assert.match(views.at(-1)?.text ?? '', /alice/i);
  });

  it('flags the DELETE call that the policy denies', async () => {
    await notify('textDocument/didOpen', {
      textDocument: { uri: `${rootUri}${appPath}`, languageId: 'typescript', version: 1, text: appText },
    });
    const diagnostics = await diagnosticsOf(page, appPath, 'list.length > 0');
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]?.range.start.line, 1);
    assert.equal(diagnostics[0]?.severity, 2);
    assert.match(diagnostics[0]?.message ?? '', /delete/i);
  });

  it('explains the decision in a hover on the call', async () => {
    const hover = (await request('textDocument/hover', {
      textDocument: { uri: `${rootUri}${appPath}` },
      position: { line: 1, character: 10 },
    })) as { contents: { value: string } } | null;
    assert.ok(hover, 'a hover on the fetch call');
    assert.match(hover.contents.value, /Denied/);
    assert.match(hover.contents.value, /alice/i);
  });

  it('reports a Rego parse error in an open policy file', async () => {
    await notify('textDocument/didOpen', {
      textDocument: {
        uri: `${rootUri}${brokenPath}`,
        languageId: 'rego',
        version: 1,
        text: 'package scratch\n\nallow if {\n',
      },
    });
    const diagnostics = await diagnosticsOf(page, brokenPath, 'list.length > 0');
    assert.ok(
      diagnostics.some((d) => d.code === 'rego_parse_error'),
      JSON.stringify(diagnostics),
    );
  });

  it('refuses a token whose signature jose cannot verify with the key set', async () => {
    const [header, payload] = (tokens.alice as string).split('.');
    const forged = `${header}.${payload}.${'A'.repeat(342)}`;
    await notify('clearance/session', { token: forged });
    await page.waitForFunction(
      () => {
        const views = (
          globalThis as unknown as {
            lsp: { state: { notifications: Array<{ method: string; params: { status: string } }> } };
          }
        ).lsp.state.notifications.filter((n) => n.method === 'clearance/identity');
        return views.at(-1)?.params.status === 'invalid';
      },
      undefined,
      { timeout: 60_000 },
    );
    const errors = await page.evaluate(
      () => (globalThis as unknown as { lsp: { state: { errors: string[] } } }).lsp.state.errors,
    );
    assert.deepEqual(errors, []);
  });
});
