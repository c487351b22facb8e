// The authorization code grant with PKCE and a loopback redirect (RFC 6749 section 4.1, RFC 7636,
// RFC 8252), driven through a real oidc-provider's login and consent pages, the code arriving at the
// loopback listener on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clearDiscoveryCache } from '../../../../server/src/identity/discovery';
import {
  buildAuthorizationUrl,
  computeS256Challenge,
  loadSignInEndpoints,
  type SignInEndpoints,
  signInWithAuthorizationCode,
} from '../../../../server/src/identity/oidc';
import { startLoopbackListener } from '../../../../server/src/identity/oidc/loopback';
import { startTestProvider, TEST_CLIENT_ID, type TestProvider } from '../../../support/oidc-provider';

describe('PKCE', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', () => {
    assert.equal(
      computeS256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('asks for S256, a state, a nonce and consent when offline_access is requested', () => {
    const url = new URL(
      buildAuthorizationUrl({ issuer: 'https://idp.example', clientId: 'c1' }, 'https://idp.example/auth', {
        redirectUri: 'http://127.0.0.1:5000/callback',
        state: 's1',
        nonce: 'n1',
        codeChallenge: 'ch',
      }),
    );
    const p = url.searchParams;
    assert.equal(p.get('response_type'), 'code');
    assert.equal(p.get('client_id'), 'c1');
    assert.equal(p.get('code_challenge_method'), 'S256');
    assert.equal(p.get('code_challenge'), 'ch');
    assert.equal(p.get('state'), 's1');
    assert.equal(p.get('nonce'), 'n1');
    assert.equal(p.get('scope'), 'openid profile email offline_access');
    assert.equal(p.get('prompt'), 'consent');
  });
});

describe('loopback listener', () => {
  it('listens on 127.0.0.1, ignores answers for another state and takes the one for its own', async () => {
    const listener = await startLoopbackListener();
    assert.match(listener.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const waiting = listener.waitForCallback('good', { timeoutMs: 5000 });
    const forged = await fetch(`${listener.redirectUri}?code=evil&state=other`);
    assert.equal(forged.status, 400);
    const favicon = await fetch(listener.redirectUri.replace('/callback', '/favicon.ico'));
    assert.equal(favicon.status, 404);
    const real = await fetch(`${listener.redirectUri}?code=c0de&state=good`);
    assert.equal(real.status, 200);
    assert.deepEqual(await waiting, { ok: true, code: 'c0de' });
    listener.close();
  });

  it('reports the provider error the redirect carries', async () => {
    const listener = await startLoopbackListener();
    const waiting = listener.waitForCallback('s', { timeoutMs: 5000 });
    await fetch(`${listener.redirectUri}?error=access_denied&error_description=nope&state=s`);
    const result = await waiting;
    assert.equal(result.ok, false);
    assert.equal(result.ok ? '' : result.error, 'access_denied');
    listener.close();
  });

  it('gives up after its timeout', async () => {
    const listener = await startLoopbackListener();
    const result = await listener.waitForCallback('s', { timeoutMs: 100 });
    assert.equal(result.ok, false);
    listener.close();
  });
});

describe('authorization code sign-in against oidc-provider', () => {
  let provider: TestProvider;
  let endpoints: SignInEndpoints;
  const config = () => ({ issuer: provider.issuer, clientId: TEST_CLIENT_ID });

  before(async () => {
    provider = await startTestProvider();
    clearDiscoveryCache();
    const loaded = await loadSignInEndpoints(config());
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.reason);
    endpoints = loaded.endpoints;
  });
  after(() => provider.close());

  it('signs in through the browser and receives tokens for the account that logged in', async () => {
    let opened = '';
    let landed: { status: number; url: string } | undefined;
    const result = await signInWithAuthorizationCode(config(), endpoints, {
      openBrowser: async (url) => {
        opened = url;
        // The "browser": log in as bob and consent, then follow the redirect to the loopback listener.
        void provider.completeAuthorization(url, 'bob').then((end) => {
          landed = end;
        });
        return true;
      },
    });
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.ok(opened.startsWith(`${provider.issuer}/auth?`));
    assert.equal(result.tokens.claims.sub, 'bob');
    assert.equal(result.tokens.claims.email, 'bob@example.com');
    assert.equal(result.tokens.claims.nonce, new URL(opened).searchParams.get('nonce'));
    assert.ok(result.tokens.refreshToken);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(landed?.status, 200);
    assert.match(landed?.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/);
  });

  it('fails with the provider error when the user cancels at the provider', async () => {
    const result = await signInWithAuthorizationCode(config(), endpoints, {
      openBrowser: async (url) => {
        // Cancelling on the login page: oidc-provider's abort link.
        void (async () => {
          const first = await fetch(url, { redirect: 'manual' });
          const interaction = new URL(first.headers.get('location') ?? '', url);
          const cookies = first.headers
            .getSetCookie()
            .map((c) => c.split(';')[0])
            .join('; ');
          const abort = await fetch(`${interaction}/abort`, {
            redirect: 'manual',
            headers: { cookie: cookies },
          });
          const resume = await fetch(new URL(abort.headers.get('location') ?? '', url), {
            redirect: 'manual',
            headers: { cookie: cookies },
          });
          await fetch(resume.headers.get('location') ?? '');
        })();
        return true;
      },
      timeoutMs: 10_000,
    });
    assert.equal(result.ok, false);
    assert.equal(result.ok ? '' : result.error, 'access_denied');
  });

  it('fails clearly when the browser cannot be opened', async () => {
    const result = await signInWithAuthorizationCode(config(), endpoints, { openBrowser: async () => false });
    assert.deepEqual(result, { ok: false, reason: 'the browser could not be opened for the sign-in' });
  });

  it('is refused by the provider when the code verifier does not match (PKCE is enforced end to end)', async () => {
    // A code obtained for one challenge, redeemed with another verifier: RFC 7636 section 4.6.
    const listener = await startLoopbackListener();
    const url = buildAuthorizationUrl(config(), endpoints.authorizationEndpoint ?? '', {
      redirectUri: listener.redirectUri,
      state: 'st',
      nonce: 'nn',
      codeChallenge: computeS256Challenge('a'.repeat(43)),
    });
    const waiting = listener.waitForCallback('st', { timeoutMs: 10_000 });
    await provider.completeAuthorization(url);
    const callback = await waiting;
    assert.ok(callback.ok);
    const response = await fetch(endpoints.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.code,
        redirect_uri: listener.redirectUri,
        client_id: TEST_CLIENT_ID,
        code_verifier: 'b'.repeat(43),
      }),
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_grant');
    listener.close();
  });
});
