// Refresh (RFC 6749 section 6), short-lived tokens reaching expiry, and key rotation, against a real
// oidc-provider: the tokens a sign-in gets are resolved by `resolveIdentity` exactly as the language
// server resolves the editor's session, verified against the provider's published keys.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clearJwksCache, resolveIdentity } from '../../../../server/src/identity';
import { clearDiscoveryCache, discoverProvider } from '../../../../server/src/identity/discovery';
import {
  computeRefreshAt,
  loadSignInEndpoints,
  pollDeviceToken,
  refreshTokens,
  revokeRefreshToken,
  type SignInEndpoints,
  startDeviceAuthorization,
  type TokenSet,
} from '../../../../server/src/identity/oidc';
import { startTestProvider, TEST_CLIENT_ID, type TestProvider } from '../../../support/oidc-provider';

/** Signs in with the device flow, approving it as `login`, and returns the tokens. */
async function signIn(
  provider: TestProvider,
  endpoints: SignInEndpoints,
  login = 'alice',
): Promise<TokenSet> {
  const config = { issuer: provider.issuer, clientId: TEST_CLIENT_ID };
  const started = await startDeviceAuthorization(config, endpoints);
  assert.ok(started.ok, started.ok ? '' : started.reason);
  const polling = pollDeviceToken(config, endpoints, started.authorization, { sleep: () => pause(100) });
  await provider.approveDevice(started.authorization.userCode, login);
  const result = await polling;
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return result.tokens;
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe('refresh and expiry against oidc-provider (4-second tokens)', () => {
  let provider: TestProvider;
  let endpoints: SignInEndpoints;
  const config = () => ({ issuer: provider.issuer, clientId: TEST_CLIENT_ID });
  const settings = () => ({
    jwksUrl: provider.jwksUri,
    issuer: provider.issuer,
    clientId: TEST_CLIENT_ID,
    clockSkewSeconds: 0,
  });

  before(async () => {
    provider = await startTestProvider({ ttl: { idToken: 4, accessToken: 4 } });
    clearDiscoveryCache();
    const loaded = await loadSignInEndpoints(config());
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.reason);
    endpoints = loaded.endpoints;
  });
  after(() => provider.close());

  it('resolves a fresh sign-in as verified, from the sign-in source, audience checked against the client', async () => {
    const tokens = await signIn(provider, endpoints);
    clearJwksCache();
    const identity = await resolveIdentity(settings(), { sessionToken: tokens.idToken });
    assert.equal(identity.status, 'verified', identity.reason);
    assert.deepEqual(identity.source, { kind: 'signin', label: 'Clearance sign-in' });
    assert.equal(identity.user?.id, 'alice');
    assert.equal(identity.user?.email, 'alice@example.com');
    // The same token, with another client configured, is not meant for it.
    const other = await resolveIdentity(
      { ...settings(), clientId: 'another-app' },
      { sessionToken: tokens.idToken },
    );
    assert.equal(other.status, 'invalid');
  });

  it('lets the tokens expire, and a refresh renews them with a later expiry', async () => {
    const tokens = await signIn(provider, endpoints);
    const lifetime = tokens.idTokenExpiresAt - (tokens.claims.iat as number) * 1000;
    assert.equal(lifetime, 4000);
    // 80% of a 4-second lifetime is 3.2 s after issue; too short for a 2-minute margin.
    assert.equal(
      computeRefreshAt(tokens, (tokens.claims.iat as number) * 1000),
      tokens.idTokenExpiresAt - 800,
    );
    await pause(tokens.idTokenExpiresAt - Date.now() + 1100);
    clearJwksCache();
    const expired = await resolveIdentity(settings(), { sessionToken: tokens.idToken });
    assert.equal(expired.status, 'expired');
    assert.ok(tokens.refreshToken);
    const renewed = await refreshTokens(config(), endpoints, tokens.refreshToken, {
      previousIdToken: tokens.idToken,
    });
    assert.ok(renewed.ok, renewed.ok ? '' : renewed.reason);
    assert.ok(renewed.tokens.idTokenExpiresAt > tokens.idTokenExpiresAt);
    assert.notEqual(renewed.tokens.idToken, tokens.idToken);
    assert.equal(renewed.tokens.claims.sub, 'alice');
    const fresh = await resolveIdentity(settings(), { sessionToken: renewed.tokens.idToken });
    assert.equal(fresh.status, 'verified', fresh.reason);
    // A public client's refresh token rotates: the answer carries a new one.
    assert.ok(renewed.tokens.refreshToken);
    assert.notEqual(renewed.tokens.refreshToken, tokens.refreshToken);
  });

  it('revokes the refresh token on sign-out (RFC 7009): it can no longer be redeemed', async () => {
    const tokens = await signIn(provider, endpoints);
    assert.ok(tokens.refreshToken);
    assert.equal(endpoints.revocationEndpoint, `${provider.issuer}/token/revocation`);
    assert.equal(await revokeRefreshToken(config(), endpoints, tokens.refreshToken), undefined);
    const after = await refreshTokens(config(), endpoints, tokens.refreshToken);
    assert.equal(after.ok ? '' : after.error, 'invalid_grant');
  });

  it('reports invalid_grant for a refresh token the provider does not know, without echoing it', async () => {
    const bogus = 'not-a-real-refresh-token-0123456789';
    const result = await refreshTokens(config(), endpoints, bogus);
    assert.equal(result.ok, false);
    assert.equal(result.ok ? '' : result.error, 'invalid_grant');
    assert.ok(!(result.ok ? '' : result.reason).includes(bogus));
  });
});

describe('key rotation against oidc-provider', () => {
  let provider: TestProvider;
  let endpoints: SignInEndpoints;

  before(async () => {
    provider = await startTestProvider();
    clearDiscoveryCache();
    const loaded = await loadSignInEndpoints({ issuer: provider.issuer, clientId: TEST_CLIENT_ID });
    assert.ok(loaded.ok);
    endpoints = loaded.endpoints;
  });
  after(() => provider.close());

  it('verifies tokens signed with the new key after rotation, using the JWKS URL from discovery', async () => {
    const discovered = await discoverProvider(provider.issuer);
    assert.ok(discovered.ok);
    const jwksUrl = discovered.metadata.jwks_uri ?? '';
    assert.equal(jwksUrl, provider.jwksUri);
    const settings = { jwksUrl, issuer: provider.issuer, clientId: TEST_CLIENT_ID };
    clearJwksCache();
    const before = await signIn(provider, endpoints);
    const oldKid = provider.signingKid();
    const first = await resolveIdentity(settings, { sessionToken: before.idToken, jwksCooldownMs: 0 });
    assert.equal(first.status, 'verified', first.reason);

    await provider.rotateKeys({ dropOld: true });
    assert.notEqual(provider.signingKid(), oldKid);
    const after = await signIn(provider, endpoints);
    const header = JSON.parse(Buffer.from(after.idToken.split('.')[0] ?? '', 'base64url').toString()) as {
      kid: string;
    };
    assert.equal(header.kid, provider.signingKid());
    // The cached key set lacks the new kid: resolving refetches the JWKS and verifies.
    const second = await resolveIdentity(settings, { sessionToken: after.idToken, jwksCooldownMs: 0 });
    assert.equal(second.status, 'verified', second.reason);
    assert.equal(second.user?.id, 'alice');
    // The old key is gone from the provider's key set: a token signed with it no longer verifies.
    const stale = await resolveIdentity(settings, { sessionToken: before.idToken, jwksCooldownMs: 0 });
    assert.equal(stale.status, 'invalid');
  });
});
