/**
 * OpenID Provider discovery (OpenID Connect Discovery 1.0): the issuer's
 * `/.well-known/openid-configuration`, fetched from the configured issuer only, bounded in size and
 * time, never following redirects, and checked so that the document names the same issuer.
 * Shared by key verification (its `jwks_uri`) and sign-in (its endpoints).
 */

/** Discovery documents larger than this are refused; real ones are a few kilobytes. */
export const MAX_DISCOVERY_BYTES = 256 * 1024;

/** The fields of a discovery document that Clearance uses. */
export interface ProviderMetadata {
  issuer: string;
  jwks_uri?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  device_authorization_endpoint?: string;
  end_session_endpoint?: string;
  revocation_endpoint?: string;
  userinfo_endpoint?: string;
  code_challenge_methods_supported?: string[];
  grant_types_supported?: string[];
  id_token_signing_alg_values_supported?: string[];
}

/** The provider's metadata, or why it could not be discovered (safe to show). */
export type DiscoveryResult = { ok: true; metadata: ProviderMetadata } | { ok: false; reason: string };

/** How discovery fetches: the timeout, and how long a good document is reused. */
export interface DiscoveryOptions {
  timeoutMs?: number;
  cacheMs?: number;
}

const cache = new Map<string, { at: number; metadata: ProviderMetadata }>();
const MAX_CACHED = 16;

/**
 * Checks that a configured endpoint is one Clearance may call: https, or plain http only on the
 * loopback address; no user name or password. Returns the reason when it is not.
 */
export function findEndpointProblem(name: string, value: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return `${name} is not a valid URL`;
  }
  if (parsed.username !== '' || parsed.password !== '')
    return `${name} must not contain a user name or password`;
  const loopback =
    parsed.hostname === '127.0.0.1' || parsed.hostname === '[::1]' || parsed.hostname === 'localhost';
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    return `${name} ${parsed.origin}${parsed.pathname} must use https (plain http only on 127.0.0.1)`;
  }
  return undefined;
}

/** Forgets cached discovery documents (for refresh and for tests). */
export function clearDiscoveryCache(): void {
  cache.clear();
}

/** Fetches (or reuses) the issuer's discovery document and checks it. */
export async function discoverProvider(
  issuer: string,
  options: DiscoveryOptions = {},
): Promise<DiscoveryResult> {
  const problem = findEndpointProblem('issuer', issuer);
  if (problem !== undefined) return { ok: false, reason: problem };
  const cacheMs = options.cacheMs ?? 10 * 60_000;
  const cached = cache.get(issuer);
  if (cached !== undefined && Date.now() - cached.at < cacheMs)
    return { ok: true, metadata: cached.metadata };
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'manual',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return { ok: false, reason: `discovery at ${url} timed out` };
    }
    return { ok: false, reason: `could not connect to ${url}${describeCause(error)}` };
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    const redirect = response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : '';
    return { ok: false, reason: `discovery at ${url} answered HTTP ${response.status}${redirect}` };
  }
  const body = await readLimitedBody(response, MAX_DISCOVERY_BYTES);
  if (body === undefined) return { ok: false, reason: `discovery document at ${url} is larger than 256 KB` };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: `discovery document at ${url} is not JSON` };
  }
  const checked = checkMetadata(json, issuer);
  if (typeof checked === 'string') return { ok: false, reason: `discovery document at ${url} ${checked}` };
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(issuer, { at: Date.now(), metadata: checked });
  return { ok: true, metadata: checked };
}

function checkMetadata(json: unknown, issuer: string): ProviderMetadata | string {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'is not a JSON object';
  const record = json as Record<string, unknown>;
  // OpenID Connect Discovery 1.0 section 4.3: the issuer in the document must equal the one asked for.
  if (record.issuer !== issuer) return `names the issuer ${JSON.stringify(record.issuer)}, not ${issuer}`;
  const endpoints = [
    'jwks_uri',
    'authorization_endpoint',
    'token_endpoint',
    'device_authorization_endpoint',
    'end_session_endpoint',
    'revocation_endpoint',
    'userinfo_endpoint',
  ] as const;
  const metadata: ProviderMetadata = { issuer };
  for (const name of endpoints) {
    const value = record[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') return `has a ${name} that is not a string`;
    const problem = findEndpointProblem(name, value);
    if (problem !== undefined) return `has an unusable ${problem}`;
    metadata[name] = value;
  }
  for (const name of [
    'code_challenge_methods_supported',
    'grant_types_supported',
    'id_token_signing_alg_values_supported',
  ] as const) {
    const value = record[name];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) metadata[name] = value;
  }
  return metadata;
}

/** Reads a response body as UTF-8 up to `limitBytes`; undefined when it is longer (then it is cancelled). */
export async function readLimitedBody(response: Response, limitBytes: number): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The errno code of a failed fetch, e.g. ` (ECONNREFUSED)`, or nothing. */
export function describeCause(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') {
    return ` (${cause.code})`;
  }
  return '';
}
