/**
 * Structural decoding of a compact JWT without verifying it. Reasons never quote the token: parser
 * messages (JSON.parse's in particular) echo their input, so none is passed through.
 */
import { MAX_TOKEN_BYTES } from './source';

/** A token's decoded header and payload, both JSON objects. */
export interface DecodedToken {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/** The decoded token or why it is malformed; `reason` starts with `malformed token:`. */
export type DecodeResult = ({ ok: true } & DecodedToken) | { ok: false; reason: string };

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Splits and decodes a compact JWS, checking shape only; never throws. */
export function decodeToken(token: string): DecodeResult {
  if (token.length > MAX_TOKEN_BYTES) return rejectAsMalformed('longer than 64 KB');
  if (/^bearer\s/i.test(token)) return rejectAsMalformed('it starts with "Bearer "; store the token alone');
  const parts = token.split('.');
  if (parts.length === 5)
    return rejectAsMalformed('it is an encrypted JWT (JWE), which cannot be read without its key');
  if (parts.length !== 3) {
    return rejectAsMalformed(`expected three dot-separated parts, found ${parts.length}`);
  }
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  if (!BASE64URL.test(signaturePart)) return rejectAsMalformed('the signature is not base64url');
  const header = decodeJsonPart(headerPart, 'header');
  if (typeof header === 'string') return rejectAsMalformed(header);
  const payload = decodeJsonPart(payloadPart, 'payload');
  if (typeof payload === 'string') return rejectAsMalformed(payload);
  if (typeof header.alg !== 'string' || header.alg === '')
    return rejectAsMalformed('the header has no "alg"');
  return { ok: true, header, payload };
}

/** Checks that the registered time claims, when present, are finite numbers (RFC 7519 NumericDate). */
export function findBadTimeClaim(payload: Record<string, unknown>): string | undefined {
  for (const claim of ['exp', 'nbf', 'iat']) {
    if (!Object.hasOwn(payload, claim)) continue;
    const value = payload[claim];
    if (typeof value !== 'number' || !Number.isFinite(value))
      return `malformed token: "${claim}" is not a number`;
  }
  return undefined;
}

function decodeJsonPart(part: string, name: string): Record<string, unknown> | string {
  if (part === '') return `the ${name} is empty`;
  if (!BASE64URL.test(part)) return `the ${name} is not base64url`;
  let text: string;
  try {
    text = strictUtf8.decode(Buffer.from(part, 'base64url'));
  } catch {
    return `the ${name} is not UTF-8`;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `the ${name} is not JSON`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `the ${name} is not a JSON object`;
  }
  return value as Record<string, unknown>;
}

function rejectAsMalformed(detail: string): { ok: false; reason: string } {
  return { ok: false, reason: `malformed token: ${detail}` };
}
