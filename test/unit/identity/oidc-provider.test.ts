/**
 * Verification against a real OpenID Provider (oidc-provider on 127.0.0.1 with RSA keys generated
 * at start): discovery finds the JWKS, its tokens verify, a key rotation is picked up through a
 * rate-limited refetch, and a short-lived token reaches expiry. Expected states follow RFC 7519
 * (exp, aud, iss) and OpenID Connect Discovery 1.0 (jwks_uri), not the code's output.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { clearJwksCache, resolveIdentity } from '../../../server/src/identity';
import { clearDiscoveryCache } from '../../../server/src/identity/discovery';
import { PROVIDER_AUDIENCE, startTestProvider, type TestProvider } from '../../support/token-provider';

/** The provider paths Clearance itself fetched (the tests' own token requests left out). */
function fetchedByClearance(provider: TestProvider): string[] {
  return provider.requests.filter((path) => path !== '/token');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('verification against a real OpenID provider', () => {
  let provider: TestProvider;
  const settings = () => ({ issuer: provider.issuer, audience: PROVIDER_AUDIENCE, tokenEnv: 'T' });

  before(async () => {
    provider = await startTestProvider({ ttlSeconds: 600 });
  });
  after(() => provider.stop());
  beforeEach(() => {
    clearDiscoveryCache();
    clearJwksCache();
    provider.requests.length = 0;
  });

  it('finds the keys through discovery and verifies a token the provider issued', async () => {
    const token = await provider.issueToken({ email: 'ci@example.com', roles: ['deployer'] });
    const identity = await resolveIdentity(settings(), { env: { T: token } });
    assert.equal(identity.status, 'verified', identity.reason);
    assert.equal(identity.issuer, provider.issuer);
    assert.equal(identity.user?.id, 'clearance-tests');
    assert.deepEqual(identity.user?.roles, ['deployer']);
    assert.equal(identity.user?.role, 'deployer');
    assert.deepEqual(fetchedByClearance(provider), ['/.well-known/openid-configuration', '/jwks']);
  });

  it('rejects a token for another audience', async () => {
    const token = await provider.issueToken();
    const identity = await resolveIdentity(
      { ...settings(), audience: 'someone-else' },
      { env: { T: token } },
    );
    assert.equal(identity.status, 'invalid');
    assert.match(
      identity.reason ?? '',
      /audience "clearance-test-api" does not include the expected audience "someone-else"/,
    );
  });

  it('picks up a rotated signing key, refetching the JWKS at most once per cooldown', async (t) => {
    // jose times its cooldown with Date.now(): a frozen clock moved on by hand keeps "within the
    // cooldown" true however slowly a loaded machine runs the test (it once failed at load 30).
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const cooldownMs = 3000;
    const options = (token: string) => ({ env: { T: token }, jwksCooldownMs: cooldownMs });
    const beforeRotation = await provider.issueToken();
    const first = await resolveIdentity(settings(), options(beforeRotation));
    assert.equal(first.status, 'verified', first.reason);
    const oldKid = provider.currentKid;
    await provider.rotateKeys();
    assert.notEqual(provider.currentKid, oldKid);
    const rotated = await provider.issueToken();
    // Within the cooldown the cached set is not refetched, so the new kid is unknown for now.
    const early = await resolveIdentity(settings(), options(rotated));
    assert.equal(early.status, 'invalid');
    assert.match(early.reason ?? '', new RegExp(`matches the token's kid "${provider.currentKid}"`));
    assert.equal(fetchedByClearance(provider).filter((p) => p === '/jwks').length, 1);
    t.mock.timers.tick(cooldownMs + 100);
    const later = await resolveIdentity(settings(), options(rotated));
    assert.equal(later.status, 'verified', later.reason);
    assert.equal(fetchedByClearance(provider).filter((p) => p === '/jwks').length, 2);
    // A token signed with the old key still verifies: the provider keeps publishing it.
    const stillValid = await resolveIdentity(settings(), options(beforeRotation));
    assert.equal(stillValid.status, 'verified', stillValid.reason);
  });

  it('calls nothing but the issuer discovery document and the JWKS it names', async () => {
    await resolveIdentity(settings(), { env: { T: await provider.issueToken() } });
    await resolveIdentity(settings(), { env: { T: await provider.issueToken() } });
    const fetched = fetchedByClearance(provider);
    assert.ok(fetched.length > 0);
    for (const path of fetched)
      assert.ok(['/.well-known/openid-configuration', '/jwks'].includes(path), path);
  });
});

describe('a short-lived token from a real provider reaches expiry', () => {
  let provider: TestProvider;
  before(async () => {
    provider = await startTestProvider({ ttlSeconds: 2 });
  });
  after(() => provider.stop());

  it('is verified while it lives and expired once exp (with no clock skew) has passed', async () => {
    clearDiscoveryCache();
    clearJwksCache();
    const token = await provider.issueToken();
    const settings = {
      issuer: provider.issuer,
      audience: PROVIDER_AUDIENCE,
      tokenEnv: 'T',
      clockSkewSeconds: 0,
    };
    const live = await resolveIdentity(settings, { env: { T: token } });
    assert.equal(live.status, 'verified', live.reason);
    const exp = live.expiresAt ?? 0;
    assert.ok(exp - Date.now() / 1000 <= 2);
    await delay(Math.max(0, exp * 1000 - Date.now()) + 1100);
    const dead = await resolveIdentity(settings, { env: { T: token } });
    assert.equal(dead.status, 'expired');
    assert.match(dead.reason ?? '', /^token expired \d+ seconds? ago$/);
    assert.equal(dead.user?.id, 'clearance-tests');
  });
});
