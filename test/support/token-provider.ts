/**
 * A real OpenID Provider for tests: oidc-provider 9 on 127.0.0.1 with RSA keys generated at start.
 * Tokens are JWT access tokens it issues through the client-credentials grant (RFC 9068 shape:
 * iss, sub, aud, iat, exp, jti, plus any extra claims asked for), signed with its current key.
 * `rotateKeys()` swaps in a provider with a new signing key, keeping the old one published, the way
 * providers rotate; `requests` records every path fetched, so tests can count JWKS fetches.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadJose } from '../../server/src/identity/jose';

/** The audience every test token is issued for. */
export const PROVIDER_AUDIENCE = 'clearance-test-api';

/** How the test provider issues tokens. */
export interface TestProviderOptions {
  /** Lifetime of issued tokens in seconds; default 600. */
  ttlSeconds?: number;
}

/** A running provider. */
export interface TestProvider {
  /** `http://127.0.0.1:<port>`, the `iss` of its tokens. */
  issuer: string;
  /** The `jwks_uri` its discovery document names. */
  jwksUri: string;
  /** The kid it currently signs with. */
  currentKid: string;
  /** Every request path served, oldest first. */
  requests: string[];
  /** Asks the provider for a token (a real HTTP token request); `claims` are added to it. */
  issueToken(claims?: Record<string, unknown>): Promise<string>;
  /** Starts signing with a new key; the previous public key stays in the JWKS. */
  rotateKeys(): Promise<void>;
  stop(): Promise<void>;
}

const CLIENT = { client_id: 'clearance-tests', client_secret: 'a-test-secret-for-client-credentials' };

type PrivateJwk = Record<string, unknown> & { kid: string };
type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** Starts a provider on a free 127.0.0.1 port. */
export async function startTestProvider(options: TestProviderOptions = {}): Promise<TestProvider> {
  const { default: Provider } = await import('oidc-provider');
  const ttl = options.ttlSeconds ?? 600;
  const requests: string[] = [];
  let handler: Handler = (_request, response) => response.end();
  const server = createServer((request, response) => {
    requests.push(new URL(request.url ?? '/', 'http://x').pathname);
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let extraClaims: Record<string, unknown> = {};
  const keys: PrivateJwk[] = [];
  let counter = 0;

  const install = async (): Promise<void> => {
    keys.unshift(await generateSigningKey(`key-${++counter}`));
    const provider = new Provider(issuer, {
      clients: [{ ...CLIENT, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }],
      // oidc-provider signs with the first key of an algorithm and publishes all of them.
      jwks: { keys: [...keys] },
      features: {
        clientCredentials: { enabled: true },
        devInteractions: { enabled: false },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => 'urn:clearance:test-api',
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({
            scope: 'api',
            audience: PROVIDER_AUDIENCE,
            accessTokenFormat: 'jwt',
            accessTokenTTL: ttl,
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
      extraTokenClaims: () => extraClaims,
      ttl: { ClientCredentials: ttl },
    });
    handler = provider.callback();
  };
  await install();

  const testProvider: TestProvider = {
    issuer,
    jwksUri: `${issuer}/jwks`,
    currentKid: keys[0]?.kid ?? '',
    requests,
    async issueToken(claims = {}) {
      extraClaims = claims;
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${CLIENT.client_id}:${CLIENT.client_secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api' }).toString(),
      });
      const body = (await response.json()) as { access_token?: string; error?: string };
      if (typeof body.access_token !== 'string') throw new Error(`token request failed: ${body.error}`);
      return body.access_token;
    },
    async rotateKeys() {
      await install();
      testProvider.currentKid = keys[0]?.kid ?? '';
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return testProvider;
}

async function generateSigningKey(kid: string): Promise<PrivateJwk> {
  const jose = await loadJose();
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  return { ...(await jose.exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}
