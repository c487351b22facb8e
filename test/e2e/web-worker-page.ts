/**
 * The page side of the web worker tests (web-worker*.e2e.test.ts): the HTTP server that serves the
 * built worker, the test page and a key set on 127.0.0.1, and the helpers that read what the worker
 * published (diagnostics) or apply what it answered (text edits).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from './harness';

/** A workspace path's URI: the tests' paths are the URIs' paths, root included. */
export const uriOf = (path: string): string => `vscode-vfs://github${path}`;

const mime: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** Serves dist/ and the test page from the repository, and the key set, on 127.0.0.1. */
export function serve(jwks: string): Promise<Server> {
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
export async function diagnosticsOf(
  page: Page,
  path: string,
  ready: string,
): Promise<Array<{ message: string; severity?: number; code?: string; range: { start: { line: number } } }>> {
  const uri = uriOf(path);
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

/** An LSP range. */
export interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** `text` with LSP text edits applied (as an editor applies a code action's edit), last first. */
export function applyEdits(text: string, edits: Array<{ range: LspRange; newText: string }>): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: LspRange['start']) => (starts[p.line] ?? text.length) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted)
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

/** Sends a request from the page to the worker and returns its result. */
export function pageRequest(page: Page, method: string, params: unknown): Promise<unknown> {
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
export function pageNotify(page: Page, method: string, params: unknown): Promise<void> {
  return page.evaluate(
    ({ method, params }) =>
      (globalThis as unknown as { lsp: { notify(m: string, p: unknown): void } }).lsp.notify(method, params),
    { method, params },
  );
}

/** The `clearance/identity` notifications the worker sent so far. */
export function pageIdentityViews(page: Page): Promise<Array<{ status: string; text: string }>> {
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

/** Waits until the worker reports a verified identity among its notifications after the first `seen`. */
export async function waitForVerifiedIdentity(page: Page, seen: number): Promise<void> {
  await page.waitForFunction(
    (seen) =>
      (
        globalThis as unknown as {
          lsp: { state: { notifications: Array<{ method: string; params: { status: string } }> } };
        }
      ).lsp.state.notifications
        .filter((n) => n.method === 'clearance/identity')
        .slice(seen)
        .some((n) => n.params.status === 'verified'),
    seen,
    { timeout: 60_000 },
  );
}
