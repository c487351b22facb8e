/**
 * JSON Web Tokens: io.jwt.decode, io.jwt.verify_* (HS, RS, PS, ES), io.jwt.decode_verify and
 * io.jwt.encode_sign(_raw), using Node's crypto. Keys may be PEM certificates, PEM public keys,
 * JWKs or JWK sets; invalid tokens verify as false rather than failing.
 */
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
  timingSafeEqual,
  X509Certificate,
} from 'node:crypto';
import { HMAC_ALGORITHMS, SHA2_PUBLIC_KEY_ALGORITHMS } from '../../identity/algorithms';
import { compareNumbers, numberFromBigInt, RegoNumber } from '../value/number';
import { formatJsonValue, RegoObject, type Value } from '../value/value';
import { parseJsonExact } from './encoding';
import {
  type BuiltinContext,
  type BuiltinDef,
  builtinError,
  chargeSerialised,
  defineBuiltin,
  objectArg,
  param,
  stringArg,
} from './registry';

const B64URL = /^[A-Za-z0-9_-]*$/;

/** Decodes unpadded base64url, failing with Go's wording and byte offset. */
function decodeSegment(s: string, what: string): Buffer {
  const trimmed = s.replace(/=+$/, '');
  for (let i = 0; i < trimmed.length; i++) {
    if (!B64URL.test(trimmed[i] as string))
      builtinError(`JWT ${what} had invalid encoding: illegal base64 data at input byte ${i}`);
  }
  if (trimmed.length % 4 === 1) {
    builtinError(`JWT ${what} had invalid encoding: illegal base64 data at input byte ${trimmed.length - 1}`);
  }
  return Buffer.from(trimmed, 'base64url');
}

/** A decoded token. */
interface Token {
  header: RegoObject;
  payload: Value;
  signature: Buffer;
  signingInput: string;
}

/** Splits and decodes a compact JWT (nested `cty: JWT` tokens are unwrapped). */
function decodeToken(jwt: string): Token {
  if (!jwt.includes('.')) builtinError('encoded JWT had no period separators');
  const parts = jwt.split('.');
  if (parts.length !== 3) builtinError(`encoded JWT must have 3 sections, found ${parts.length}`);
  const [h, p, s] = parts as [string, string, string];
  const header = parseJsonExact(decodeSegment(h, 'header').toString('utf8'));
  if (!(header instanceof RegoObject))
    return builtinError('JWT header had invalid encoding: not a JSON object');
  const payloadText = decodeSegment(p, 'payload').toString('utf8');
  const signature = decodeSegment(s, 'signature');
  const cty = header.get('cty');
  if (typeof cty === 'string' && cty.toUpperCase() === 'JWT') {
    const inner = parseJsonExact(payloadText);
    const nested = typeof inner === 'string' ? inner : payloadText;
    return decodeToken(nested);
  }
  const payload = parseJsonExact(payloadText);
  if (payload === undefined) builtinError('JWT payload had invalid encoding: invalid JSON');
  return { header, payload: payload as Value, signature, signingInput: `${h}.${p}` };
}

/** The first PEM block of `text` and what follows its end line, as Go's `pem.Decode` splits them. */
function firstPemBlock(text: string): { type: string; bytes: Buffer; rest: string } | undefined {
  const m = /-----BEGIN ([^-\r\n]*)-----\r?\n([\s\S]*?)-----END \1-----[ \t]*(\r?\n|$)/.exec(text);
  if (!m) return undefined;
  const bytes = Buffer.from((m[2] as string).replace(/\s+/g, ''), 'base64');
  return { type: m[1] as string, bytes, rest: text.slice(m.index + m[0].length) };
}

/** Public keys from a PEM certificate, PEM key, JWK or JWK set. */
function publicKeys(material: string): KeyObject[] {
  const block = firstPemBlock(material);
  if (block !== undefined) {
    if (block.rest.length > 0) builtinError('extra data after a PEM certificate block');
    try {
      if (block.type === 'CERTIFICATE') return [new X509Certificate(block.bytes).publicKey];
      if (block.type === 'PUBLIC KEY')
        return [createPublicKey({ key: block.bytes, format: 'der', type: 'spki' })];
    } catch (e) {
      const what = block.type === 'CERTIFICATE' ? 'certificate' : 'public key';
      return builtinError(`failed to parse a PEM ${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return builtinError('failed to extract a Key from the PEM certificate');
  }
  const text = material.trim();
  try {
    const json = JSON.parse(text) as { keys?: unknown[] };
    const jwks = Array.isArray(json.keys) ? json.keys : [json];
    return jwks.map((k) => createPublicKey({ key: k as import('node:crypto').JsonWebKey, format: 'jwk' }));
  } catch {
    return builtinError('failed to parse a JWK key (set)');
  }
}

/** Node's digest name and padding for a JWS algorithm. */
function algorithmParams(
  alg: string,
): { digest: string; kind: 'HS' | 'RS' | 'PS' | 'ES' | 'Ed' } | undefined {
  if (alg === 'EdDSA') return { digest: '', kind: 'Ed' };
  const m = /^(HS|RS|PS|ES)(256|384|512)$/.exec(alg);
  if (!m) return undefined;
  return { digest: `sha${m[2]}`, kind: m[1] as 'HS' | 'RS' | 'PS' | 'ES' };
}

/** Verifies a signature with a key material string (secret for HS, public key otherwise). */
function verifySignature(token: Token, alg: string, material: string): boolean {
  const a = algorithmParams(alg);
  if (!a) return false;
  const data = Buffer.from(token.signingInput, 'utf8');
  if (a.kind === 'HS') {
    const mac = createHmac(a.digest, material).update(data).digest();
    return mac.length === token.signature.length && timingSafeEqual(mac, token.signature);
  }
  for (const key of publicKeys(material)) {
    try {
      const ok =
        a.kind === 'Ed'
          ? cryptoVerify(null, data, key, token.signature)
          : a.kind === 'RS'
            ? cryptoVerify(a.digest, data, key, token.signature)
            : a.kind === 'PS'
              ? cryptoVerify(
                  a.digest,
                  data,
                  { key, padding: 6, saltLength: Number(a.digest.slice(3)) / 8 },
                  token.signature,
                )
              : cryptoVerify(a.digest, data, { key, dsaEncoding: 'ieee-p1363' }, token.signature);
      if (ok) return true;
    } catch {
      // A key of the wrong type simply does not verify this token.
    }
  }
  return false;
}

/** Declares io.jwt.verify_<alg>. */
function verifier(alg: string): BuiltinDef {
  const secret = alg.startsWith('HS');
  return defineBuiltin({
    name: `io.jwt.verify_${alg.toLowerCase()}`,
    signature: {
      args: [param('jwt', 'string'), param(secret ? 'secret' : 'certificate', 'string')],
      result: param('result', 'boolean'),
    },
    description: `Verifies if a ${alg} JWT signature is valid.`,
    implementation: (args) => {
      const token = decodeToken(stringArg(args, 0));
      return verifySignature(token, alg, stringArg(args, 1));
    },
  });
}

/** Seconds since the epoch of a numeric claim; a claim of another type is an error. */
function claimSeconds(v: Value | undefined, name: string): RegoNumber | undefined {
  if (v === undefined) return undefined;
  if (!(v instanceof RegoNumber)) return builtinError(`${name} value must be a number`);
  return v;
}

/** io.jwt.decode_verify: `[valid, header, payload]` under the given constraints. */
function decodeVerify(args: Value[], ctx: BuiltinContext): Value {
  const jwt = stringArg(args, 0);
  const constraints = objectArg(args, 1);
  const invalid: Value = [false, new RegoObject(), new RegoObject()];
  let token: Token;
  try {
    token = decodeToken(jwt);
  } catch {
    return invalid;
  }
  const alg = token.header.get('alg');
  if (typeof alg !== 'string') return invalid;
  // No critical header extensions are understood, so a token that requires one is invalid.
  if (token.header.has('crit')) return invalid;
  const wantAlg = constraints.get('alg');
  if (wantAlg !== undefined && wantAlg !== alg) return invalid;
  const cert = constraints.get('cert');
  const secret = constraints.get('secret');
  if (cert === undefined && secret === undefined) builtinError('no key specified for verification');
  const material = alg.startsWith('HS') ? secret : cert;
  if (typeof material !== 'string' || !verifySignature(token, alg, material)) return invalid;
  const payload = token.payload;
  if (!(payload instanceof RegoObject)) return invalid;
  const nowNs = constraints.get('time');
  const now = nowNs instanceof RegoNumber ? nowNs : numberFromBigInt(ctx.nowNs);
  const nowSeconds = new RegoNumber(now.coef, now.exp - 9);
  const exp = claimSeconds(payload.get('exp'), 'exp');
  if (exp && compareNumbers(nowSeconds, exp) >= 0) return invalid;
  const nbf = claimSeconds(payload.get('nbf'), 'nbf');
  if (nbf && compareNumbers(nowSeconds, nbf) < 0) return invalid;
  const iss = constraints.get('iss');
  if (iss !== undefined && payload.get('iss') !== iss) return invalid;
  const aud = payload.get('aud');
  const wantAud = constraints.get('aud');
  if (aud !== undefined) {
    if (wantAud === undefined) return invalid;
    const auds = Array.isArray(aud) ? aud : [aud];
    if (!auds.includes(wantAud)) return invalid;
  } else if (wantAud !== undefined) return invalid;
  return [true, token.header, payload];
}

/** Reads a JWS header for signing, failing as OPA's JWS library does when `alg` cannot be read. */
function headerObject(text: string): RegoObject {
  const prefix = "missing or invalid 'alg' header";
  if (text === '') builtinError(`${prefix}: cannot parse JSON: cannot parse empty string`);
  const header = parseJsonExact(text);
  if (header instanceof RegoObject && header.get('alg') !== undefined) return header;
  // Text that is not even an object's start has no `alg` to find; a broken object cannot be read.
  if (header === undefined && text.trimStart().startsWith('{')) builtinError(`${prefix}: cannot parse JSON`);
  return builtinError(`${prefix}: jwsbb: header "alg" not found`);
}

/** Signs a JWS from header and payload text with a JWK (as JSON text). */
function signRaw(headerText: string, payloadText: string, jwkText: string): string {
  const header = headerObject(headerText);
  const alg = header.get('alg');
  const a = typeof alg === 'string' ? algorithmParams(alg) : undefined;
  if (!a) return builtinError(`unknown signature algorithm ${String(alg)}`);
  if (header.get('typ') === 'JWT' && !(parseJsonExact(payloadText) instanceof RegoObject))
    builtinError('type is JWT but payload is not JSON');
  let jwk: Record<string, unknown>;
  try {
    jwk = JSON.parse(jwkText) as Record<string, unknown>;
  } catch {
    return builtinError('invalid JWK key');
  }
  const input = `${Buffer.from(headerText, 'utf8').toString('base64url')}.${Buffer.from(payloadText, 'utf8').toString('base64url')}`;
  let sig: Buffer;
  if (a.kind === 'HS') {
    if (typeof jwk.k !== 'string') builtinError('invalid JWK key: missing k');
    sig = createHmac(a.digest, Buffer.from(jwk.k as string, 'base64url'))
      .update(input)
      .digest();
  } else {
    const key = createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    sig =
      a.kind === 'Ed'
        ? cryptoSign(null, Buffer.from(input), key)
        : a.kind === 'RS'
          ? cryptoSign(a.digest, Buffer.from(input), key)
          : a.kind === 'PS'
            ? cryptoSign(a.digest, Buffer.from(input), {
                key,
                padding: 6,
                saltLength: Number(a.digest.slice(3)) / 8,
              })
            : cryptoSign(a.digest, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  }
  return `${input}.${sig.toString('base64url')}`;
}

/** The JWT builtins. */
export const jwtBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'io.jwt.decode',
    signature: {
      args: [param('jwt', 'string')],
      result: param('output', 'array<object[string: any], object[string: any], string>'),
    },
    description: 'Decodes a JSON Web Token and outputs it as an object (no verification).',
    implementation: (args) => {
      const t = decodeToken(stringArg(args, 0));
      return [t.header, t.payload, t.signature.toString('hex')];
    },
  }),
  ...[...HMAC_ALGORITHMS, ...SHA2_PUBLIC_KEY_ALGORITHMS, 'EdDSA'].map(verifier),
  defineBuiltin({
    name: 'io.jwt.decode_verify',
    nondeterministic: true,
    signature: {
      args: [param('jwt', 'string'), param('constraints', 'object[string: any]')],
      result: param('output', 'array<boolean, object[string: any], object[string: any]>'),
    },
    description:
      'Verifies a JWT signature under parameterized constraints and decodes the claims if it is valid.',
    implementation: (args, ctx) => decodeVerify(args, ctx),
  }),
  defineBuiltin({
    name: 'io.jwt.encode_sign_raw',
    nondeterministic: true,
    signature: {
      args: [param('headers', 'string'), param('payload', 'string'), param('key', 'string')],
      result: param('output', 'string'),
    },
    description: 'Encodes and optionally signs a JSON Web Token from raw JSON strings.',
    implementation: (args) => signRaw(stringArg(args, 0), stringArg(args, 1), stringArg(args, 2)),
  }),
  defineBuiltin({
    name: 'io.jwt.encode_sign',
    nondeterministic: true,
    signature: {
      args: [
        param('headers', 'object[string: any]'),
        param('payload', 'object[string: any]'),
        param('key', 'object[string: any]'),
      ],
      result: param('output', 'string'),
    },
    description: 'Encodes and optionally signs a JSON Web Token.',
    implementation: (args, ctx) => {
      // Serialised in full: a payload sharing its members is charged by its JSON size first.
      for (let i = 0; i < 3; i++) chargeSerialised(ctx, objectArg(args, i));
      return signRaw(
        formatJsonValue(objectArg(args, 0)),
        formatJsonValue(objectArg(args, 1)),
        formatJsonValue(objectArg(args, 2)),
      );
    },
  }),
];
