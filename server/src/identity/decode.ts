/**
 * Structural decoding of a compact JWT without verifying it. Reasons never quote the token: parser
 * messages (JSON.parse's in particular) echo their input, so none is passed through.
 */
import { sanitizeText } from './display';
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

/**
 * The latest NumericDate accepted: 9999-12-31T23:59:59Z. Later ones are no real token's, and dates
 * past JavaScript's range (8.64e15 ms) would make every date shown of them throw.
 */
export const MAX_NUMERIC_DATE = 253_402_300_799;

/** Claims nested deeper than this are refused: real claims are a few levels deep. */
export const MAX_CLAIM_DEPTH = 32;

/**
 * Checks that the registered time claims, when present, are finite numbers (RFC 7519 NumericDate)
 * between 0 and the year 9999.
 */
export function findBadTimeClaim(payload: Record<string, unknown>): string | undefined {
  for (const claim of ['exp', 'nbf', 'iat']) {
    if (!Object.hasOwn(payload, claim)) continue;
    const value = payload[claim];
    if (typeof value !== 'number' || !Number.isFinite(value))
      return `malformed token: "${claim}" is not a number`;
    if (value < 0 || value > MAX_NUMERIC_DATE)
      return `malformed token: "${claim}" is not a date between 1970 and 9999 (seconds since 1970, not milliseconds)`;
  }
  return undefined;
}

/**
 * Header parameters the token marks critical (RFC 7515 section 4.1.11) that Clearance does not
 * process: such a token must be rejected, and the reason must say why rather than blame the algorithm.
 */
export function findUnknownCritical(header: Record<string, unknown>): string | undefined {
  if (!Object.hasOwn(header, 'crit')) return undefined;
  const crit = header.crit;
  if (!Array.isArray(crit) || crit.length === 0 || !crit.every((c) => typeof c === 'string' && c !== ''))
    return 'malformed token: the header\'s "crit" must be a non-empty list of parameter names';
  const names = crit.slice(0, 5).map((c) => JSON.stringify(sanitizeText(c as string, 32)));
  return `token marks header parameter(s) ${names.join(', ')}${crit.length > 5 ? ', …' : ''} critical ("crit"), which Clearance does not understand; such a token is never accepted`;
}

/** How deeply the JSON text nests arrays and objects (strings skipped); linear, no parsing. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
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
  if (jsonDepth(text) > MAX_CLAIM_DEPTH)
    return `the ${name} nests objects or lists deeper than ${MAX_CLAIM_DEPTH} levels`;
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
