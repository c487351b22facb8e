/**
 * Form POSTs to the provider's token and device endpoints (RFC 6749 section 3.2, RFC 8628 section
 * 3.1): bounded in time and size, never following redirects, and with error texts that hold only the
 * provider's error code and description, never a request or response body, which carry credentials.
 */

import { describeCause, readLimitedBody } from '../discovery';

/** Token-endpoint answers larger than this are refused; real ones are a few kilobytes. */
export const MAX_TOKEN_RESPONSE_BYTES = 256 * 1024;

/** The default time one call to the provider may take. */
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

/** A JSON answer from the provider, or why there is none (safe to show). */
export type FormPostResult =
  | { ok: true; status: number; body: Record<string, unknown> }
  | { ok: false; reason: string };

/** An OAuth error answer (RFC 6749 section 5.2), with the description cut to a sane length. */
export interface OAuthError {
  error: string;
  description?: string;
}

/** Posts `params` as `application/x-www-form-urlencoded` and reads a JSON object back; never throws. */
export async function postForm(
  url: string,
  params: Record<string, string>,
  options: { timeoutMs?: number; signal?: AbortSignal; allowEmpty?: boolean } = {},
): Promise<FormPostResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(params).toString(),
      signal,
    });
  } catch (error) {
    if (options.signal?.aborted) return { ok: false, reason: 'cancelled' };
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return { ok: false, reason: `${describeEndpoint(url)} did not answer in time` };
    }
    return { ok: false, reason: `could not connect to ${describeEndpoint(url)}${describeCause(error)}` };
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    return {
      ok: false,
      reason: `${describeEndpoint(url)} answered HTTP ${response.status} (redirects are not followed)`,
    };
  }
  let text: string | undefined;
  try {
    text = await readLimitedBody(response, MAX_TOKEN_RESPONSE_BYTES);
  } catch {
    return { ok: false, reason: `${describeEndpoint(url)} broke off its answer` };
  }
  if (text === undefined) return { ok: false, reason: `${describeEndpoint(url)} answered more than 256 KB` };
  // The revocation endpoint answers 200 with an empty body (RFC 7009 section 2.2).
  if (options.allowEmpty && text.trim() === '') return { ok: true, status: response.status, body: {} };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: `${describeEndpoint(url)} answered HTTP ${response.status} without JSON` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reason: `${describeEndpoint(url)} answered something other than a JSON object` };
  }
  return { ok: true, status: response.status, body: json as Record<string, unknown> };
}

/** Reads an OAuth error answer's code and description, if the body is one. */
export function readOAuthError(body: Record<string, unknown>): OAuthError | undefined {
  if (typeof body.error !== 'string' || body.error === '') return undefined;
  const error = sanitize(body.error, 64);
  const description =
    typeof body.error_description === 'string' ? sanitize(body.error_description, 300) : undefined;
  return description ? { error, description } : { error };
}

/** Phrases an OAuth error for people, e.g. `invalid_grant (grant request is invalid)`. */
export function describeOAuthError(error: OAuthError): string {
  return error.description ? `${error.error} (${error.description})` : error.error;
}

/** Names an endpoint without its query, which could carry parameters. */
export function describeEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'the endpoint';
  }
}

function sanitize(text: string, max: number): string {
  // Control characters could forge lines in the output channel; long texts could hide anything.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
