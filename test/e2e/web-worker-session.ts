/**
 * One web-worker language server in Chromium for a suite (web-worker.e2e.test.ts and
 * web-worker-authoring.e2e.test.ts): the built `dist/server/web-server.js` in a real Worker of a page
 * served on 127.0.0.1, its workspace (the shop's policy, a TypeScript caller, a library, a gate and
 * tests) served from memory over Clearance's file requests, initialized as VS Code's browser client
 * does, and Alice signed in with a JWT the worker verifies with jose against the key set.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import { openBrowser, repoRoot } from './harness';
import { pageNotify, pageRequest, serve, waitForVerifiedIdentity } from './web-worker-page';

export const rootUri = 'vscode-vfs://github/acme/shop';
export const policyPath = '/acme/shop/policy/authz.rego';
export const appPath = '/acme/shop/src/orders.ts';
export const brokenPath = '/acme/shop/scratch/broken.rego';
export const rolesPath = '/acme/shop/policy/lib/roles.rego';
export const rolesText = [
  'package lib.roles',
  '',
  'admins := {"root", "ops"}',
  '',
  'is_admin(user) if admins[user.name]',
  '',
].join('\n');
export const testPath = '/acme/shop/policy/authz_test.rego';
// Two tests of the shop policy, one passing and one failing (see the fixture), and one that runs
// about 8 billion iterations: only the evaluation limits end it.
export const testText = [
  readFileSync(join(repoRoot, 'test', 'e2e', 'web', 'authz_test.rego'), 'utf8'),
  'test_runaway if {',
  '\tr := numbers.range(1, 2000)',
  '\tcount([1 | r[_]; r[_]; r[_]]) < 0',
  '}',
  '',
].join('\n');
export const gatePath = '/acme/shop/policy/gate.rego';
export const gateText = [
  'package gate',
  '',
  'import data.lib.roles',
  '',
  'allow if roles.is_admin(input.user)',
  '',
  'admin_count := count(roles.admins)',
  '',
].join('\n');
export const appText = [
  'export async function removeOrder(id: string): Promise<void> {',
  `  await fetch(\`/api/orders/\${id}\`, { method: "DELETE" });`,
  '}',
  '',
].join('\n');

/** A suite's worker page, filled in by its `before` hook. */
export interface WebWorkerSession {
  page: Page;
  /** Alice's token, signed by the served key set. */
  tokens: Record<string, string>;
  /** The page server's origin, e.g. http://127.0.0.1:41234. */
  origin: string;
  /** What the worker answered to `initialize`. */
  init: { capabilities: { hoverProvider?: boolean } };
}

/**
 * Registers the suite's `before` (serve, open the page, start and initialize the worker, sign Alice
 * in and wait until the worker verified her) and `after` (close the browser and the server).
 */
export function useWebWorker(): WebWorkerSession {
  const session = {} as WebWorkerSession;
  let server: Server | undefined;
  let browser: Browser | undefined;
  before(async () => {
    const minted = await mintDemoIdentity({
      users: [{ sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' }],
    });
    session.tokens = minted.tokens;
    server = await serve(JSON.stringify(minted.jwks));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    session.origin = origin;
    browser = await openBrowser();
    const page = await browser.newPage();
    session.page = page;
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
          [rolesPath]: rolesText,
          [gatePath]: gateText,
          [testPath]: testText,
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
    session.init = (await pageRequest(page, 'initialize', {
      processId: null,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'shop' }],
      capabilities: { workspace: { configuration: true } },
      initializationOptions: { wasmUrl: `${origin}/dist/server/wasm/` },
    })) as WebWorkerSession['init'];
    await pageNotify(page, 'initialized', {});
    await pageNotify(page, 'clearance/session', { token: session.tokens.alice });
    await waitForVerifiedIdentity(page, 0);
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });
  return session;
}
