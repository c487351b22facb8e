/**
 * The workspace index over LSP: `clearance/permissions` lists the shop's resources with their
 * decisions and call sites; a policy edit typed into the open `.rego` sends one `clearance/impact`
 * with the calls that flipped; a broken policy sends none; a long burst of edits does not put off
 * re-deciding the workspace for ever; files created on disk join the index.
 *
 * What the server has not sent is checked once it has done what it would send it after: a policy
 * edit is followed by its reload (the open policy's diagnostics are published when the load ends,
 * and at once too when the text has syntax errors) and a re-decision of the workspace
 * (`clearance/permissionsChanged`, after any impact), not by a fixed sleep, which a loaded machine
 * outlasts. Waits have the default hang-guard bound.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { ImpactNotification, PermissionsResponse } from '../../server/src/lsp/clearance-protocol';
import { delay } from '../support/wait-for';
import {
  changeDocument,
  openDocument,
  shopIdentitySettings,
  type TestServer,
  untilAnswer,
  waitFor,
} from './lsp-client';
import { useShopServer } from './shop-server';

const identity = shopIdentitySettings;

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
  /** How many `clearance/permissionsChanged` had come when each impact came. */
  const changedAtImpact: number[] = [];
  let changed = 0;

  const suite = useShopServer({ prefix: 'clearance-perm-', ttlSeconds: 900, settings: identity });
  before(() => {
    ({ root, token, server } = suite);
    server.connection.onNotification('clearance/impact', (params: ImpactNotification) => {
      impacts.push(params);
      changedAtImpact.push(changed);
      server.transcript.push(JSON.stringify(params));
    });
    server.connection.onNotification('clearance/permissionsChanged', () => {
      changed++;
    });
  });

  async function permissions(): Promise<PermissionsResponse> {
    return (await server.connection.sendRequest('clearance/permissions')) as PermissionsResponse;
  }

  /** Diagnostics the server has published for `uri` so far (each one is in the transcript). */
  const publishes = (uri: string) =>
    server.transcript.filter((line) => line.startsWith(`{"uri":${JSON.stringify(uri)}`)).length;

  /**
   * Waits until the policy edit or open that came after `published` publishes for `uri` has been
   * loaded (`publishing` more: one when the load ends, one at once before it for a syntax error)
   * and the workspace re-decided with it (the `clearance/permissionsChanged` that follows any
   * impact it sends).
   */
  async function policySettled(
    uri: string,
    published: number,
    publishing: number,
    what: string,
  ): Promise<void> {
    await waitFor(`${what}: the policy reloaded`, () =>
      publishes(uri) >= published + publishing ? true : undefined,
    );
    const seen = changed;
    await waitFor(`${what}: the workspace re-decided`, () => (changed > seen ? true : undefined));
  }

  /** Waits for the `clearance/permissionsChanged` of the re-decision that sent the impact `index`. */
  async function impactSettled(index: number): Promise<void> {
    const at = changedAtImpact[index] as number;
    await waitFor(`the re-decision of impact ${index}`, () => (changed > at ? true : undefined));
  }

  it('lists the resources the workspace touches, each action with its decision and call sites', async () => {
    await waitFor('the first index', () => (changed > 0 ? true : undefined));
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
    const policyUri = pathToFileURL(policyPath).href;
    const beforeOpen = publishes(policyUri);
    await openDocument(server, policyPath, original, 'rego');
    await policySettled(policyUri, beforeOpen, 1, 'opening the policy');
    assert.equal(impacts.length, 0, 'opening the policy unchanged reports nothing');
    await changeDocument(server, policyUri, 2, `${original}\nallow if input.action == "delete"\n`);
    const impact = await waitFor('an impact notification', () => impacts[0]);
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
    // The re-decision that sent it has ended; a permissions request runs any other that is due.
    await impactSettled(0);
    const report = await permissions();
    assert.equal(impacts.length, 1, 'one notification for one edit');
    assert.equal(report.resources[0]?.actions[0]?.decisions[0]?.verdict, 'allowed');

    // A broken policy never decides: typing a syntax error reports nothing.
    const beforeBreak = publishes(policyUri);
    await changeDocument(server, policyUri, 3, `${original}\nallow if input.action == \n`);
    await policySettled(policyUri, beforeBreak, 2, 'the broken policy');
    assert.equal(impacts.length, 1, 'a broken policy reports no impact');

    // Back to the saved text: the DELETE call is denied again, compared with the last policy that loaded.
    await changeDocument(server, policyUri, 4, original);
    const back = await waitFor('a second impact notification', () => impacts[1]);
    assert.equal(back.message, '1 call newly denied');
    assert.equal(back.changes[0]?.after, 'denied');
    assert.equal(back.notify, true);
  });

  it('re-decides the workspace during a long burst of policy edits, and reports its impact once it pauses', async () => {
    const policyPath = join(root, 'policy', 'authz.rego');
    const original = readFileSync(policyPath, 'utf8');
    const policyUri = pathToFileURL(policyPath).href;
    // The last test's last re-decision has ended: what comes next is the burst's.
    if (impacts.length > 0) await impactSettled(impacts.length - 1);
    const seenImpacts = impacts.length;
    const seenChanged = changed;
    // An edit every 200 ms until the workspace is re-decided: each reloads the policy (150 ms after
    // it) and asks for a re-decision after a 750 ms pause, which never comes during the burst; the
    // longest wait (4 s) forces one. The edits stop at the bound, long after it should have come.
    const bound = Date.now() + 60_000;
    let version = 10;
    while (changed === seenChanged && Date.now() < bound) {
      await changeDocument(server, policyUri, version, `${original}\n# edit ${version}\n`);
      version++;
      await delay(200);
    }
    assert.ok(
      changed > seenChanged,
      'the Permissions view was not re-decided during 60 s of edits: the pause it waited for never came',
    );
    await changeDocument(server, policyUri, version++, `${original}\nallow if input.action == "delete"\n`);
    const impact = await waitFor('the impact after the burst', () => impacts[seenImpacts]);
    assert.equal(impact.message, '1 call newly allowed');
    await changeDocument(server, policyUri, version, original);
    await waitFor('the impact of the text restored', () => impacts[seenImpacts + 1]);
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
    await waitFor('permissionsChanged', () => (changed > seen ? true : undefined));
    const report = await permissions();
    const user = report.resources.find((r) => r.resource === 'user');
    assert.equal(user?.actions[0]?.action, 'delete');
    assert.equal(user?.actions[0]?.decisions[0]?.verdict, 'denied');
    rmSync(file);
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(file).href, type: 3 }],
    });
    // Asked again after each thing the server says (its permissionsChanged, its log).
    await untilAnswer(server, 'the deleted file to leave the index', async () => {
      const remaining = await permissions();
      return remaining.resources.some((r) => r.resource === 'user') ? undefined : true;
    });
  });
});
