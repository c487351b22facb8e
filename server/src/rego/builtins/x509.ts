/**
 * X.509 and private-key builtins: crypto.x509.parse_certificates, parse_and_verify_certificates,
 * parse_certificate_request, parse_keypair, parse_rsa_private_key, and crypto.parse_private_keys.
 * Input is PEM, or base64 of PEM or DER, read with OPA's rules; chains are verified with Node's
 * `X509Certificate` against the evaluation's clock.
 */
import { X509Certificate } from 'node:crypto';
import { RegoNumber, toBigInt } from '../value/number';
import { RegoObject, type Value } from '../value/value';
import {
  type BuiltinContext,
  type BuiltinDef,
  builtinError,
  defineBuiltin,
  objectArg,
  param,
  stringArg,
  typeError,
} from './registry';
import {
  certificateRequestValue,
  certificateValue,
  decodeBase64Go,
  decodePemBlocks,
  privateKeyFromBlock,
  privateKeyValue,
  requestBytes,
} from './x509-json';

/** Splits concatenated DER structures (as Go's `x509.ParseCertificates` reads them). */
function splitDer(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes[at] !== 0x30 || at + 2 > bytes.length) builtinError('x509: malformed certificate');
    let len = bytes[at + 1] as number;
    let header = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4 || at + 2 + n > bytes.length) builtinError('x509: malformed certificate');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + (bytes[at + 2 + i] as number);
      header += n;
    }
    const end = at + header + len;
    if (end > bytes.length) builtinError('x509: malformed certificate');
    out.push(bytes.subarray(at, end));
    at = end;
  }
  return out;
}

/** The DER of every certificate in the input (PEM, base64 PEM or base64 DER). */
function certificateDers(input: string): Buffer[] {
  const bytes = requestBytes(input);
  if (!bytes.subarray(0, 10).toString('latin1').startsWith('-----BEGIN')) return splitDer(bytes);
  const ders: Buffer[] = [];
  for (const block of decodePemBlocks(bytes)) {
    if (block.type !== 'CERTIFICATE') builtinError(`PEM block type is '${block.type}', expected CERTIFICATE`);
    ders.push(...splitDer(block.bytes));
  }
  return ders;
}

/** Go's `x509.ExtKeyUsage` names (as OPA's options spell them) and their OIDs. */
const KEY_USAGE_OIDS: Record<string, string> = {
  KeyUsageAny: '2.5.29.37.0',
  KeyUsageServerAuth: '1.3.6.1.5.5.7.3.1',
  KeyUsageClientAuth: '1.3.6.1.5.5.7.3.2',
  KeyUsageCodeSigning: '1.3.6.1.5.5.7.3.3',
  KeyUsageEmailProtection: '1.3.6.1.5.5.7.3.4',
  KeyUsageIPSECEndSystem: '1.3.6.1.5.5.7.3.5',
  KeyUsageIPSECTunnel: '1.3.6.1.5.5.7.3.6',
  KeyUsageIPSECUser: '1.3.6.1.5.5.7.3.7',
  KeyUsageTimeStamping: '1.3.6.1.5.5.7.3.8',
  KeyUsageOCSPSigning: '1.3.6.1.5.5.7.3.9',
  KeyUsageMicrosoftServerGatedCrypto: '1.3.6.1.4.1.311.10.3.3',
  KeyUsageNetscapeServerGatedCrypto: '2.16.840.1.113730.4.1',
  KeyUsageMicrosoftCommercialCodeSigning: '1.3.6.1.4.1.311.2.1.22',
  KeyUsageMicrosoftKernelCodeSigning: '1.3.6.1.4.1.311.61.1.1',
};

/** What a chain is verified against (Go's `x509.VerifyOptions`, the parts OPA exposes). */
interface VerifyOptions {
  nowMs: number;
  dnsName?: string;
  /** Key purpose OIDs any of which each certificate's extended key usage must allow. */
  keyUsages: string[];
}

/** True when a certificate's extended key usage (if it has one) allows one of the wanted purposes. */
function allowsUsage(c: X509Certificate, wanted: string[]): boolean {
  const any = KEY_USAGE_OIDS.KeyUsageAny as string;
  if (wanted.includes(any)) return true;
  const eku = c.keyUsage;
  if (eku === undefined || eku.length === 0) return true;
  return eku.includes(any) || eku.some((oid) => wanted.includes(oid));
}

/** Reads OPA's options object for parse_and_verify_certificates_with_options. */
function verifyOptionsArg(args: Value[], nowMs: number): VerifyOptions {
  const o = objectArg(args, 1);
  const options: VerifyOptions = { nowMs, keyUsages: [KEY_USAGE_OIDS.KeyUsageServerAuth as string] };
  for (const [k, v] of o.entries()) {
    if (k === 'DNSName' && typeof v === 'string') options.dnsName = v;
    else if (k === 'CurrentTime' && v instanceof RegoNumber) options.nowMs = Number(toBigInt(v) ?? 0n) / 1e6;
    else if (k === 'MaxConstraintComparisons' && v instanceof RegoNumber) continue;
    else if (k === 'KeyUsages' && Array.isArray(v)) {
      options.keyUsages = v.map((u) => {
        const oid = typeof u === 'string' ? KEY_USAGE_OIDS[u] : undefined;
        return oid ?? builtinError(`invalid entry for KeyUsages: ${typeof u === 'string' ? u : String(u)}`);
      });
    } else builtinError(`invalid key ${typeof k === 'string' ? k : String(k)} or value type in options`);
  }
  return options;
}

/** The chain from the leaf (last) to the root (first), verified as Go's `Certificate.Verify` would, or undefined. */
function verifiedChain(ders: Buffer[], options: VerifyOptions): Buffer[] | undefined {
  if (ders.length < 2) return undefined;
  const nowMs = options.nowMs;
  const certs = ders.map((d) => new X509Certificate(d));
  const leaf = certs[certs.length - 1] as X509Certificate;
  if (options.dnsName !== undefined && leaf.checkHost(options.dnsName) === undefined) return undefined;
  if (!certs.every((c) => allowsUsage(c, options.keyUsages))) return undefined;
  const root = certs[0] as X509Certificate;
  const intermediates = certs.slice(1, -1);
  const valid = (c: X509Certificate) => Date.parse(c.validFrom) <= nowMs && nowMs <= Date.parse(c.validTo);
  const signedBy = (c: X509Certificate, issuer: X509Certificate) =>
    c.checkIssued(issuer) && c.verify(issuer.publicKey);
  let current = certs[certs.length - 1] as X509Certificate;
  const chain = [current];
  for (let steps = 0; steps <= certs.length; steps++) {
    if (!valid(current)) return undefined;
    if (signedBy(current, root)) {
      if (!valid(root) || !root.ca) return undefined;
      if (current !== root) chain.push(root);
      return chain.map((c) => c.raw);
    }
    const next = intermediates.find((i) => !chain.includes(i) && i.ca && signedBy(current, i));
    if (next === undefined) return undefined;
    chain.push(next);
    current = next;
  }
  return undefined;
}

/** `[true, chain]` when the chain verifies, else `[false, []]`. */
function verifyAndParse(ders: Buffer[], options: VerifyOptions): Value {
  let chain: Buffer[] | undefined;
  try {
    chain = verifiedChain(ders, options);
  } catch {
    chain = undefined;
  }
  return chain === undefined ? [false, []] : [true, chain.map(certificateValue)];
}

/** The x509 builtins. */
export const x509Builtins: BuiltinDef[] = [
  defineBuiltin({
    name: 'crypto.x509.parse_certificates',
    signature: { args: [param('certs', 'string')], result: param('output', 'array[object[string: any]]') },
    description:
      'Returns zero or more certificates from the given encoded string containing DER certificate data. If the input is empty, the function will return null. The input string should be a list of one or more concatenated PEM blocks. The whole input of concatenated PEM blocks can optionally be Base64 encoded.',
    implementation: (args) => {
      const ders = certificateDers(stringArg(args, 0));
      return ders.length === 0 ? null : ders.map(certificateValue);
    },
  }),
  defineBuiltin({
    name: 'crypto.x509.parse_and_verify_certificates',
    signature: {
      args: [param('certs', 'string')],
      result: param('output', 'array[boolean, array[object[string: any]]]'),
    },
    description:
      'Returns one or more certificates from the given string containing PEM or base64 encoded DER certificates after verifying the supplied certificates form a complete certificate chain back to a trusted root. The first certificate is treated as the root and the last certificate is treated as the leaf, with all others being treated as intermediates.',
    implementation: (args, ctx: BuiltinContext) => {
      const input = stringArg(args, 0);
      const invalid: Value = [false, []];
      let ders: Buffer[];
      try {
        ders = certificateDers(input);
        ders.forEach(certificateValue);
      } catch {
        return invalid;
      }
      return verifyAndParse(ders, {
        nowMs: Number(ctx.nowNs / 1_000_000n),
        keyUsages: [KEY_USAGE_OIDS.KeyUsageServerAuth as string],
      });
    },
  }),
  defineBuiltin({
    name: 'crypto.x509.parse_and_verify_certificates_with_options',
    signature: {
      args: [param('certs', 'string'), param('options', 'object[string: any]')],
      result: param('output', 'array[boolean, array[object[string: any]]]'),
    },
    description:
      'Returns one or more certificates from the given string containing PEM or base64 encoded DER certificates after verifying the supplied certificates form a complete certificate chain back to a trusted root. A config option passed as the second argument can be used to configure the validation options used (DNSName, CurrentTime in nanoseconds, MaxConstraintComparisons, KeyUsages).',
    implementation: (args, ctx: BuiltinContext) => {
      const input = stringArg(args, 0);
      const options = verifyOptionsArg(args, Number(ctx.nowNs / 1_000_000n));
      let ders: Buffer[];
      try {
        ders = certificateDers(input);
        ders.forEach(certificateValue);
      } catch {
        return [false, []];
      }
      return verifyAndParse(ders, options);
    },
  }),
  defineBuiltin({
    name: 'crypto.x509.parse_certificate_request',
    signature: { args: [param('csr', 'string')], result: param('output', 'object[string: any]') },
    description:
      'Returns a PKCS #10 certificate signing request from the given PEM-encoded PKCS#10 certificate signing request.',
    implementation: (args) => {
      const bytes = requestBytes(stringArg(args, 0));
      const blocks = decodePemBlocks(bytes);
      const first = blocks[0];
      if (first !== undefined && first.type !== 'CERTIFICATE REQUEST')
        builtinError('invalid PEM-encoded certificate signing request');
      return certificateRequestValue(first?.bytes ?? bytes);
    },
  }),
  defineBuiltin({
    name: 'crypto.x509.parse_keypair',
    signature: {
      args: [param('cert', 'string'), param('pem', 'string')],
      result: param('output', 'object[string: any]'),
    },
    description:
      'Returns a valid key pair from the given PEM-encoded (optionally base64-encoded) certificate and private key.',
    implementation: (args) => {
      const certText = stringArg(args, 0);
      const keyText = stringArg(args, 1);
      const certPem = certText.startsWith('-----BEGIN') ? Buffer.from(certText) : decodeBase64Go(certText);
      const keyPem = keyText.startsWith('-----BEGIN') ? Buffer.from(keyText) : decodeBase64Go(keyText);
      const certBlocks = decodePemBlocks(certPem).filter((b) => b.type === 'CERTIFICATE');
      if (certBlocks.length === 0) builtinError('tls: failed to find any PEM data in certificate input');
      const keyBlock = decodePemBlocks(keyPem).find(
        (b) => b.type === 'PRIVATE KEY' || b.type.endsWith(' PRIVATE KEY'),
      );
      if (keyBlock === undefined) builtinError('tls: failed to find any PEM data in key input');
      const key = privateKeyFromBlock(keyBlock);
      if (key === undefined) builtinError('tls: failed to parse private key');
      const leaf = new X509Certificate(certBlocks[0]?.bytes as Buffer);
      if (!leaf.checkPrivateKey(key)) builtinError('tls: private key does not match public key');
      return RegoObject.of([
        ['Certificate', certBlocks.map((b) => b.bytes.toString('base64'))],
        ['PrivateKey', privateKeyValue(key)],
        ['OCSPStaple', null],
        ['SignedCertificateTimestamps', null],
        ['Leaf', certificateValue(certBlocks[0]?.bytes as Buffer)],
      ]);
    },
  }),
  defineBuiltin({
    name: 'crypto.x509.parse_rsa_private_key',
    signature: { args: [param('pem', 'string')], result: param('output', 'object[string: any]') },
    description: 'Returns a JWK for signing a JWT from the given PEM-encoded RSA private key.',
    implementation: (args) => {
      const bytes = requestBytes(stringArg(args, 0));
      const block = decodePemBlocks(bytes)[0];
      if (block === undefined) builtinError('failed to parse PEM block containing the key');
      const key = privateKeyFromBlock({ type: 'RSA PRIVATE KEY', bytes: block.bytes });
      if (key === undefined) builtinError('x509: failed to parse private key');
      const jwk = key.export({ format: 'jwk' });
      const out = new RegoObject();
      for (const k of ['d', 'dp', 'dq', 'e', 'kty', 'n', 'p', 'q', 'qi']) {
        const v = (jwk as Record<string, unknown>)[k];
        if (typeof v === 'string') out.set(k, v);
      }
      return out;
    },
  }),
  defineBuiltin({
    name: 'crypto.parse_private_keys',
    signature: { args: [param('keys', 'string')], result: param('output', 'array[object[string: any]]') },
    description:
      'Returns zero or more private keys from the given encoded string containing DER certificate data. If the input is empty, the function will return null. The input string should be a list of one or more concatenated PEM blocks. The whole input of concatenated PEM blocks can optionally be Base64 encoded.',
    implementation: (args) => {
      const input = stringArg(args, 0);
      if (input === '') return null;
      const bytes = requestBytes(input);
      const keys: Value[] = [];
      for (const block of decodePemBlocks(bytes)) {
        const key = privateKeyFromBlock(block);
        if (key === undefined) typeError(`failed to parse ${block.type}`);
        keys.push(privateKeyValue(key));
      }
      return keys;
    },
  }),
];
