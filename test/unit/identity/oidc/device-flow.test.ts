// The device authorization grant (RFC 8628) against a real OpenID provider on 127.0.0.1, approved and
// refused by driving the provider's own device pages over HTTP, as a person on another device would.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clearDiscoveryCache } from '../../../../server/src/identity/discovery';
import {
  loadSignInEndpoints,
  pollDeviceToken,
  type SignInEndpoints,
  startDeviceAuthorization,
} from '../../../../server/src/identity/oidc';
import { startTestProvider, TEST_CLIENT_ID, type TestProvider } from '../../../support/oidc-provider';

describe('device authorization grant against oidc-provider', () => {
  let provider: TestProvider;
  let endpoints: SignInEndpoints;
  const config = () => ({ issuer: provider.issuer, clientId: TEST_CLIENT_ID });

  before(async () => {
    provider = await startTestProvider({ deviceInterval: 1 });
    clearDiscoveryCache();
    const loaded = await loadSignInEndpoints(config());
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.reason);
    endpoints = loaded.endpoints;
  });
  after(() => provider.close());

  it('discovers the device authorization and token endpoints from the issuer', () => {
    assert.equal(endpoints.deviceAuthorizationEndpoint, `${provider.issuer}/device/auth`);
    assert.equal(endpoints.tokenEndpoint, `${provider.issuer}/token`);
    assert.equal(endpoints.supportsS256, true);
  });

  it('gets a user code, waits while pending, and receives tokens once the user approves', async () => {
    const started = await startDeviceAuthorization(config(), endpoints);
    assert.ok(started.ok, started.ok ? '' : started.reason);
    const { authorization } = started;
    assert.match(authorization.userCode, /^[A-Z]{4}-?[A-Z]{4}$/);
    assert.equal(authorization.verificationUri, `${provider.issuer}/device`);
    assert.equal(authorization.intervalSeconds, 1);
    const tokenHitsBefore = provider.hits.get('/token') ?? 0;
    const polling = pollDeviceToken(config(), endpoints, authorization);
    // Let a poll or two see authorization_pending before approving.
    await new Promise((r) => setTimeout(r, 2500));
    await provider.approveDevice(authorization.userCode, 'alice');
    const result = await polling;
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.ok((provider.hits.get('/token') ?? 0) - tokenHitsBefore >= 2, 'polled while pending');
    assert.equal(result.tokens.claims.sub, 'alice');
    assert.equal(result.tokens.claims.email, 'alice@example.com');
    assert.equal(result.tokens.claims.iss, provider.issuer);
    assert.equal(result.tokens.claims.aud, TEST_CLIENT_ID);
    assert.ok(result.tokens.refreshToken, 'offline_access gives a refresh token');
    assert.ok(result.tokens.idTokenExpiresAt > Date.now());
    // The test provider keeps what it issued, for the no-leak checks of other tests.
    for (const credential of [
      result.tokens.idToken,
      result.tokens.accessToken,
      result.tokens.refreshToken ?? '',
    ]) {
      assert.ok(provider.issued.has(credential));
    }
  });

  it('ends with access_denied when the user refuses at the provider', async () => {
    const started = await startDeviceAuthorization(config(), endpoints);
    assert.ok(started.ok);
    const polling = pollDeviceToken(config(), endpoints, started.authorization);
    await provider.denyDevice(started.authorization.userCode);
    const result = await polling;
    assert.equal(result.ok, false);
    assert.equal(result.ok ? '' : result.error, 'access_denied');
  });

  it('adds 5 seconds to the polling interval for good after slow_down', async () => {
    const started = await startDeviceAuthorization(config(), endpoints);
    assert.ok(started.ok);
    const waits: number[] = [];
    let approved = false;
    provider.answerNextTokenRequests(1, { error: 'slow_down' });
    const result = await pollDeviceToken(config(), endpoints, started.authorization, {
      // Record the waits instead of waiting them; approve after a few pending polls.
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 4 && !approved) {
          approved = true;
          await provider.approveDevice(started.authorization.userCode);
        }
      },
    });
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.deepEqual(waits, [1000, 6000, 6000, 6000]);
  });

  // The wait between polls is made ten minutes: only a cancellation that cuts the wait short ends
  // the poll within the test's bound (a check of the elapsed time against the 1 s interval failed
  // on a loaded machine, and passed a cancellation seen only after the wait).
  it('stops when cancelled, without waiting for the code to expire', { timeout: 60_000 }, async () => {
    const started = await startDeviceAuthorization(config(), endpoints);
    assert.ok(started.ok);
    const controller = new AbortController();
    const polling = pollDeviceToken(
      config(),
      endpoints,
      { ...started.authorization, intervalSeconds: 600 },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 300);
    const result = await polling;
    assert.deepEqual(result, { ok: false, reason: 'cancelled' });
  });
});

describe('device flow polling rules (RFC 8628 section 3.5)', () => {
  let provider: TestProvider;
  before(async () => {
    provider = await startTestProvider({ ttl: { deviceCode: 2 }, deviceInterval: 1 });
  });
  after(() => provider.close());

  it('reports expired_token when nobody approves before the code expires', async () => {
    clearDiscoveryCache();
    const config = { issuer: provider.issuer, clientId: TEST_CLIENT_ID };
    const loaded = await loadSignInEndpoints(config);
    assert.ok(loaded.ok);
    const started = await startDeviceAuthorization(config, loaded.endpoints);
    assert.ok(started.ok);
    // Poll with the provider's clock, not the client's expiry estimate, to see the provider's answer.
    const result = await pollDeviceToken(config, loaded.endpoints, {
      ...started.authorization,
      expiresAt: Date.now() + 60_000,
    });
    assert.equal(result.ok, false);
    assert.equal(result.ok ? '' : result.error, 'expired_token');
  });
});
