/**
 * X.509 certificates, certificate requests and private keys rendered as OPA renders them: the JSON
 * of Go's `x509.Certificate`, `x509.CertificateRequest` and `rsa.PrivateKey` structs (bytes as
 * base64, big integers as numbers, nil slices as null), decoded with the @peculiar ASN.1 schemas
 * and Node's crypto. PEM and base64 input is read with Go's rules and error wording.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AsnConvert, type BitString } from '@peculiar/asn1-schema';
import {
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  CertificatePolicies,
  CRLDistributionPoints,
  ExtendedKeyUsage,
  type Extension,
  Extensions as ExtensionsSchema,
  type GeneralName,
  KeyUsage,
  type Name,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  type SubjectPublicKeyInfo,
} from '@peculiar/asn1-x509';
import { numberFromBigInt } from '../value/number';
import { num, RegoObject, type Value } from '../value/value';
import { builtinError } from './registry';

/** One PEM block: its type and DER bytes. */
export interface PemBlock {
  type: string;
  bytes: Buffer;
}

/** Decodes standard base64 as Go's `base64.StdEncoding` does, failing with its wording. */
export function decodeBase64Go(text: string): Buffer {
  const s = text.replace(/[\r\n]/g, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (!/[A-Za-z0-9+/=]/.test(c)) builtinError(`illegal base64 data at input byte ${i}`);
    if (c === '=' && !/^=*$/.test(s.slice(i))) builtinError(`illegal base64 data at input byte ${i}`);
  }
  if (s.length % 4 !== 0) builtinError(`illegal base64 data at input byte ${s.length - (s.length % 4)}`);
  return Buffer.from(s, 'base64');
}

/** Every PEM block in the bytes, in order (text outside blocks is skipped, as `pem.Decode` does). */
export function decodePemBlocks(data: Buffer | string): PemBlock[] {
  const text = typeof data === 'string' ? data : data.toString('latin1');
  const blocks: PemBlock[] = [];
  const re = /-----BEGIN ([^-\r\n]*)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const body = (m[2] as string)
      .split(/\r?\n/)
      .filter((line) => !line.includes(':'))
      .join('');
    blocks.push({ type: m[1] as string, bytes: Buffer.from(body, 'base64') });
  }
  return blocks;
}

/** The input bytes: PEM text as is, anything else base64-decoded (OPA's `getRequestBytes`). */
export function requestBytes(input: string): Buffer {
  return input.startsWith('-----BEGIN') ? Buffer.from(input, 'latin1') : decodeBase64Go(input);
}

/** Go's numeric `SignatureAlgorithm` for a signature OID. */
const SIGNATURE_ALGORITHMS: Record<string, number> = {
  '1.2.840.113549.1.1.2': 1,
  '1.2.840.113549.1.1.4': 2,
  '1.2.840.113549.1.1.5': 3,
  '1.2.840.113549.1.1.11': 4,
  '1.2.840.113549.1.1.12': 5,
  '1.2.840.113549.1.1.13': 6,
  '1.2.840.10040.4.3': 7,
  '2.16.840.1.101.3.4.3.2': 8,
  '1.2.840.10045.4.1': 9,
  '1.2.840.10045.4.3.2': 10,
  '1.2.840.10045.4.3.3': 11,
  '1.2.840.10045.4.3.4': 12,
  '1.2.840.113549.1.1.10': 13,
  '1.3.101.112': 16,
};

/** Go's numeric `PublicKeyAlgorithm` for a key OID. */
const PUBLIC_KEY_ALGORITHMS: Record<string, number> = {
  '1.2.840.113549.1.1.1': 1,
  '1.2.840.10040.4.1': 2,
  '1.2.840.10045.2.1': 3,
  '1.3.101.112': 4,
};

/** Go's numeric `ExtKeyUsage` for a key purpose OID. */
const EXT_KEY_USAGES: Record<string, number> = {
  '2.5.29.37.0': 0,
  '1.3.6.1.5.5.7.3.1': 1,
  '1.3.6.1.5.5.7.3.2': 2,
  '1.3.6.1.5.5.7.3.3': 3,
  '1.3.6.1.5.5.7.3.4': 4,
  '1.3.6.1.5.5.7.3.5': 5,
  '1.3.6.1.5.5.7.3.6': 6,
  '1.3.6.1.5.5.7.3.7': 7,
  '1.3.6.1.5.5.7.3.8': 8,
  '1.3.6.1.5.5.7.3.9': 9,
  '1.3.6.1.4.1.311.10.3.3': 10,
  '2.16.840.1.113730.4.1': 11,
  '1.3.6.1.4.1.311.2.1.22': 12,
  '1.3.6.1.4.1.311.61.1.1': 13,
};

/** `pkix.Name` fields that collect attribute values, by attribute OID. */
const NAME_LISTS: Record<string, string> = {
  '2.5.4.6': 'Country',
  '2.5.4.10': 'Organization',
  '2.5.4.11': 'OrganizationalUnit',
  '2.5.4.7': 'Locality',
  '2.5.4.8': 'Province',
  '2.5.4.9': 'StreetAddress',
  '2.5.4.17': 'PostalCode',
};

/** Bytes as Go's JSON writes `[]byte`: base64, or null when absent. */
function bytesValue(b: ArrayBuffer | Buffer | undefined): Value {
  return b === undefined ? null : Buffer.from(b as ArrayBuffer).toString('base64');
}

/** An OID as Go's `asn1.ObjectIdentifier` marshals: an array of integers. */
function oidValue(oid: string): Value {
  return oid.split('.').map((p) => num(Number(p)));
}

/** A list, or null when empty (Go's nil slice). */
function listOrNull(items: Value[]): Value {
  return items.length === 0 ? null : items;
}

/** An unsigned big-endian integer. */
function bigFromBytes(b: ArrayBuffer | Buffer): bigint {
  const hex = Buffer.from(b as ArrayBuffer).toString('hex');
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

/** A signed (two's complement) big-endian integer, as DER INTEGERs are. */
function signedBigFromBytes(b: ArrayBuffer): bigint {
  const bytes = Buffer.from(b);
  const unsigned = bigFromBytes(bytes);
  if (bytes.length === 0 || ((bytes[0] as number) & 0x80) === 0) return unsigned;
  return unsigned - (1n << BigInt(bytes.length * 8));
}

/** A base64url JWK field as a number. */
function jwkNumber(s: unknown): Value {
  return typeof s === 'string' ? numberFromBigInt(bigFromBytes(Buffer.from(s, 'base64url'))) : null;
}

/** A `pkix.Name`. */
function nameValue(name: Name): Value {
  const lists = new Map<string, Value[]>();
  let commonName = '';
  let serial = '';
  const names: Value[] = [];
  for (const rdn of name) {
    for (const atv of rdn) {
      const text = atv.value.anyValue === undefined ? atv.value.toString() : undefined;
      const value: Value = text ?? bytesValue(atv.value.anyValue);
      names.push(
        RegoObject.of([
          ['Type', oidValue(atv.type)],
          ['Value', value],
        ]),
      );
      if (text === undefined) continue;
      const list = NAME_LISTS[atv.type];
      if (list !== undefined) lists.set(list, [...(lists.get(list) ?? []), text]);
      else if (atv.type === '2.5.4.3') commonName = text;
      else if (atv.type === '2.5.4.5') serial = text;
    }
  }
  const out = new RegoObject();
  for (const f of Object.values(NAME_LISTS)) out.set(f, listOrNull(lists.get(f) ?? []));
  out.set('SerialNumber', serial);
  out.set('CommonName', commonName);
  out.set('Names', listOrNull(names));
  out.set('ExtraNames', null);
  return out;
}

/** The public key as Go marshals it: RSA `{N, E}`, ECDSA `{Curve, X, Y}`, Ed25519 bytes. */
function publicKeyValue(spki: SubjectPublicKeyInfo): Value {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(AsnConvert.serialize(spki)), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty === 'RSA')
    return RegoObject.of([
      ['N', jwkNumber(jwk.n)],
      ['E', jwkNumber(jwk.e)],
    ]);
  if (jwk.kty === 'EC')
    return RegoObject.of([
      ['Curve', new RegoObject()],
      ['X', jwkNumber(jwk.x)],
      ['Y', jwkNumber(jwk.y)],
    ]);
  if (jwk.kty === 'OKP' && typeof jwk.x === 'string')
    return Buffer.from(jwk.x, 'base64url').toString('base64');
  return null;
}

/** Go's `url.URL` JSON for a URI SAN. */
function urlValue(uri: string): Value {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(\/\/([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$/.exec(uri);
  const authority = m?.[3] ?? '';
  const at = authority.lastIndexOf('@');
  return RegoObject.of([
    ['Scheme', m?.[1] ?? ''],
    ['Opaque', m && m[2] === undefined ? (m[4] ?? '') : ''],
    ['User', at >= 0 ? RegoObject.of([]) : null],
    ['Host', at >= 0 ? authority.slice(at + 1) : authority],
    ['Path', m && m[2] !== undefined ? decodeURIComponent(m[4] ?? '') : ''],
    ['RawPath', ''],
    ['OmitHost', false],
    ['ForceQuery', false],
    ['RawQuery', m?.[6] ?? ''],
    ['Fragment', m?.[8] ?? ''],
    ['RawFragment', ''],
  ]);
}

/** Subject alternative names split as Go splits them. */
function altNames(names: GeneralName[]): { dns: Value[]; email: Value[]; ip: Value[]; uri: string[] } {
  const out = { dns: [] as Value[], email: [] as Value[], ip: [] as Value[], uri: [] as string[] };
  for (const n of names) {
    if (n.dNSName !== undefined) out.dns.push(n.dNSName);
    else if (n.rfc822Name !== undefined) out.email.push(n.rfc822Name);
    else if (n.iPAddress !== undefined) out.ip.push(n.iPAddress);
    else if (n.uniformResourceIdentifier !== undefined) out.uri.push(n.uniformResourceIdentifier);
  }
  return out;
}

/** The bits of an ASN.1 BIT STRING as Go's `KeyUsage` (bit i of the string is 1 << i). */
function keyUsageValue(bits: BitString): number {
  const bytes = Buffer.from(bits.value);
  let usage = 0;
  for (let i = 0; i < 9; i++) {
    const byte = bytes[i >> 3] ?? 0;
    if ((byte >> (7 - (i & 7))) & 1) usage |= 1 << i;
  }
  return usage;
}

/** Parses an extension's value with a schema. */
function extensionAs<T>(ext: Extension, schema: new () => T): T {
  return AsnConvert.parse(ext.extnValue.buffer, schema);
}

/** The fields Go derives from the extensions it knows. */
function extensionFields(exts: readonly Extension[], out: RegoObject, certificate: boolean): void {
  let san = altNames([]);
  for (const ext of exts) {
    if (ext.extnID === '2.5.29.17') san = altNames([...extensionAs(ext, SubjectAlternativeName)]);
    if (!certificate) continue;
    switch (ext.extnID) {
      case '2.5.29.15':
        out.set('KeyUsage', num(keyUsageValue(extensionAs(ext, KeyUsage))));
        break;
      case '2.5.29.19': {
        const bc = extensionAs(ext, BasicConstraints);
        out.set('BasicConstraintsValid', true);
        out.set('IsCA', bc.cA);
        out.set('MaxPathLen', num(bc.pathLenConstraint ?? -1));
        out.set('MaxPathLenZero', bc.pathLenConstraint === 0);
        break;
      }
      case '2.5.29.37': {
        const known: Value[] = [];
        const unknown: Value[] = [];
        for (const oid of extensionAs(ext, ExtendedKeyUsage)) {
          const k = EXT_KEY_USAGES[oid];
          if (k === undefined) unknown.push(oidValue(oid));
          else known.push(num(k));
        }
        out.set('ExtKeyUsage', listOrNull(known));
        out.set('UnknownExtKeyUsage', listOrNull(unknown));
        break;
      }
      case '2.5.29.14':
        out.set('SubjectKeyId', bytesValue(extensionAs(ext, SubjectKeyIdentifier).buffer));
        break;
      case '2.5.29.35':
        out.set('AuthorityKeyId', bytesValue(extensionAs(ext, AuthorityKeyIdentifier).keyIdentifier?.buffer));
        break;
      case '1.3.6.1.5.5.7.1.1': {
        const ocsp: Value[] = [];
        const issuers: Value[] = [];
        for (const ad of extensionAs(ext, AuthorityInfoAccessSyntax)) {
          const uri = ad.accessLocation.uniformResourceIdentifier;
          if (uri === undefined) continue;
          if (ad.accessMethod === '1.3.6.1.5.5.7.48.1') ocsp.push(uri);
          if (ad.accessMethod === '1.3.6.1.5.5.7.48.2') issuers.push(uri);
        }
        out.set('OCSPServer', listOrNull(ocsp));
        out.set('IssuingCertificateURL', listOrNull(issuers));
        break;
      }
      case '2.5.29.31': {
        const points: Value[] = [];
        for (const dp of extensionAs(ext, CRLDistributionPoints))
          for (const n of dp.distributionPoint?.fullName ?? [])
            if (n.uniformResourceIdentifier !== undefined) points.push(n.uniformResourceIdentifier);
        out.set('CRLDistributionPoints', listOrNull(points));
        break;
      }
      case '2.5.29.32':
        out.set(
          'PolicyIdentifiers',
          listOrNull([...extensionAs(ext, CertificatePolicies)].map((p) => oidValue(p.policyIdentifier))),
        );
        break;
    }
  }
  out.set('DNSNames', listOrNull(san.dns));
  out.set('EmailAddresses', listOrNull(san.email));
  out.set('IPAddresses', listOrNull(san.ip));
  out.set('URIs', listOrNull(san.uri.map(urlValue)));
  // OPA adds the URIs as plain strings, since Go's url.URL objects are awkward in policies.
  if (certificate) out.set('URIStrings', listOrNull(san.uri));
}

/** Extensions as Go's `[]pkix.Extension`. */
function extensionsValue(exts: readonly Extension[]): Value {
  return listOrNull(
    exts.map((e) =>
      RegoObject.of([
        ['Id', oidValue(e.extnID)],
        ['Critical', e.critical],
        ['Value', bytesValue(e.extnValue.buffer)],
      ]),
    ),
  );
}

/** Parses one DER certificate into Go's `x509.Certificate` JSON. */
export function certificateValue(der: Buffer): Value {
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(der, Certificate);
  } catch {
    return builtinError('x509: malformed certificate');
  }
  const tbs = cert.tbsCertificate;
  const out = new RegoObject();
  out.set('Raw', bytesValue(der));
  out.set('RawTBSCertificate', bytesValue(cert.tbsCertificateRaw));
  out.set('RawSubjectPublicKeyInfo', bytesValue(AsnConvert.serialize(tbs.subjectPublicKeyInfo)));
  out.set('RawSubject', bytesValue(AsnConvert.serialize(tbs.subject)));
  out.set('RawIssuer', bytesValue(AsnConvert.serialize(tbs.issuer)));
  out.set('Signature', bytesValue(cert.signatureValue));
  out.set('SignatureAlgorithm', num(SIGNATURE_ALGORITHMS[cert.signatureAlgorithm.algorithm] ?? 0));
  out.set(
    'PublicKeyAlgorithm',
    num(PUBLIC_KEY_ALGORITHMS[tbs.subjectPublicKeyInfo.algorithm.algorithm] ?? 0),
  );
  out.set('PublicKey', publicKeyValue(tbs.subjectPublicKeyInfo));
  out.set('Version', num(tbs.version + 1));
  out.set('SerialNumber', numberFromBigInt(signedBigFromBytes(tbs.serialNumber)));
  out.set('Issuer', nameValue(tbs.issuer));
  out.set('Subject', nameValue(tbs.subject));
  out.set('NotBefore', goTime(tbs.validity.notBefore.getTime()));
  out.set('NotAfter', goTime(tbs.validity.notAfter.getTime()));
  out.set('KeyUsage', num(0));
  const exts = [...(tbs.extensions ?? [])];
  out.set('Extensions', extensionsValue(exts));
  out.set('ExtraExtensions', null);
  out.set('UnhandledCriticalExtensions', null);
  out.set('ExtKeyUsage', null);
  out.set('UnknownExtKeyUsage', null);
  out.set('BasicConstraintsValid', false);
  out.set('IsCA', false);
  out.set('MaxPathLen', num(0));
  out.set('MaxPathLenZero', false);
  out.set('SubjectKeyId', null);
  out.set('AuthorityKeyId', null);
  out.set('OCSPServer', null);
  out.set('IssuingCertificateURL', null);
  out.set('CRLDistributionPoints', null);
  out.set('PolicyIdentifiers', null);
  extensionFields(exts, out, true);
  return out;
}

/** A time as Go's JSON writes it (RFC 3339, UTC, no fraction when whole seconds). */
function goTime(d: Date): string {
  return d.toISOString().replace(/\.000Z$/, 'Z');
}

/** Parses one DER certificate request into Go's `x509.CertificateRequest` JSON. */
export function certificateRequestValue(der: Buffer): Value {
  let csr: CertificationRequest;
  try {
    csr = AsnConvert.parse(der, CertificationRequest);
  } catch (e) {
    return builtinError(`asn1: structure error: ${e instanceof Error ? e.message : String(e)}`);
  }
  const info = csr.certificationRequestInfo;
  const exts: Extension[] = [];
  const attributes: Value[] = [];
  for (const attr of info.attributes) {
    if (attr.type !== '1.2.840.113549.1.9.14') continue;
    for (const v of attr.values) {
      try {
        exts.push(...AsnConvert.parse(v, ExtensionsSchema));
      } catch {
        builtinError('x509: malformed extension request attribute');
      }
    }
  }
  const out = new RegoObject();
  out.set('Raw', bytesValue(der));
  out.set('RawTBSCertificateRequest', bytesValue(csr.certificationRequestInfoRaw));
  out.set('RawSubjectPublicKeyInfo', bytesValue(AsnConvert.serialize(info.subjectPKInfo)));
  out.set('RawSubject', bytesValue(AsnConvert.serialize(info.subject)));
  out.set('Version', num(info.version));
  out.set('Signature', bytesValue(csr.signature));
  out.set('SignatureAlgorithm', num(SIGNATURE_ALGORITHMS[csr.signatureAlgorithm.algorithm] ?? 0));
  out.set('PublicKeyAlgorithm', num(PUBLIC_KEY_ALGORITHMS[info.subjectPKInfo.algorithm.algorithm] ?? 0));
  out.set('PublicKey', publicKeyValue(info.subjectPKInfo));
  out.set('Subject', nameValue(info.subject));
  out.set('Attributes', listOrNull(attributes));
  out.set('Extensions', extensionsValue(exts));
  out.set('ExtraExtensions', null);
  extensionFields(exts, out, false);
  return out;
}

/** An RSA private key as Go's `rsa.PrivateKey` JSON. */
export function rsaPrivateKeyValue(key: KeyObject): Value {
  const jwk = key.export({ format: 'jwk' });
  return RegoObject.of([
    ['N', jwkNumber(jwk.n)],
    ['E', jwkNumber(jwk.e)],
    ['D', jwkNumber(jwk.d)],
    ['Primes', [jwkNumber(jwk.p), jwkNumber(jwk.q)]],
    [
      'Precomputed',
      RegoObject.of([
        ['Dp', jwkNumber(jwk.dp)],
        ['Dq', jwkNumber(jwk.dq)],
        ['Qinv', jwkNumber(jwk.qi)],
        ['CRTValues', []],
      ]),
    ],
  ]);
}

/** An ECDSA private key as Go's `ecdsa.PrivateKey` JSON. */
function ecPrivateKeyValue(key: KeyObject): Value {
  const jwk = key.export({ format: 'jwk' });
  return RegoObject.of([
    ['Curve', new RegoObject()],
    ['X', jwkNumber(jwk.x)],
    ['Y', jwkNumber(jwk.y)],
    ['D', jwkNumber(jwk.d)],
  ]);
}

/** A private key from a PEM block (PKCS#1, PKCS#8 or SEC 1), or undefined when it is not one. */
export function privateKeyFromBlock(block: PemBlock): KeyObject | undefined {
  const formats: Array<{ type: 'pkcs1' | 'pkcs8' | 'sec1' }> =
    block.type === 'RSA PRIVATE KEY'
      ? [{ type: 'pkcs1' }]
      : block.type === 'EC PRIVATE KEY'
        ? [{ type: 'sec1' }]
        : [{ type: 'pkcs8' }, { type: 'pkcs1' }, { type: 'sec1' }];
  for (const f of formats) {
    try {
      return createPrivateKey({ key: block.bytes, format: 'der', type: f.type });
    } catch {
      // try the next encoding
    }
  }
  return undefined;
}

/** A private key as Go marshals it (RSA or ECDSA; Ed25519 as its bytes). */
export function privateKeyValue(key: KeyObject): Value {
  if (key.asymmetricKeyType === 'rsa') return rsaPrivateKeyValue(key);
  if (key.asymmetricKeyType === 'ec') return ecPrivateKeyValue(key);
  const jwk = key.export({ format: 'jwk' });
  return typeof jwk.d === 'string' ? Buffer.from(jwk.d, 'base64url').toString('base64') : null;
}
