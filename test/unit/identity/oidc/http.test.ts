// The provider's endpoints misbehaving: slow, huge, redirecting, not JSON. Each call ends with a clear
// reason within its time limit, and no reason repeats what was sent or received.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { computeRefreshAt, refreshTokens } from '../../../../server/src/identity/oidc';
import { DEFAULT_HTTP_TIMEOUT_MS } from '../../../../server/src/identity/oidc/http';

let handle: (request: IncomingMessage, response: ServerResponse) => void = () => {};
let server: Server;
let base = '';

before(async () => {
  server = createServer((q, r) => handle(q, r));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** A refresh through oauth4webapi and the bounded transport, as the editor makes it. */
const refresh = (timeoutMs?: number) =>
  refreshTokens(
    { issuer: base, clientId: 'c1', ...(timeoutMs ? { timeoutMs } : {}) },
    { issuer: base, tokenEndpoint: `${base}/token` },
    'rt-secret-value',
  );
const failedBecause = (reason: string) => ({ ok: false, reason: `refreshing the sign-in failed: ${reason}` });

describe('token endpoint calls', () => {
  it('gives up on an endpoint that does not answer within the timeout', async () => {
    handle = () => {};
    const t0 = Date.now();
    const result = await refresh(300);
    assert.deepEqual(result, failedBecause(`${base}/token did not answer in time`));
    // At its own 300 ms, not the default's 10 s: a timer that late is not a loaded machine's delay.
    assert.ok(Date.now() - t0 < DEFAULT_HTTP_TIMEOUT_MS, `took ${Date.now() - t0} ms`);
  });

  it('refuses an answer larger than 256 KB', async () => {
    handle = (_q, r) => {
      r.writeHead(200, { 'content-type': 'application/json' });
      r.end(`{"x":"${'a'.repeat(300 * 1024)}"}`);
    };
    const result = await refresh();
    assert.deepEqual(result, failedBecause(`${base}/token answered more than 256 KB`));
  });

  it('does not follow redirects', async () => {
    handle = (_q, r) => r.writeHead(307, { location: 'http://127.0.0.1:1/elsewhere' }).end();
    const result = await refresh();
    assert.deepEqual(result, failedBecause(`${base}/token answered HTTP 307 (redirects are not followed)`));
  });

  it('says when the answer is not JSON, without quoting it', async () => {
    handle = (_q, r) => r.writeHead(502).end('<html>secret-looking body</html>');
    const result = await refresh();
    assert.deepEqual(result, failedBecause(`${base}/token answered HTTP 502 without JSON`));
  });

  it('sends the refresh grant as RFC 6749 section 6 says and keeps the refresh token out of the reason', async () => {
    let received = '';
    handle = (q, r) => {
      q.on('data', (c: Buffer) => {
        received += c.toString();
      });
      q.on('end', () =>
        r
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'invalid_grant', error_description: 'grant request is invalid' })),
      );
    };
    const result = await refreshTokens(
      { issuer: base, clientId: 'c1' },
      { issuer: base, tokenEndpoint: `${base}/token` },
      'rt-secret-value',
    );
    assert.deepEqual(Object.fromEntries(new URLSearchParams(received)), {
      grant_type: 'refresh_token',
      refresh_token: 'rt-secret-value',
      client_id: 'c1',
    });
    assert.deepEqual(result, {
      ok: false,
      reason: 'refreshing the sign-in failed: the provider answered invalid_grant (grant request is invalid)',
      error: 'invalid_grant',
    });
  });
});

describe('when to refresh', () => {
  const at = (iatS: number, expS: number, nowS: number) =>
    computeRefreshAt({ idTokenExpiresAt: expS * 1000, claims: { iat: iatS } }, nowS * 1000) / 1000;
  it('refreshes a one-hour token at 80% of its life (48 minutes)', () => {
    assert.equal(at(0, 3600, 0), 2880);
  });
  it('refreshes a five-minute token two minutes before it expires', () => {
    assert.equal(at(0, 300, 0), 180);
  });
  it('refreshes a one-minute token at 80% of its life', () => {
    assert.equal(at(0, 60, 0), 48);
  });
  it('refreshes an overdue token a second from now', () => {
    assert.equal(at(0, 60, 100), 101);
  });
});
