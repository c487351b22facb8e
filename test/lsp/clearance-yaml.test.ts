/**
 * The language server with Python and Go code and a `.clearance.yaml`, over stdio, on a copy of
 * examples/shop. Verdicts follow from examples/shop/policy/authz.rego: alice (a developer) may read and
 * update the orders she owns, so a DELETE is denied (one warning) and a read or update is conditional
 * (no diagnostic).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CompletionItem, Diagnostic } from 'vscode-languageserver-protocol';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import { changeDocument, hoverText, openDocument, startServer, type TestServer, waitFor } from './lsp-client';

const example = join(__dirname, '..', '..', 'examples', 'shop');

const PYTHON = `import requests


def cancel(order_id):
    requests.delete(f"/api/orders/{order_id}")
    # clearance: action=delete resource
    requests.get("/api/orders")
`;

const GO = `package jobs

import "net/http"

func Purge(id string) {
	http.NewRequest("DELETE", "/api/orders/"+id, nil)
}
`;

const ROUTES = 'routes:\n  DELETE /api/orders/{id}: { action: update }\n';

describe('language server: Python, Go and .clearance.yaml', () => {
  let root: string;
  let server: TestServer;
  let pythonUri: string;
  let goUri: string;
  let ordersUri: string;
  let configUri: string;
  const codes = (diagnostics: Diagnostic[] | undefined) =>
    (diagnostics ?? []).map((d) => `${d.range.start.line}:${d.code}`);

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'clearance-lsp-yaml-'));
    cpSync(example, root, { recursive: true });
    await mintDemoIdentity({
      outDir: join(root, 'identity'),
      ttlSeconds: 900,
      users: [{ sub: 'alice', email: 'alice@example.com', role: 'developer' }],
    });
    server = await startServer(root, {
      identity: {
        tokenFile: 'identity/alice.jwt',
        jwksFile: 'identity/jwks.json',
        issuer: 'https://id.example.com',
        audience: 'clearance-demo',
      },
      // These tests count denials and annotation errors; conditional calls' marks are tested in editor-features.test.ts.
      diagnostics: { conditionalSeverity: 'none' },
    });
    pythonUri = await openDocument(server, join(root, 'src', 'orders.py'), PYTHON, 'python');
    goUri = await openDocument(server, join(root, 'src', 'purge.go'), GO, 'go');
    const orders = join(root, 'src', 'api', 'orders.ts');
    ordersUri = await openDocument(server, orders, readFileSync(orders, 'utf8'), 'typescript');
  });

  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('puts a warning on the denied Python and Go calls, and a malformed annotation on its comment', async () => {
    const python = await waitFor('python diagnostics', () => server.diagnostics.get(pythonUri));
    assert.deepEqual(codes(python), ['4:call_denied', '5:annotation_error']);
    const go = await waitFor('go diagnostics', () => server.diagnostics.get(goUri));
    assert.deepEqual(codes(go), ['5:call_denied']);
  });

  it('re-decides open documents when .clearance.yaml is opened, and checks it as you type', async () => {
    configUri = await openDocument(server, join(root, '.clearance.yaml'), ROUTES, 'yaml');
    await waitFor('the DELETE calls to be re-decided as updates', () =>
      codes(server.diagnostics.get(goUri)).length === 0 &&
      !codes(server.diagnostics.get(pythonUri)).includes('4:call_denied') &&
      codes(server.diagnostics.get(ordersUri)).length === 0
        ? true
        : undefined,
    );
    assert.deepEqual(server.diagnostics.get(configUri), []);
  });

  it('reports a broken .clearance.yaml on the file and keeps deciding with the last good one', async () => {
    await changeDocument(server, configUri, 2, 'routes:\n  DELETE /api/orders/{id}: { action: 3 }\n');
    const diagnostics = await waitFor('a diagnostic on .clearance.yaml', () => {
      const found = server.diagnostics.get(configUri);
      return found && found.length > 0 ? found : undefined;
    });
    assert.equal(diagnostics[0]?.code, 'config_error');
    assert.deepEqual(diagnostics[0]?.range.start, { line: 1, character: 37 });
    assert.match(String(diagnostics[0]?.message), /action: must be string/);
    // The last good file still applies: the DELETE stays an update, not denied.
    assert.deepEqual(codes(server.diagnostics.get(goUri)), []);
    await changeDocument(server, configUri, 3, 'routes: [\n');
    await waitFor('the YAML syntax error', () =>
      server.diagnostics.get(configUri)?.some((d) => d.code === 'config_parse_error') ? true : undefined,
    );
    await changeDocument(server, configUri, 4, '');
    await waitFor('the DELETE calls denied again under the defaults', () =>
      codes(server.diagnostics.get(goUri)).includes('5:call_denied') ? true : undefined,
    );
    assert.deepEqual(server.diagnostics.get(configUri), []);
  });

  it('completes the keys of .clearance.yaml from its schema', async () => {
    await changeDocument(server, configUri, 5, 'routes:\n  DELETE /api/orders/{id}:\n    \n');
    const top = (await server.connection.sendRequest('textDocument/completion', {
      textDocument: { uri: configUri },
      position: { line: 3, character: 0 },
    })) as CompletionItem[];
    assert.deepEqual(top.map((item) => item.label).sort(), [
      'actions',
      'baseUrls',
      'bundles',
      'clients',
      'exclude',
      'graphql',
      'lint',
      'openapi',
      'services',
    ]);
    const inRoute = (await server.connection.sendRequest('textDocument/completion', {
      textDocument: { uri: configUri },
      position: { line: 2, character: 4 },
    })) as CompletionItem[];
    assert.deepEqual(inRoute.map((item) => item.label).sort(), ['action', 'resource']);
  });

  it('re-scans open documents for the client functions .clearance.yaml names', async () => {
    const screen = join(root, 'src', 'screen.ts');
    const screenUri = await openDocument(
      server,
      screen,
      'export const cancel = (id: string) => ordersClient.remove(id);\n',
      'typescript',
    );
    await waitFor('the screen decided with no call found', () => server.diagnostics.get(screenUri));
    assert.deepEqual(codes(server.diagnostics.get(screenUri)), []);
    await changeDocument(
      server,
      configUri,
      6,
      'clients:\n  ordersClient.remove($id): { action: delete, resource: "order:$id" }\n',
    );
    const diagnostics = await waitFor('the mapped call denied', () => {
      const found = server.diagnostics.get(screenUri);
      return found && found.length > 0 ? found : undefined;
    });
    assert.deepEqual(codes(diagnostics), ['0:call_denied']);
    assert.match(String(diagnostics[0]?.message), /delete/);
  });

  it('finds the calls of a generated OpenAPI client once the open .clearance.yaml names its document', async () => {
    mkdirSync(join(root, 'api'), { recursive: true });
    writeFileSync(
      join(root, 'api', 'orders.yaml'),
      'openapi: 3.0.3\npaths:\n  /orders/{id}:\n    delete: { operationId: removeOrder, tags: [orders] }\n',
    );
    const page = join(root, 'src', 'page.ts');
    const pageUri = await openDocument(server, page, 'new OrdersApi(config).removeOrder(7);\n', 'typescript');
    await waitFor('the page decided with no call found', () => server.diagnostics.get(pageUri));
    assert.deepEqual(codes(server.diagnostics.get(pageUri)), []);
    await changeDocument(server, configUri, 7, 'openapi: [api/orders.yaml]\n');
    const diagnostics = await waitFor('the generated client call denied', () => {
      const found = server.diagnostics.get(pageUri);
      return found && found.length > 0 ? found : undefined;
    });
    assert.deepEqual(codes(diagnostics), ['0:call_denied']);
    assert.match(String(diagnostics[0]?.message), /removeOrder/);
    const hover = await hoverText(server, pageUri, 0, 25);
    assert.match(hover ?? '', /operation `removeOrder` of api\/orders\.yaml/);
  });
});
