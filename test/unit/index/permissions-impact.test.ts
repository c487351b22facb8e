/** The permissions report and the impact of a policy change, built from the shop example's decided calls. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultSettings } from '../../../server/src/config/settings';
import { decideText } from '../../../server/src/decision/scan';
import type { Identity } from '../../../server/src/identity';
import { compareSnapshots, formatImpactMessage, snapshotVerdicts } from '../../../server/src/index/impact';
import { buildPermissions } from '../../../server/src/index/permissions';
import { loadPolicy } from '../../../server/src/policy/load';
import { createScanner } from '../../../server/src/scanner';

const shop = join(__dirname, '..', '..', '..', 'examples', 'shop');
const alice: Identity = {
  status: 'verified',
  source: { kind: 'file', label: 'test' },
  user: { id: 'alice', email: 'alice@example.com', role: 'developer', roles: ['developer'] },
};

async function decideShop(identity: Identity, policyText?: string) {
  const policyFile = join(shop, 'policy', 'authz.rego');
  const open = new Map(policyText ? [[policyFile, policyText]] : []);
  const policy = loadPolicy(shop, ['policy'], open);
  const scanner = createScanner();
  const context = { policy, identity, settings: defaultSettings, now: new Date() };
  const decided = [];
  for (const file of ['src/api/orders.ts', 'src/api/admin.ts']) {
    const path = join(shop, file);
    decided.push(...(await decideText(scanner, path, readFileSync(path, 'utf8'), context)).calls);
  }
  return { decided, policy };
}

describe('the permissions report', () => {
  it('groups the calls by resource and action, with each decision and its call sites', async () => {
    const { decided } = await decideShop(alice);
    const report = buildPermissions(decided);
    assert.deepEqual(
      report.map((r) => [
        r.resource,
        r.actions.map((a) => `${a.action}:${a.decisions.map((d) => d.verdict).join('/')}`),
      ]),
      [
        ['order', ['delete:denied', 'read:conditional', 'update:conditional']],
        ['report', ['read:conditional']],
      ],
    );
    const remove = report[0]?.actions[0]?.decisions[0];
    assert.match(remove?.rule ?? '', /default allow := false \(authz\.rego:\d+\)/);
    assert.match(remove?.why ?? '', /no allow rule matched/);
    assert.equal(remove?.sites[0]?.file, join(shop, 'src/api/orders.ts'));
    assert.equal(remove?.sites[0]?.summary, 'DELETE /api/orders/{id}');
  });
});

describe('the impact of a policy change', () => {
  it('lists the calls whose verdict changed, with counts', async () => {
    const before = await decideShop(alice);
    const text = readFileSync(join(shop, 'policy', 'authz.rego'), 'utf8');
    const after = await decideShop(alice, `${text}\nallow if input.action in ["delete", "read"]\n`);
    const hash = () => 'same';
    const report = compareSnapshots(
      snapshotVerdicts(before.decided, before.policy.version, hash),
      snapshotVerdicts(after.decided, after.policy.version, hash),
    );
    assert.ok(report);
    assert.equal(report.message, '3 calls newly allowed');
    assert.deepEqual(
      report.changes.map((c) => [c.summary, c.before, c.verdict]),
      [
        ['GET /api/admin/reports', 'conditional', 'allowed'],
        ['GET /api/orders/{id}', 'conditional', 'allowed'],
        ['DELETE /api/orders/{id}', 'denied', 'allowed'],
      ],
    );
    assert.equal(
      compareSnapshots(
        snapshotVerdicts(before.decided, 'a', hash),
        snapshotVerdicts(before.decided, 'b', hash),
      ),
      undefined,
    );
    // A file edited between the two snapshots is not compared: its calls have new keys.
    const edited = compareSnapshots(
      snapshotVerdicts(before.decided, 'a', () => 'old'),
      snapshotVerdicts(after.decided, 'b', () => 'new'),
    );
    assert.equal(edited, undefined);
  });

  it('says the counts in one line, the noun on the first part', () => {
    assert.equal(formatImpactMessage(2, 1, 0), '2 calls newly denied, 1 newly allowed');
    assert.equal(formatImpactMessage(1, 0, 0), '1 call newly denied');
    assert.equal(formatImpactMessage(0, 0, 3), '3 calls now conditional or undecided');
  });
});
