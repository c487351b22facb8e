/** The decision cache: what its keys depend on, that they never hold a token, its LRU bound and its hits. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mintDemoIdentity } from '../../../scripts/mint-demo-identity';
import { defaultSettings } from '../../../server/src/config/settings';
import { buildCallInput } from '../../../server/src/decision/input';
import { resolveIdentity } from '../../../server/src/identity';
import {
  buildDecisionKey,
  DecisionCache,
  decideCached,
  fingerprintIdentity,
} from '../../../server/src/index/decision-cache';
import { loadPolicy } from '../../../server/src/policy/load';
import { createScanner } from '../../../server/src/scanner';

const repo = join(__dirname, '..', '..', '..');
const policy = loadPolicy(join(repo, 'examples', 'shop'), ['policy']);
const ordersFile = join(repo, 'examples', 'shop', 'src', 'api', 'orders.ts');

async function makeIdentity() {
  const dir = mkdtempSync(join(tmpdir(), 'clearance-cache-'));
  const minted = await mintDemoIdentity({
    outDir: dir,
    ttlSeconds: 900,
    users: [{ sub: 'alice', email: 'alice@example.com', role: 'developer' }],
  });
  const identity = await resolveIdentity(
    { tokenFile: join(dir, 'alice.jwt'), jwksFile: join(dir, 'jwks.json') },
    { baseDir: dir },
  );
  rmSync(dir, { recursive: true, force: true });
  return { identity, token: minted.tokens.alice as string };
}

describe('the decision cache', () => {
  it('keys by identity, policy version, entrypoint, limits and input, but not by the time within a minute', async () => {
    const { identity } = await makeIdentity();
    const { calls } = await createScanner().scanText(ordersFile, readFileSync(ordersFile, 'utf8'));
    const [get, patch] = calls;
    assert.ok(get && patch);
    const now = new Date('2026-01-01T10:00:05Z');
    const parts = {
      identityFingerprint: fingerprintIdentity(identity),
      policyVersion: policy.version,
      entrypoint: 'data.api.authz.allow',
      limits: defaultSettings.evaluation,
      input: buildCallInput(get, identity, now),
      now,
    };
    const key = buildDecisionKey(parts);
    const later = new Date('2026-01-01T10:00:50Z');
    assert.equal(
      buildDecisionKey({ ...parts, input: buildCallInput(get, identity, later), now: later }),
      key,
    );
    const nextMinute = new Date('2026-01-01T10:01:00Z');
    assert.notEqual(buildDecisionKey({ ...parts, now: nextMinute }), key);
    assert.notEqual(buildDecisionKey({ ...parts, policyVersion: 'sha256:000000000000' }), key);
    assert.notEqual(buildDecisionKey({ ...parts, entrypoint: 'data.x.allow' }), key);
    assert.notEqual(buildDecisionKey({ ...parts, limits: { timeoutMs: 10, maxSteps: 1000 } }), key);
    assert.notEqual(buildDecisionKey({ ...parts, input: buildCallInput(patch, identity, now) }), key);
    const bob = { ...identity, user: { id: 'bob', roles: [] } };
    assert.notEqual(buildDecisionKey({ ...parts, identityFingerprint: fingerprintIdentity(bob) }), key);
  });

  it('never puts the token, or any part of it, in a key or a fingerprint', async () => {
    const { identity, token } = await makeIdentity();
    const cache = new DecisionCache();
    const { calls } = await createScanner().scanText(ordersFile, readFileSync(ordersFile, 'utf8'));
    const context = { policy, identity, settings: defaultSettings, now: new Date() };
    for (const call of calls) decideCached(cache, ordersFile, call, context);
    const texts = [...cache.listKeys(), fingerprintIdentity(identity)];
    assert.ok(texts.length > 1);
    for (const part of token.split('.')) {
      for (const text of texts) assert.ok(!text.includes(part.slice(0, 16)), 'a token part is in a key');
    }
  });

  it('reuses a decision for the same call and evicts the least recently used past its bound', async () => {
    const { identity } = await makeIdentity();
    const cache = new DecisionCache(2);
    const { calls } = await createScanner().scanText(ordersFile, readFileSync(ordersFile, 'utf8'));
    assert.equal(calls.length, 3);
    const context = { policy, identity, settings: defaultSettings, now: new Date() };
    const first = decideCached(cache, ordersFile, calls[0] as never, context);
    const again = decideCached(cache, ordersFile, calls[0] as never, context);
    assert.equal(cache.hits, 1);
    assert.equal(again.decision, first.decision);
    decideCached(cache, ordersFile, calls[1] as never, context);
    decideCached(cache, ordersFile, calls[2] as never, context);
    assert.equal(cache.size, 2);
    const misses = cache.misses;
    decideCached(cache, ordersFile, calls[0] as never, context);
    assert.equal(cache.misses, misses + 1, 'the oldest entry was evicted');
    const verdicts = calls.map((c) => decideCached(cache, ordersFile, c, context).decision.verdict);
    assert.deepEqual(verdicts, ['conditional', 'conditional', 'denied']);
  });

  it('does not keep a decision stopped by its limits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearance-slow-'));
    writeFileSync(
      join(dir, 'slow.rego'),
      'package api.authz\ndefault allow := false\nallow if count([x | some x in numbers.range(1, 100000); x > 0]) > 0\n',
    );
    const slow = loadPolicy(dir, []);
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(slow.errors, []);
    const { identity } = await makeIdentity();
    const { calls } = await createScanner().scanText(ordersFile, readFileSync(ordersFile, 'utf8'));
    const settings = { ...defaultSettings, evaluation: { ...defaultSettings.evaluation, maxSteps: 1000 } };
    const cache = new DecisionCache();
    const decided = decideCached(cache, ordersFile, calls[2] as never, {
      policy: slow,
      identity,
      settings,
      now: new Date(),
    });
    assert.equal(decided.decision.errors[0]?.code, 'eval_cancel_error');
    assert.equal(cache.size, 0);
  });
});
