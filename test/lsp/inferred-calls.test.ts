/**
 * Calls the project pass infers, over LSP with the analysis worker: a call through the project's
 * own wrapper (`request('DELETE', …)` around `fetch`, `client._get(…)` around `requests.get`) is
 * found and decided as the CLI decides it, in an open document (diagnostic, hover naming the
 * wrapper) and in the workspace index of unopened files (`clearance/permissions`); editing the
 * wrapper changes its callers' decisions. And the project view reaches the built analysis worker
 * whole once, then by its generation, and whole again after the worker is replaced.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import type { PermissionsResponse } from '../../server/src/lsp/clearance-protocol';
import { createAnalysis } from '../../server/src/lsp/worker/analysis';
import type { ProjectViewRef } from '../../server/src/lsp/worker/protocol';
import type { Scanner } from '../../server/src/scanner';
import { buildProjectView } from '../../server/src/scanner/project/scan-project';
import {
  changeDocument,
  hoverText,
  openDocument,
  serverModule,
  shopIdentitySettings,
  startServer,
  type TestServer,
  until,
  untilAnswer,
} from './lsp-client';

const shopPolicy = join(__dirname, '..', '..', 'examples', 'shop', 'policy');
// Only denials are marked: the conditional calls are checked through the permissions view.
const settings = { ...shopIdentitySettings, diagnostics: { conditionalSeverity: 'none' } };

const apiTs = [
  "/** The project's own HTTP client: every call goes through here. */",
  "const BASE = '/api';",
  '',
  '/** Sends `method` to `path` under the API base. */',
  'export function request(method: string, path: string) {',
  '  return fetch(BASE + path, { method });',
  '}',
  '',
].join('\n');

const removeTs = [
  "import { request } from '../lib/api';",
  '',
  '/** Deletes an order. */',
  'export function removeOrder(id: string) {',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the file's text holds a template literal.
  "  return request('DELETE', `/orders/${id}`);",
  '}',
  '',
].join('\n');

const ordersClientPy = [
  'import requests',
  '',
  'BASE = "https://shop.example.com/api"',
  '',
  '',
  'class OrdersClient:',
  '    def _get(self, path):',
  '        return requests.get(BASE + path)',
  '',
].join('\n');

const reportPy = [
  'from clients.orders_client import OrdersClient',
  '',
  'client = OrdersClient()',
  '',
  '',
  'def daily_report():',
  '    return client._get("/reports/daily")',
  '',
].join('\n');

/** Each decided call of the permissions view as `resource action verdict file:line` (0-based line). */
function decided(report: PermissionsResponse, root: string): string[] {
  const out: string[] = [];
  for (const r of report.resources)
    for (const a of r.actions)
      for (const d of a.decisions)
        for (const l of d.locations)
          out.push(
            `${r.resource} ${a.action} ${d.verdict} ${l.uri.slice(pathToFileURL(root).href.length + 1)}:${l.range.start.line}`,
          );
  return out.sort();
}

describe('calls made through the project’s own clients, in the editor', () => {
  let server: TestServer;
  let root: string;
  const files: Record<string, string> = {
    'src/lib/api.ts': apiTs,
    'src/orders/remove.ts': removeTs,
    'clients/orders_client.py': ordersClientPy,
    'jobs/report.py': reportPy,
  };
  let removeUri: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'clearance-inferred-'));
    cpSync(shopPolicy, join(root, 'policy'), { recursive: true });
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    await mintDemoIdentity({
      outDir: join(root, 'identity'),
      ttlSeconds: 900,
      users: [{ sub: 'alice', email: 'alice@example.com', role: 'developer' }],
    });
    server = await startServer(root, settings);
    removeUri = await openDocument(server, join(root, 'src/orders/remove.ts'), removeTs, 'typescript');
  });
  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  async function permissions(): Promise<PermissionsResponse> {
    return (await server.connection.sendRequest('clearance/permissions')) as PermissionsResponse;
  }

  /**
   * The permissions once the index is ready and `check` passes: asked, then asked again after each
   * thing the server says (its `clearance/permissionsChanged`, its index's log), never on a timer.
   */
  async function permissionsUntil(
    what: string,
    check: (report: PermissionsResponse) => boolean,
  ): Promise<PermissionsResponse> {
    let last: PermissionsResponse | undefined;
    return untilAnswer(
      server,
      what,
      async () => {
        last = await permissions();
        return last.state === 'ready' && check(last) ? last : undefined;
      },
      undefined,
      () => JSON.stringify(last && decided(last, root)),
    );
  }

  it('marks the open caller’s DELETE through `request` as denied and names the wrapper in its hover', async () => {
    const diagnostics = await until(server, 'the inferred DELETE call’s diagnostic', () => {
      const found = server.diagnostics.get(removeUri);
      return found && found.length > 0 ? found : undefined;
    });
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    assert.equal(diagnostics[0]?.code, 'call_denied');
    assert.equal(diagnostics[0]?.range.start.line, 4);
    assert.equal(diagnostics[0]?.message, 'Denied: alice@example.com may not delete this order.');
    // The open file's first decisions can come before the index names `request` a wrapper: the call
    // is then taken for a request by its shape (a method and a path handed to `request`). Once the
    // index is ready, the call is the wrapper's and the hover names it: asked again after each thing
    // the server says (the index's log, the file re-decided with the project view).
    let text: string | undefined;
    await untilAnswer(
      server,
      'the hover naming the wrapper',
      async () => {
        text = await hoverText(server, removeUri, 4, '  return '.length + 1);
        return text?.includes('via `request` (../lib/api.ts:5)') || undefined;
      },
      undefined,
      () => String(text),
    );
    assert.ok(text, 'no hover over the inferred call');
    assert.match(text, /denied/i);
    assert.ok(text.includes('via `request` (../lib/api.ts:5)'), text);
  });

  it('lists the unopened Python caller’s call through `OrdersClient._get` and the TypeScript one in the permissions', async () => {
    const report = await permissionsUntil('the index with both inferred calls', (r) => r.calls >= 2);
    assert.deepEqual(decided(report, root), [
      'order delete denied src/orders/remove.ts:4',
      'report read conditional jobs/report.py:6',
    ]);
    const pyUri = await openDocument(server, join(root, 'jobs/report.py'), reportPy, 'python');
    const text = await hoverText(server, pyUri, 6, '    return client.'.length + 1);
    assert.ok(text, 'no hover over the Python call');
    assert.ok(text.includes('via `OrdersClient._get` (../clients/orders_client.py:7)'), text);
  });

  it('re-decides the callers when the wrapper is edited (its method fixed to GET)', async () => {
    const apiUri = await openDocument(server, join(root, 'src/lib/api.ts'), apiTs, 'typescript');
    await changeDocument(server, apiUri, 2, apiTs.replace('{ method }', "{ method: 'GET' }"));
    await until(server, 'the open caller’s denial to go', () =>
      server.diagnostics.get(removeUri)?.length === 0 ? true : undefined,
    );
    const report = await permissionsUntil('the permissions to follow the edit', (r) =>
      decided(r, root).includes('order read conditional src/orders/remove.ts:4'),
    );
    assert.deepEqual(decided(report, root), [
      'order read conditional src/orders/remove.ts:4',
      'report read conditional jobs/report.py:6',
    ]);
  });
});

describe('the project view in the analysis worker', () => {
  // No scan workers beside the background one: every scan below goes to the worker it watches.
  const analysis = createAnalysis(join(dirname(serverModule), 'wasm'), () => {}, 0);
  after(() => analysis?.close());

  it('is sent whole once, then named by its generation, and whole again to a replaced worker', async () => {
    assert.ok(analysis, 'the worker bundle is built');
    const sent: Array<ProjectViewRef | undefined> = [];
    const sandbox = analysis.background;
    const run = sandbox.run.bind(sandbox);
    sandbox.run = (request, options) => {
      if (request.op === 'scan') sent.push(request.view as ProjectViewRef | undefined);
      return run(request, options);
    };
    const scanner: Scanner = analysis.scanner([]);
    const first = await Promise.all(
      [
        ['/p/src/lib/api.ts', apiTs],
        ['/p/src/orders/remove.ts', removeTs],
      ].map(([path, text]) =>
        scanner.scanText(path as string, text as string, undefined, { collectFacts: true }),
      ),
    );
    assert.deepEqual([...sent], [undefined, undefined], 'no view before the project pass');
    assert.ok(
      first[0]?.facts?.definitions.some((d) => d.name === 'request'),
      'the wrapper is in the facts',
    );
    const view = buildProjectView(first.map((r) => r.facts));
    scanner.useProjectView?.(view);
    const summary = async () =>
      (await scanner.scanText('/p/src/orders/remove.ts', removeTs)).calls.map(
        (c) => `${c.method} ${c.url.source} via ${c.via?.name} (${c.via?.file}:${c.via?.line})`,
      );
    const expected = ['DELETE /api/orders/{id} via request (/p/src/lib/api.ts:5)'];
    assert.deepEqual(await summary(), expected);
    assert.deepEqual(await summary(), expected);
    assert.ok(sent[2]?.view !== undefined, 'the first scan with the view sends it whole');
    assert.equal(sent[3]?.view, undefined, 'the next one names it');
    assert.equal(sent[3]?.generation, sent[2]?.generation);
    // A job past its deadline replaces the worker: the new one is sent the view whole when it asks.
    const started = sandbox.started;
    await run(
      { op: 'scan', path: '/p/x.ts', text: 'fetch("/a");\n'.repeat(50_000), clients: [] },
      {
        deadlineMs: 1,
        what: 'a scan stopped at once',
      },
    );
    assert.deepEqual(await summary(), expected);
    assert.equal(sandbox.started, started + 1);
    assert.deepEqual(
      sent.slice(4).map((ref) => ref?.view !== undefined),
      [false, true],
      'named, missing in the new worker, then whole',
    );
  });
});
