/**
 * The transport under every call to the provider's token, device and revocation endpoints (RFC 6749
 * section 3.2, RFC 8628 section 3.1, RFC 7009): oauth4webapi makes the requests and checks the
 * answers, through this fetch, which bounds each call in time and size and never follows a redirect.
 * Its error texts name the endpoint only, never a request or response body, which carry credentials.
 */

import { describeCause, readLimitedBody } from '../discovery';

/** Token-endpoint answers larger than this are refused; real ones are a few kilobytes. */
export const MAX_TOKEN_RESPONSE_BYTES = 256 * 1024;

/** The default time one call to the provider may take. */
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

/** Why a call to the provider got no answer to read; the message is safe to show. */
export class ProviderTransportError extends Error {
  override name = 'ProviderTransportError';
}

/** A fetch for oauth4webapi's `customFetch`: bounded, no redirects, errors as ProviderTransportError. */
export function createProviderFetch(
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): (url: string, init: RequestInit) => Promise<Response> {
  return async (url, init) => {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS);
    const signals = [timeout, options.signal, init.signal].filter((s): s is AbortSignal => s != null);
    let response: Response;
    try {
      response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.any(signals) });
    } catch (error) {
      if (options.signal?.aborted) throw new ProviderTransportError('cancelled');
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        throw new ProviderTransportError(`${describeEndpoint(url)} did not answer in time`);
      }
      throw new ProviderTransportError(
        `could not connect to ${describeEndpoint(url)}${describeCause(error)}`,
      );
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new ProviderTransportError(
        `${describeEndpoint(url)} answered HTTP ${response.status} (redirects are not followed)`,
      );
    }
    let text: string | undefined;
    try {
      text = await readLimitedBody(response, MAX_TOKEN_RESPONSE_BYTES);
    } catch {
      throw new ProviderTransportError(`${describeEndpoint(url)} broke off its answer`);
    }
    if (text === undefined)
      throw new ProviderTransportError(`${describeEndpoint(url)} answered more than 256 KB`);
    const type = response.headers.get('content-type') ?? '';
    // An error page instead of JSON: say so without quoting it (it could echo the request).
    if (response.status >= 400 && text.trim() !== '' && !/json/i.test(type) && !isJson(text)) {
      throw new ProviderTransportError(
        `${describeEndpoint(url)} answered HTTP ${response.status} without JSON`,
      );
    }
    return new Response(text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** An OAuth error answer (RFC 6749 section 5.2), with the description cut to a sane length. */
export interface OAuthError {
  error: string;
  description?: string;
}

/** Reads an OAuth error's code and description from what the provider sent. */
export function readOAuthError(error: string, description: unknown): OAuthError {
  const clean = sanitize(error, 64);
  const text = typeof description === 'string' ? sanitize(description, 300) : undefined;
  return text ? { error: clean, description: text } : { error: clean };
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

/** Removes control characters (they could forge lines in the output channel) and caps the length. */
export function sanitize(text: string, max: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
