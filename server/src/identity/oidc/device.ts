/**
 * Sign-in with the device authorization grant (RFC 8628), for editors whose browser cannot reach a
 * loopback listener (remote, SSH, browser-hosted): the user enters a code on the provider's page
 * while the editor polls the token endpoint.
 */
import * as oauth from 'oauth4webapi';
import { normalizeScopes, type SignInConfig, type SignInEndpoints } from './client-config';
import {
  clientAuth,
  describeFailure,
  grantTokens,
  requestOptions,
  toAuthorizationServer,
  toClient,
  toTokenResult,
} from './protocol';
import type { TokenResult } from './tokens';

/** RFC 8628 section 3.2: without an `interval`, clients wait 5 seconds between polls. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 5;

/** RFC 8628 section 3.5: `slow_down` adds 5 seconds to the interval. */
export const SLOW_DOWN_SECONDS = 5;

/** What the user is shown; `deviceCode` is a credential and must not be shown or logged. */
export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  /** The verification URI with the user code in it, when the provider gives one. */
  verificationUriComplete?: string;
  /** When the codes expire, epoch milliseconds. */
  expiresAt: number;
  /** Seconds to wait between polls. */
  intervalSeconds: number;
}

/** The device authorization, or why there is none (safe to show). */
export type DeviceStartResult =
  | { ok: true; authorization: DeviceAuthorization }
  | { ok: false; reason: string };

/** Asks the provider for a device and user code (RFC 8628 section 3.1); never throws. */
export async function startDeviceAuthorization(
  config: SignInConfig,
  endpoints: SignInEndpoints,
  options: { signal?: AbortSignal; nowMs?: () => number } = {},
): Promise<DeviceStartResult> {
  if (endpoints.deviceAuthorizationEndpoint === undefined) {
    return {
      ok: false,
      reason: `the provider ${endpoints.issuer} names no device authorization endpoint: it does not offer the device flow, so set clearance.identity.signInFlow to authorizationCode`,
    };
  }
  const as = toAuthorizationServer(endpoints);
  const client = toClient(config);
  try {
    const response = await oauth.deviceAuthorizationRequest(
      as,
      client,
      clientAuth,
      {
        scope: normalizeScopes(config.scopes),
      },
      requestOptions(config, endpoints, options.signal),
    );
    const answer = await oauth.processDeviceAuthorizationResponse(as, client, response);
    return readDeviceAuthorization(
      answer as unknown as Record<string, unknown>,
      (options.nowMs ?? Date.now)(),
    );
  } catch (error) {
    return { ok: false, reason: `the provider refused the device sign-in: ${describeFailure(error).reason}` };
  }
}

/** Checks a device authorization response (RFC 8628 section 3.2). */
export function readDeviceAuthorization(body: Record<string, unknown>, nowMs: number): DeviceStartResult {
  const { device_code, user_code, verification_uri, verification_uri_complete, expires_in, interval } = body;
  if (typeof device_code !== 'string' || device_code === '')
    return { ok: false, reason: 'the device authorization response holds no device_code' };
  if (typeof user_code !== 'string' || user_code === '' || user_code.length > 64)
    return { ok: false, reason: 'the device authorization response holds no usable user_code' };
  if (typeof verification_uri !== 'string' || !isWebUrl(verification_uri))
    return { ok: false, reason: 'the device authorization response holds no https verification_uri' };
  if (typeof expires_in !== 'number' || !Number.isFinite(expires_in) || expires_in <= 0)
    return { ok: false, reason: 'the device authorization response holds no expires_in' };
  const authorization: DeviceAuthorization = {
    deviceCode: device_code,
    userCode: user_code.replace(/[^\x20-\x7e]/g, ''),
    verificationUri: verification_uri,
    expiresAt: nowMs + Math.min(expires_in, 3600) * 1000,
    intervalSeconds:
      typeof interval === 'number' && Number.isFinite(interval) && interval > 0
        ? Math.min(interval, 60)
        : DEFAULT_POLL_INTERVAL_SECONDS,
  };
  if (typeof verification_uri_complete === 'string' && isWebUrl(verification_uri_complete))
    authorization.verificationUriComplete = verification_uri_complete;
  return { ok: true, authorization };
}

/** How the poller waits; tests and the editor can pass their own clock. */
export interface PollOptions {
  signal?: AbortSignal;
  nowMs?: () => number;
  /** Waits `ms`, resolving early when the signal aborts; default a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called with each new interval after `slow_down`. */
  onSlowDown?: (intervalSeconds: number) => void;
}

/**
 * Polls the token endpoint until the user approves, refuses or the code expires (RFC 8628 sections
 * 3.4 and 3.5): `authorization_pending` waits one interval, `slow_down` adds 5 seconds to it for good,
 * `access_denied` and `expired_token` end the sign-in. Never throws.
 */
export async function pollDeviceToken(
  config: SignInConfig,
  endpoints: SignInEndpoints,
  authorization: DeviceAuthorization,
  options: PollOptions = {},
): Promise<TokenResult> {
  const now = options.nowMs ?? Date.now;
  const sleep = options.sleep ?? sleepFor;
  let intervalSeconds = authorization.intervalSeconds;
  for (;;) {
    await sleep(intervalSeconds * 1000, options.signal);
    if (options.signal?.aborted) return { ok: false, reason: 'cancelled' };
    if (now() >= authorization.expiresAt) {
      return {
        ok: false,
        reason: 'the code expired before the sign-in was approved',
        error: 'expired_token',
      };
    }
    const result = await redeemDeviceCode(config, endpoints, authorization.deviceCode, options.signal);
    if (result.ok) return result;
    switch (result.error) {
      case 'authorization_pending':
        continue;
      case 'slow_down':
        intervalSeconds += SLOW_DOWN_SECONDS;
        options.onSlowDown?.(intervalSeconds);
        continue;
      case 'access_denied':
        return { ok: false, reason: 'the sign-in was refused at the provider', error: 'access_denied' };
      case 'expired_token':
        return {
          ok: false,
          reason: 'the code expired before the sign-in was approved',
          error: 'expired_token',
        };
      default:
        if (options.signal?.aborted) return { ok: false, reason: 'cancelled' };
        return result;
    }
  }
}

/** One poll of the token endpoint with the device code (RFC 8628 section 3.4); never throws. */
async function redeemDeviceCode(
  config: SignInConfig,
  endpoints: SignInEndpoints,
  deviceCode: string,
  signal?: AbortSignal,
): Promise<TokenResult> {
  return grantTokens(
    config,
    endpoints,
    signal,
    (as, client, request) => oauth.deviceCodeGrantRequest(as, client, clientAuth, deviceCode, request),
    oauth.processDeviceCodeResponse,
    (checked) => toTokenResult(checked, { nowMs: Date.now() }),
  );
}

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
