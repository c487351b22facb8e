/**
 * Key sets that tokens are verified against: a JWKS file read on every resolve (so a rotated file
 * takes effect at once) or a JWKS URL whose keys jose caches and refetches when a token names an
 * unknown `kid`. Only the configured URL is ever fetched: redirects are not followed.
 */
import { isAbsolute, resolve } from 'node:path';
import { describeReadProblem, readBoundedFile } from './bounded-read';
import { describeCause, readLimitedBody } from './discovery';
import { type GetKey, type KeySetJson, loadJose } from './jose';

/** Key sets larger than this are refused; a JWKS of a dozen RSA keys is under 10 KB. */
export const MAX_JWKS_BYTES = 1024 * 1024;

/** A usable key set: `label` names it in reasons (`jwks.json`, `https://id.example.com/jwks`). */
export interface KeySet {
  kind: 'file' | 'url';
  label: string;
  getKey: GetKey;
  /** Milliseconds after which a fetch is abandoned (only for `url`). */
  timeoutMs?: number;
}

/** A key set, or why the configured one cannot be used. */
export type KeySetLookup = { ok: true; keySet: KeySet } | { ok: false; reason: string };

/** Where key sets come from and how patiently they are fetched. */
export interface KeySetContext {
  baseDir: string;
  fetchTimeoutMs: number;
  cooldownMs: number;
}

/** Raised inside the fetch wrapper; its detail becomes part of the identity's reason. */
export class JwksFetchProblem extends Error {
  /** Creates a problem whose message is safe to show (no response body). */
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'JwksFetchProblem';
  }
}

const remoteSets = new Map<string, GetKey>();
const MAX_REMOTE_SETS = 16;

/** Loads the configured key set: the file when both are set; undefined when neither is. */
export async function loadKeySet(
  settings: { jwksFile?: string; jwksUrl?: string },
  context: KeySetContext,
): Promise<KeySetLookup | undefined> {
  if (typeof settings.jwksFile === 'string' && settings.jwksFile.trim() !== '') {
    return loadKeySetFile(settings.jwksFile, context.baseDir);
  }
  if (typeof settings.jwksUrl === 'string' && settings.jwksUrl.trim() !== '') {
    return await openRemoteKeySet(settings.jwksUrl.trim(), context);
  }
  return undefined;
}

/** Forgets every cached remote key set, so the next resolve refetches (for refresh and for tests). */
export function clearJwksCache(): void {
  remoteSets.clear();
}

/** Reads and checks a JWKS file of public keys. */
export async function loadKeySetFile(path: string, baseDir: string): Promise<KeySetLookup> {
  const label = path;
  const read = await readBoundedFile(isAbsolute(path) ? path : resolve(baseDir, path), MAX_JWKS_BYTES);
  if (!read.ok) return { ok: false, reason: `JWKS file ${label} ${describeReadProblem(read.problem)}` };
  let json: unknown;
  try {
    json = JSON.parse(read.text);
  } catch {
    return { ok: false, reason: `JWKS file ${label} is not valid JSON` };
  }
  const problem = findKeySetProblem(json);
  if (problem !== undefined) return { ok: false, reason: `JWKS file ${label} ${problem}` };
  const { createLocalJWKSet } = await loadJose();
  try {
    return { ok: true, keySet: { kind: 'file', label, getKey: createLocalJWKSet(json as KeySetJson) } };
  } catch {
    return { ok: false, reason: `JWKS file ${label} is not a valid JWKS` };
  }
}

/** Validates the URL and returns the cached remote key set for it, creating one on first use. */
export async function openRemoteKeySet(url: string, context: KeySetContext): Promise<KeySetLookup> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'jwksUrl is not a valid URL' };
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return { ok: false, reason: 'jwksUrl must not contain a user name or password' };
  }
  const label = `${parsed.origin}${parsed.pathname}`;
  const loopback = parsed.hostname === '127.0.0.1' || parsed.hostname === '[::1]';
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    return { ok: false, reason: `jwksUrl ${label} must use https (plain http only on 127.0.0.1)` };
  }
  const timeoutMs = context.fetchTimeoutMs;
  const cacheKey = `${parsed.href}\n${timeoutMs}\n${context.cooldownMs}`;
  let getKey = remoteSets.get(cacheKey);
  if (getKey === undefined) {
    const { createRemoteJWKSet, customFetch } = await loadJose();
    if (remoteSets.size >= MAX_REMOTE_SETS) remoteSets.clear();
    getKey = createRemoteJWKSet(parsed, {
      timeoutDuration: timeoutMs,
      cooldownDuration: context.cooldownMs,
      [customFetch]: (requested: string, init: FetchInit) => fetchKeySet(parsed.href, requested, init),
    });
    remoteSets.set(cacheKey, getKey);
  }
  return { ok: true, keySet: { kind: 'url', label, getKey, timeoutMs } };
}

/** Explains why a parsed JSON value is not a JWKS of public keys, or undefined when it is one. */
export function findKeySetProblem(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || !('keys' in json) || !Array.isArray(json.keys)) {
    return 'is not a JWKS (expected {"keys": [...]})';
  }
  if (json.keys.length === 0) return 'holds no keys';
  for (const key of json.keys) {
    if (typeof key !== 'object' || key === null || Array.isArray(key))
      return 'has a key that is not an object';
    // A private ("d") or symmetric ("k") key in a published set is a leak; refuse rather than use it.
    if ('d' in key || 'k' in key) return 'contains a private or secret key; it must hold public keys only';
  }
  return undefined;
}

type FetchInit = { headers: Headers; method: 'GET'; redirect: 'manual'; signal: AbortSignal };

async function fetchKeySet(configured: string, requested: string, init: FetchInit): Promise<Response> {
  if (requested !== configured) throw new JwksFetchProblem('refused to fetch a URL other than jwksUrl');
  let response: Response;
  try {
    response = await fetch(requested, init);
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) throw error;
    throw new JwksFetchProblem(`could not connect${describeCause(error)}`);
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw new JwksFetchProblem(
      `the server answered with a redirect (HTTP ${response.status}), which is not followed`,
    );
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new JwksFetchProblem(`the server answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length'));
  const text =
    Number.isFinite(declared) && declared > MAX_JWKS_BYTES
      ? undefined
      : await readLimitedBody(response, MAX_JWKS_BYTES);
  if (text === undefined) {
    await response.body?.cancel().catch(() => undefined);
    throw new JwksFetchProblem('the key set is larger than 1 MB');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new JwksFetchProblem('the response is not JSON');
  }
  const problem = findKeySetProblem(json);
  if (problem !== undefined) throw new JwksFetchProblem(`the response ${problem}`);
  return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
}
