import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { clearJwksCache, type ResolveOptions, resolveIdentity } from '../../../server/src/identity';
import type { KeySetJson } from '../../../server/src/identity/jose';
import { DEFAULT_FETCH_TIMEOUT_MS } from '../../../server/src/identity/resolve';
import { makeAliceClaims, makeJwks, makeKey, NOW_MS, signToken, type TestKey } from './fixtures';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 whose behaviour each test swaps, counting requests per path. */
interface JwksServer {
  base: string;
  hits: Map<string, number>;
  handle: Handler;
  close(): Promise<void>;
}

async function startServer(): Promise<JwksServer> {
  const state: JwksServer = {
    base: '',
    hits: new Map(),
    handle: (_request, response) => response.writeHead(404).end(),
    close: async () => {},
  };
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '';
    state.hits.set(path, (state.hits.get(path) ?? 0) + 1);
    state.handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

function serveJson(body: KeySetJson | string): Handler {
  return (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

describe('verification against a JWKS URL', () => {
  let server: JwksServer;
  let key1: TestKey;
  let key2: TestKey;
  const makeOptions = (token: string, extra: ResolveOptions = {}): ResolveOptions => ({
    env: { T: token },
    now: () => NOW_MS,
    ...extra,
  });

  before(async () => {
    server = await startServer();
    key1 = await makeKey('k1');
    key2 = await makeKey('k2');
  });
  after(async () => {
    clearJwksCache();
    await server.close();
  });

  it('verifies against keys served over http on 127.0.0.1 and caches them', async () => {
    server.handle = serveJson(makeJwks(key1));
    const jwksUrl = `${server.base}/cached/jwks.json`;
    const token = await signToken(makeAliceClaims(), key1);
    const first = await resolveIdentity({ tokenEnv: 'T', jwksUrl }, makeOptions(token));
    assert.equal(first.status, 'verified');
    const second = await resolveIdentity({ tokenEnv: 'T', jwksUrl }, makeOptions(token));
    assert.equal(second.status, 'verified');
    assert.equal(server.hits.get('/cached/jwks.json'), 1);
  });

  it('refetches on an unknown kid after a key rotation and then verifies', async () => {
    const jwksUrl = `${server.base}/rotating/jwks.json`;
    server.handle = serveJson(makeJwks(key1));
    const before = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl },
      makeOptions(await signToken(makeAliceClaims(), key1), { jwksCooldownMs: 0 }),
    );
    assert.equal(before.status, 'verified');

    server.handle = serveJson(makeJwks(key2));
    const resigned = await signToken(makeAliceClaims(), key2);
    const after = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl },
      makeOptions(resigned, { jwksCooldownMs: 0 }),
    );
    assert.equal(after.status, 'verified');
    assert.equal(server.hits.get('/rotating/jwks.json'), 2);
  });

  it('does not refetch for an unknown kid within the cooldown', async () => {
    const jwksUrl = `${server.base}/cooldown/jwks.json`;
    server.handle = serveJson(makeJwks(key1));
    const first = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl },
      makeOptions(await signToken(makeAliceClaims(), key1)),
    );
    assert.equal(first.status, 'verified');
    server.handle = serveJson(makeJwks(key2));
    const second = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl },
      makeOptions(await signToken(makeAliceClaims(), key2)),
    );
    assert.equal(second.status, 'invalid');
    assert.equal(second.reason, `no key in ${jwksUrl} matches the token's kid "k2"`);
    assert.equal(server.hits.get('/cooldown/jwks.json'), 1);
  });

  it('refetches after clearJwksCache', async () => {
    const jwksUrl = `${server.base}/cleared/jwks.json`;
    server.handle = serveJson(makeJwks(key1));
    await resolveIdentity({ tokenEnv: 'T', jwksUrl }, makeOptions(await signToken(makeAliceClaims(), key1)));
    clearJwksCache();
    server.handle = serveJson(makeJwks(key2));
    const identity = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl },
      makeOptions(await signToken(makeAliceClaims(), key2)),
    );
    assert.equal(identity.status, 'verified');
    assert.equal(server.hits.get('/cleared/jwks.json'), 2);
  });

  it('reports an HTTP error status', async () => {
    server.handle = (_request, response) => response.writeHead(500).end('boom');
    const jwksUrl = `${server.base}/error/jwks.json`;
    const identity = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl },
      makeOptions(await signToken(makeAliceClaims(), key1)),
    );
    assert.equal(identity.status, 'invalid');
    assert.equal(identity.reason, `could not fetch keys from ${jwksUrl}: the server answered HTTP 500`);
  });

  it('does not follow a redirect to another URL', async () => {
    server.handle = (request, response) => {
      if (request.url === '/moved/jwks.json') response.writeHead(302, { location: '/elsewhere.json' }).end();
      else serveJson(makeJwks(key1))(request, response);
    };
    const jwksUrl = `${server.base}/moved/jwks.json`;
    const identity = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl },
      makeOptions(await signToken(makeAliceClaims(), key1)),
    );
    assert.equal(identity.status, 'invalid');
    assert.match(identity.reason ?? '', /redirect \(HTTP 302\), which is not followed/);
    assert.equal(server.hits.get('/elsewhere.json'), undefined);
  });

  it('reports a response that is not JSON', async () => {
    server.handle = serveJson('<html>login</html>');
    const jwksUrl = `${server.base}/html/jwks.json`;
    const identity = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl },
      makeOptions(await signToken(makeAliceClaims(), key1)),
    );
    assert.equal(identity.status, 'invalid');
    assert.equal(identity.reason, `could not fetch keys from ${jwksUrl}: the response is not JSON`);
  });

  it('reports a response that is JSON but not a JWKS', async () => {
    server.handle = serveJson('{"issuer": "x"}');
    const jwksUrl = `${server.base}/notjwks/jwks.json`;
    const identity = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl },
      makeOptions(await signToken(makeAliceClaims(), key1)),
    );
    assert.equal(identity.status, 'invalid');
    assert.match(identity.reason ?? '', /the response is not a JWKS/);
  });

  it('refuses a response over 1 MB', async () => {
    server.handle = serveJson(`{"keys": [], "pad": "${'x'.repeat(2 * 1024 * 1024)}"}`);
    const jwksUrl = `${server.base}/huge/jwks.json`;
    const identity = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl },
      makeOptions(await signToken(makeAliceClaims(), key1)),
    );
    assert.equal(identity.status, 'invalid');
    assert.match(identity.reason ?? '', /larger than 1 MB/);
  });

  it('times out on a server that never answers', async () => {
    server.handle = () => {};
    const jwksUrl = `${server.base}/silent/jwks.json`;
    const started = Date.now();
    const identity = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl },
      makeOptions(await signToken(makeAliceClaims(), key1), { fetchTimeoutMs: 300 }),
    );
    assert.equal(identity.status, 'invalid');
    assert.equal(identity.reason, `timed out after 300 ms fetching keys from ${jwksUrl}`);
    // Its own 300 ms, not the default: a timer that late is not a loaded machine's delay.
    assert.ok(Date.now() - started < DEFAULT_FETCH_TIMEOUT_MS, `took ${Date.now() - started} ms`);
  });

  it('times out on a server that stalls in the middle of the body', async () => {
    server.handle = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"keys": [');
    };
    const jwksUrl = `${server.base}/stall/jwks.json`;
    const started = Date.now();
    const identity = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl },
      makeOptions(await signToken(makeAliceClaims(), key1), { fetchTimeoutMs: 300 }),
    );
    assert.equal(identity.status, 'invalid');
    assert.match(identity.reason ?? '', /timed out/);
    assert.ok(Date.now() - started < DEFAULT_FETCH_TIMEOUT_MS, `took ${Date.now() - started} ms`);
  });

  it('reports a refused connection', async () => {
    const closed = await startServer();
    const jwksUrl = `${closed.base}/jwks.json`;
    await closed.close();
    const identity = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl },
      makeOptions(await signToken(makeAliceClaims(), key1)),
    );
    assert.equal(identity.status, 'invalid');
    assert.equal(identity.reason, `could not fetch keys from ${jwksUrl}: could not connect (ECONNREFUSED)`);
  });

  it('refuses plain http to anything but loopback, without fetching', async () => {
    const identity = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl: 'http://id.example.com/jwks.json' },
      makeOptions(await signToken(makeAliceClaims(), key1)),
    );
    assert.equal(identity.status, 'invalid');
    assert.equal(
      identity.reason,
      'jwksUrl http://id.example.com/jwks.json must use https (plain http only on 127.0.0.1)',
    );
  });

  it('refuses a URL with credentials, without echoing them', async () => {
    const identity = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl: `http://user:hunter2@127.0.0.1:1/jwks.json` },
      makeOptions(await signToken(makeAliceClaims(), key1)),
    );
    assert.equal(identity.status, 'invalid');
    assert.equal(identity.reason, 'jwksUrl must not contain a user name or password');
  });

  it('names the URL without its query string', async () => {
    server.handle = (_request, response) => response.writeHead(404).end();
    const identity = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl: `${server.base}/q/jwks.json?api_key=s3cret` },
      makeOptions(await signToken(makeAliceClaims(), key1)),
    );
    assert.equal(identity.status, 'invalid');
    assert.equal(
      identity.reason,
      `could not fetch keys from ${server.base}/q/jwks.json: the server answered HTTP 404`,
    );
  });

  it('reports an unparseable jwksUrl', async () => {
    const identity = await resolveIdentity(
      { tokenEnv: 'T', jwksUrl: 'not a url' },
      makeOptions(await signToken(makeAliceClaims(), key1)),
    );
    assert.equal(identity.status, 'invalid');
    assert.equal(identity.reason, 'jwksUrl is not a valid URL');
  });
});
