/**
 * The workspace index over LSP: `clearance/permissions` lists the shop's resources with their
 * decisions and call sites; a policy edit typed into the open `.rego` sends one `clearance/impact`
 * with the calls that flipped; a broken policy sends none; a long burst of edits does not put off
 * re-deciding the workspace for ever; files created on disk join the index.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { ImpactNotification, PermissionsResponse } from '../../server/src/lsp/clearance-protocol';
import { changeDocument, openDocument, shopIdentitySettings, type TestServer, waitFor } from './lsp-client';
import { useShopServer } from './shop-server';

const identity = shopIdentitySettings;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The 0-based line of the first line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  assert.ok(line >= 0, `no line with ${text}`);
  return line;
}

describe('the permissions view and policy-change impact over LSP', () => {
  let server: TestServer;
  let root: string;
  let token: string;
  const impacts: ImpactNotification[] = [];
  let changed = 0;

  const suite = useShopServer({ prefix: 'clearance-perm-', ttlSeconds: 900, settings: identity });
  before(() => {
    ({ root, token, server } = suite);
    server.connection.onNotification('clearance/impact', (params: ImpactNotification) => {
      impacts.push(params);
      server.transcript.push(JSON.stringify(params));
    });
    server.connection.onNotification('clearance/permissionsChanged', () => {
      changed++;
    });
  });

  async function permissions(): Promise<PermissionsResponse> {
    return (await server.connection.sendRequest('clearance/permissions')) as PermissionsResponse;
  }

  it('lists the resources the workspace touches, each action with its decision and call sites', async () => {
    await waitFor('the first index', () => (changed > 0 ? true : undefined), 30_000);
    const report = await permissions();
    assert.equal(report.state, 'ready');
    assert.match(report.identity, /alice@example\.com/);
    assert.equal(report.calls, 4);
    const summary = report.resources.map((r) => [
      r.resource,
      r.actions.map((a) => `${a.action}:${a.decisions.map((d) => d.verdict).join('/')}`),
    ]);
    assert.deepEqual(summary, [
      ['order', ['delete:denied', 'read:conditional', 'update:conditional']],
      ['report', ['read:conditional']],
    ]);
    const remove = report.resources[0]?.actions[0]?.decisions[0];
    assert.match(remove?.rule ?? '', /default allow := false/);
    const orders = join(root, 'src', 'api', 'orders.ts');
    assert.deepEqual(
      remove?.locations.map((l) => [l.uri, l.range.start.line]),
      [[pathToFileURL(orders).href, lineOf(orders, "method: 'DELETE'")]],
    );
    assert.ok(!JSON.stringify(report).includes(token.split('.')[1] as string));
  });

  it('sends one impact notification with the right counts and locations when a policy edit flips a call', async () => {
    const policyPath = join(root, 'policy', 'authz.rego');
    const original = readFileSync(policyPath, 'utf8');
    const policyUri = await openDocument(server, policyPath, original, 'rego');
    await delay(800);
    assert.equal(impacts.length, 0, 'opening the policy unchanged reports nothing');
    await changeDocument(server, policyUri, 2, `${original}\nallow if input.action == "delete"\n`);
    const impact = await waitFor('an impact notification', () => impacts[0], 10_000);
    assert.equal(impact.message, '1 call newly allowed');
    assert.equal(impact.newlyAllowed, 1);
    assert.equal(impact.newlyDenied, 0);
    const orders = join(root, 'src', 'api', 'orders.ts');
    assert.deepEqual(
      impact.changes.map((c) => [c.uri, c.range.start.line, c.summary, c.before, c.after]),
      [
        [
          pathToFileURL(orders).href,
          lineOf(orders, "method: 'DELETE'"),
          'DELETE /api/orders/{id}',
          'denied',
          'allowed',
        ],
      ],
    );
    await delay(1500);
    assert.equal(impacts.length, 1, 'one notification for one edit');
    const report = await permissions();
    assert.equal(report.resources[0]?.actions[0]?.decisions[0]?.verdict, 'allowed');

    // A broken policy never decides: typing a syntax error reports nothing.
    await changeDocument(server, policyUri, 3, `${original}\nallow if input.action == \n`);
    await delay(2000);
    assert.equal(impacts.length, 1, 'a broken policy reports no impact');

    // Back to the saved text: the DELETE call is denied again, compared with the last policy that loaded.
    await changeDocument(server, policyUri, 4, original);
    const back = await waitFor('a second impact notification', () => impacts[1], 10_000);
    assert.equal(back.message, '1 call newly denied');
    assert.equal(back.changes[0]?.after, 'denied');
    assert.equal(back.notify, true);
  });

  it('re-decides the workspace during a long burst of policy edits, and reports its impact once it pauses', async () => {
    const policyPath = join(root, 'policy', 'authz.rego');
    const original = readFileSync(policyPath, 'utf8');
    const policyUri = pathToFileURL(policyPath).href;
    await delay(1500);
    const seenImpacts = impacts.length;
    const seenChanged = changed;
    // An edit every 200 ms for 7 s: each reloads the policy (150 ms after it) and asks for a
    // re-decision after a 750 ms pause, which never comes during the burst.
    const started = Date.now();
    let version = 10;
    while (Date.now() - started < 7000) {
      await changeDocument(server, policyUri, version, `${original}\n# edit ${version}\n`);
      version++;
      await delay(200);
    }
    assert.ok(
      changed > seenChanged,
      'the Permissions view was not re-decided during 7 s of edits: the pause it waited for never came',
    );
    await changeDocument(server, policyUri, version++, `${original}\nallow if input.action == "delete"\n`);
    const impact = await waitFor('the impact after the burst', () => impacts[seenImpacts], 10_000);
    assert.equal(impact.message, '1 call newly allowed');
    await changeDocument(server, policyUri, version, original);
    await waitFor('the impact of the text restored', () => impacts[seenImpacts + 1], 10_000);
  });

  it('adds a source file created on disk to the permissions', async () => {
    const file = join(root, 'src', 'api', 'users.ts');
    writeFileSync(
      file,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the file's text holds a template literal.
      "export const removeUser = (id: string) => fetch(`/api/users/${id}`, { method: 'DELETE' });\n",
    );
    const seen = changed;
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(file).href, type: 1 }],
    });
    await waitFor('permissionsChanged', () => (changed > seen ? true : undefined), 10_000);
    const report = await permissions();
    const user = report.resources.find((r) => r.resource === 'user');
    assert.equal(user?.actions[0]?.action, 'delete');
    assert.equal(user?.actions[0]?.decisions[0]?.verdict, 'denied');
    rmSync(file);
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(file).href, type: 3 }],
    });
    let remaining = await permissions();
    for (let tries = 0; tries < 40 && remaining.resources.some((r) => r.resource === 'user'); tries++) {
      await delay(100);
      remaining = await permissions();
    }
    assert.ok(!remaining.resources.some((r) => r.resource === 'user'), 'the deleted file left the index');
  });
});
