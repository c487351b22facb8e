/**
 * A real OpenID provider for tests: the npm package `oidc-provider`, on 127.0.0.1 on a free port, with
 * real RSA keys, the device flow, refresh tokens and its development login and consent pages, which the
 * helpers below drive over HTTP the way a person's browser would.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type OidcModule = typeof import('oidc-provider', { with: { 'resolution-mode': 'import' }});
type ProviderInstance = InstanceType<OidcModule['default']>;

/** The public client every test provider registers (no secret, as an editor's client is). */
export const TEST_CLIENT_ID = 'clearance-test';

/** The claims of each account the test provider knows, by login name. */
export const TEST_ACCOUNTS: Record<string, Record<string, unknown>> = {
  alice: { email: 'alice@example.com', email_verified: true, name: 'Alice Liddell', roles: ['developer'] },
  bob: { email: 'bob@example.com', email_verified: true, name: 'Bob Builder', roles: ['admin'] },
};

/** Token lifetimes in seconds; anything not given uses the provider's defaults. */
export interface TestProviderTtl {
  accessToken?: number;
  idToken?: number;
  deviceCode?: number;
  refreshToken?: number;
}

/** What `startTestProvider` accepts. */
export interface TestProviderOptions {
  ttl?: TestProviderTtl;
  /** Leave the device flow off, to test a provider without it. */
  deviceFlow?: boolean;
  /** Seconds the provider asks device clients to wait between polls (RFC 8628 `interval`). */
  deviceInterval?: number;
}

/** A running test provider. */
export interface TestProvider {
  /** `http://127.0.0.1:<port>`, the issuer and discovery base. */
  issuer: string;
  /** The JWKS URL (from the discovery document). */
  jwksUri: string;
  /** The `kid` of the key that signs new tokens. */
  signingKid(): string;
  /** Requests seen per path, e.g. `/token`. */
  hits: Map<string, number>;
  /**
   * Every credential the token and device endpoints have handed out (access, ID and refresh tokens,
   * device codes), for tests that check none of them leaked anywhere.
   */
  issued: Set<string>;
  /** Enters a user code on the provider's device page, signs in as `login` and consents. */
  approveDevice(userCode: string, login?: string): Promise<void>;
  /** Enters a user code on the device page and refuses it there. */
  denyDevice(userCode: string): Promise<void>;
  /**
   * Opens an authorization URL as a browser would: signs in as `login`, consents, and follows the
   * redirect to the client's redirect URI (the loopback listener), returning that last response.
   */
  completeAuthorization(url: string, login?: string): Promise<{ status: number; url: string }>;
  /** Rotates the keys: a new key signs from now on, the old one stays published for verification. */
  rotateKeys(options?: { dropOld?: boolean }): Promise<void>;
  /**
   * Answers the next `count` POSTs to the token endpoint with HTTP 400 and this OAuth error body
   * instead of the provider, e.g. `slow_down`, which oidc-provider never sends itself.
   */
  answerNextTokenRequests(count: number, body: Record<string, unknown>): void;
  /**
   * Holds the next POST to the token endpoint unanswered until `release` is called (then the provider
   * answers it as usual): `arrived` resolves when it came, so a test can act while a refresh is under way.
   */
  holdNextTokenRequest(): { arrived: Promise<void>; release(): void };
  /** Stops the provider. */
  close(): Promise<void>;
}

// oidc-provider prints a notice for every development default it uses; in test output they drown the
// results. Only its own lines are dropped.
for (const level of ['info', 'warn'] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider ')) return;
    original(...args);
  };
}

interface Jwk {
  kid: string;
  [key: string]: unknown;
}

/** Starts a provider on 127.0.0.1 with one RS256 key and the test client registered. */
export async function startTestProvider(options: TestProviderOptions = {}): Promise<TestProvider> {
  const hits = new Map<string, number>();
  let override: { count: number; body: Record<string, unknown> } | undefined;
  let hold: { arrive(): void; released: Promise<void> } | undefined;
  const issued = new Set<string>();
  let handle: (request: IncomingMessage, response: ServerResponse) => void = (_q, r) =>
    r.writeHead(503).end();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (override && override.count > 0 && path === '/token' && request.method === 'POST') {
      override.count--;
      response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(override.body));
      return;
    }
    if (path === '/token' || path === '/device/auth') recordCredentials(response, issued);
    if (hold && path === '/token' && request.method === 'POST') {
      const held = hold;
      hold = undefined;
      held.arrive();
      // The request waits unread; once released, the provider reads and answers it as it would have.
      void held.released.then(() => handle(request, response));
      return;
    }
    handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let keys: Jwk[] = [await makeSigningKey()];
  let provider = await createProvider(issuer, keys, options);
  handle = provider.callback() as typeof handle;

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    signingKid: () => (keys[0] as Jwk).kid,
    hits,
    issued,
    approveDevice: (userCode, login = 'alice') => driveDevice(issuer, userCode, { login }),
    denyDevice: (userCode) => driveDevice(issuer, userCode, { deny: true }),
    completeAuthorization: (url, login = 'alice') => driveAuthorization(issuer, url, login),
    rotateKeys: async ({ dropOld = false } = {}) => {
      const fresh = await makeSigningKey();
      keys = dropOld ? [fresh] : [fresh, ...keys];
      // oidc-provider takes its keys at construction; a new instance at the same address, sharing the
      // module-level in-memory store, is the rotation a real provider does between two requests.
      provider = await createProvider(issuer, keys, options);
      handle = provider.callback() as typeof handle;
    },
    answerNextTokenRequests: (count, body) => {
      override = { count, body };
    },
    holdNextTokenRequest: () => {
      let arrive = () => {};
      let release = () => {};
      const arrived = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      hold = { arrive, released };
      return { arrived, release };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Copies the credentials out of a token or device endpoint answer as it is sent. */
function recordCredentials(response: ServerResponse, issued: Set<string>): void {
  const chunks: Buffer[] = [];
  const write = response.write.bind(response) as (...args: unknown[]) => boolean;
  const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
  const keep = (chunk: unknown) => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  response.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(chunk);
    return write(chunk, ...rest);
  }) as typeof response.write;
  response.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'function') keep(chunk);
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      for (const key of ['access_token', 'id_token', 'refresh_token', 'device_code']) {
        if (typeof body[key] === 'string') issued.add(body[key] as string);
      }
    } catch {
      // Not JSON: nothing issued.
    }
    return end(chunk, ...rest);
  }) as typeof response.end;
}

async function makeSigningKey(): Promise<Jwk> {
  const jose = await import('jose');
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, kid: `test-${Math.random().toString(36).slice(2, 10)}`, alg: 'RS256', use: 'sig' };
}

async function createProvider(
  issuer: string,
  keys: Jwk[],
  options: TestProviderOptions,
): Promise<ProviderInstance> {
  const { default: Provider } = (await import('oidc-provider')) as OidcModule;
  const ttl = options.ttl ?? {};
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types: ['code'],
        // RFC 8252 section 7.3: a native client's loopback redirect matches on any port.
        redirect_uris: ['http://127.0.0.1/callback'],
      },
    ],
    jwks: { keys: keys as never },
    cookies: { keys: ['clearance-test-cookie-key'] },
    // Real providers put the profile and e-mail claims in the ID token; oidc-provider's default
    // keeps them for userinfo when an access token is issued.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'roles'],
    },
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: options.deviceFlow ?? true },
      revocation: { enabled: true },
    },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, ...(TEST_ACCOUNTS[sub] ?? {}) }),
    }),
    ttl: {
      ...(ttl.accessToken ? { AccessToken: ttl.accessToken } : {}),
      ...(ttl.idToken ? { IdToken: ttl.idToken } : {}),
      ...(ttl.deviceCode ? { DeviceCode: ttl.deviceCode } : {}),
      ...(ttl.refreshToken ? { RefreshToken: ttl.refreshToken } : {}),
    },
  });
  // Quiet: oidc-provider warns about its development-only features on every start.
  provider.on('server_error', () => {});
  // oidc-provider has no interval option; the test rewrites the device authorization answer instead.
  if (options.deviceInterval !== undefined) {
    const interval = options.deviceInterval;
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.path === '/device/auth' && ctx.status === 200 && typeof ctx.body === 'object' && ctx.body) {
        (ctx.body as Record<string, unknown>).interval = interval;
      }
    });
  }
  return provider;
}

/** A tiny cookie-keeping browser: every request is same-origin, so one jar by name is enough. */
class Browser {
  private readonly jar = new Map<string, string>();

  async request(url: string, form?: Record<string, string>): Promise<Response> {
    const headers: Record<string, string> = { accept: 'text/html' };
    if (this.jar.size > 0) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      headers,
      redirect: 'manual',
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }
}

interface Form {
  action: string;
  fields: Record<string, string>;
}

/** Reads the first form of a page: its action and its hidden inputs. */
function readForm(html: string, base: string): Form | undefined {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  for (const input of (form[2] ?? '').matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]+)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1];
    if (name && /type="hidden"/.test(input[0])) fields[name] = value ?? '';
  }
  return { action: new URL(decodeEntities(form[1] ?? ''), base).toString(), fields };
}

function decodeEntities(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&#x2F;/gi, '/')
    .replace(/&#x3D;/gi, '=');
}

/**
 * Follows a page through redirects and the provider's login and consent forms until it leaves the
 * provider (returning the first response from elsewhere) or shows a page without a form.
 */
async function follow(
  browser: Browser,
  issuer: string,
  first: Response,
  login: string,
): Promise<{ status: number; url: string; html: string }> {
  let response = first;
  let url = first.url;
  for (let step = 0; step < 20; step++) {
    if (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get('location') ?? '', url).toString();
      await response.body?.cancel();
      url = next;
      if (!next.startsWith(issuer)) {
        const outside = await fetch(next, { signal: AbortSignal.timeout(10_000) });
        return { status: outside.status, url: next, html: await outside.text() };
      }
      response = await browser.request(next);
      continue;
    }
    const html = await response.text();
    const form = readForm(html, url);
    if (!form || response.status !== 200) return { status: response.status, url, html };
    const prompt = form.fields.prompt;
    if (prompt === 'login')
      response = await browser.request(form.action, { ...form.fields, login, password: 'x' });
    else if (prompt === 'consent') response = await browser.request(form.action, form.fields);
    else return { status: response.status, url, html };
    url = form.action;
  }
  throw new Error('the provider sent more than 20 redirects and forms');
}

async function driveDevice(
  issuer: string,
  userCode: string,
  options: { login?: string; deny?: boolean },
): Promise<void> {
  const browser = new Browser();
  const entry = await browser.request(`${issuer}/device`);
  const entryForm = readForm(await entry.text(), `${issuer}/device`);
  if (!entryForm?.fields.xsrf) throw new Error('the device page shows no code form');
  const confirm = await browser.request(entryForm.action, {
    xsrf: entryForm.fields.xsrf,
    user_code: userCode,
  });
  const confirmForm = readForm(await confirm.text(), entryForm.action);
  if (!confirmForm?.fields.confirm) throw new Error(`the device page did not accept the code ${userCode}`);
  if (options.deny) {
    const denied = await browser.request(confirmForm.action, {
      xsrf: confirmForm.fields.xsrf ?? '',
      user_code: userCode,
      abort: 'yes',
    });
    await denied.text();
    return;
  }
  const confirmed = await browser.request(confirmForm.action, confirmForm.fields);
  const end = await follow(browser, issuer, confirmed, options.login ?? 'alice');
  if (end.status !== 200 || !/sign-in|success|signed in/i.test(end.html)) {
    throw new Error(`the device approval ended on HTTP ${end.status} at ${end.url}`);
  }
}

async function driveAuthorization(
  issuer: string,
  url: string,
  login: string,
): Promise<{ status: number; url: string }> {
  const browser = new Browser();
  const first = await browser.request(url);
  const end = await follow(browser, issuer, first, login);
  return { status: end.status, url: end.url };
}
