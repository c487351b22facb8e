/**
 * Bundle signatures as OPA writes them: `.signatures.json` holds `{"signatures": [JWS]}`, one
 * compact JWS whose payload lists every file of the bundle with its digest
 * (`{"files": [{"name", "hash", "algorithm"}], "keyid"?, "scope"?, "iat"?, "iss"?}`). Verification
 * follows OPA's order and wording: exactly one JWS; the key id from the configuration, else the
 * header's `kid`, else the payload's `keyid`; the configured key's algorithm only; the scope; then
 * every file's digest, with no file missing from the signature and none signed but absent.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { HMAC_ALGORITHMS, SHA2_PUBLIC_KEY_ALGORITHMS } from '../identity/algorithms';
import { loadJose } from '../identity/jose';
import { hashBundleFile } from './file-hash';
import type { BundleFiles } from './files';

/** The name of the signatures file at a bundle's root. */
export const signaturesFile = '.signatures.json';

/** One configured verification key (OPA's `keys.<id>`): its algorithm, PEM or HMAC secret, and scope. */
export interface VerificationKey {
  algorithm: string;
  /** A PEM public key or certificate (RS/PS/ES), or the shared secret (HS, only when configured so). */
  key: string;
  scope?: string;
}

/** How bundles are verified (OPA's `bundles.<name>.signing`): keys by id, optional forced key id, scope, exclusions. */
export interface VerificationConfig {
  keys: Record<string, VerificationKey>;
  keyId?: string;
  scope?: string;
  /** File globs left out of verification (OPA's `exclude_files`). */
  exclude?: string[];
}

/** The outcome of checking one bundle's signature. */
export type SignatureState =
  | { state: 'verified'; keyId: string; algorithm: string; files: number }
  | { state: 'unsigned' }
  | { state: 'refused'; reason: string };

/** The algorithms a bundle may be signed with: OPA's RSA, RSA-PSS, ECDSA and HMAC families. */
export const bundleAlgorithms: readonly string[] = [...SHA2_PUBLIC_KEY_ALGORITHMS, ...HMAC_ALGORITHMS];

/**
 * Checks `files` against their `.signatures.json`. With no verification configured, a bundle is
 * `unsigned` (its signature, if any, is not checked, as OPA does without keys); with verification
 * configured, an unsigned bundle is refused.
 */
export async function verifyBundleSignature(
  files: BundleFiles,
  config: VerificationConfig | undefined,
): Promise<SignatureState> {
  const raw = files.get(signaturesFile);
  const configured = config !== undefined && Object.keys(config.keys).length > 0;
  if (!configured) return { state: 'unsigned' };
  if (raw === undefined) return refuse('bundle missing .signatures.json file');
  let tokens: unknown;
  try {
    tokens = (JSON.parse(raw.toString('utf8')) as { signatures?: unknown }).signatures;
  } catch (error) {
    return refuse(`.signatures.json is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(tokens) || tokens.length === 0)
    return refuse('.signatures.json: missing JWT (expected exactly one)');
  if (tokens.length > 1)
    return refuse('.signatures.json: multiple JWTs not supported (expected exactly one)');
  const token = tokens[0];
  if (typeof token !== 'string') return refuse('.signatures.json: the signature is not a string');
  const parts = token.split('.');
  if (parts.length !== 3) return refuse('.signatures.json: the signature is not a compact JWS');
  let header: Record<string, unknown>;
  let payload: { files?: unknown; keyid?: unknown; scope?: unknown };
  try {
    header = JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8'));
  } catch {
    return refuse('.signatures.json: the JWS header or payload is not JSON');
  }
  const keyId =
    config.keyId ||
    (typeof header.kid === 'string' ? header.kid : '') ||
    (typeof payload.keyid === 'string' ? payload.keyid : '');
  if (!keyId) return refuse('verification key ID is empty');
  const keyConfig = Object.hasOwn(config.keys, keyId) ? config.keys[keyId] : undefined;
  if (!keyConfig) return refuse(`verification key corresponding to ID ${keyId} not found`);
  if (!bundleAlgorithms.includes(keyConfig.algorithm)) {
    return refuse(`key ${keyId}: unsupported signature algorithm ${keyConfig.algorithm}`);
  }
  if (header.alg !== keyConfig.algorithm) {
    return refuse(
      `signature algorithm ${String(header.alg)} is not allowed: key ${keyId} is configured for ${keyConfig.algorithm}`,
    );
  }
  const jose = await loadJose();
  try {
    const key = HMAC_ALGORITHMS.includes(keyConfig.algorithm)
      ? new TextEncoder().encode(keyConfig.key)
      : publicKeyOf(keyConfig.key);
    await jose.compactVerify(token, key, { algorithms: [keyConfig.algorithm] });
  } catch (error) {
    const name = (error as { code?: string }).code;
    if (name === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED')
      return refuse(`signature does not verify with key ${keyId}`);
    return refuse(`signature cannot be checked with key ${keyId}: ${(error as Error).message}`);
  }
  const scope = config.scope || keyConfig.scope || '';
  if ((typeof payload.scope === 'string' ? payload.scope : '') !== scope) return refuse('scope mismatch');
  if (!Array.isArray(payload.files)) return refuse('signature payload has no files list');
  const signed = new Map<string, { hash: string; algorithm: string }>();
  for (const f of payload.files as Array<Record<string, unknown>>) {
    if (typeof f?.name !== 'string' || typeof f.hash !== 'string')
      return refuse('signature payload lists a malformed file');
    signed.set(f.name.replace(/^\/+/, ''), {
      hash: f.hash,
      algorithm: typeof f.algorithm === 'string' ? f.algorithm : '',
    });
  }
  const excluded = (config.exclude ?? []).map(globToRegExp);
  let checked = 0;
  for (const [path, content] of files) {
    if (path === signaturesFile) continue;
    if (excluded.some((r) => r.test(path))) {
      signed.delete(path);
      continue;
    }
    const entry = signed.get(path);
    if (!entry) return refuse(`file ${path} not included in bundle signature`);
    if (!entry.algorithm) return refuse(`no hashing algorithm provided for file ${path}`);
    let digest: string;
    try {
      digest = hashBundleFile(path, content, entry.algorithm);
    } catch (error) {
      return refuse(`${path}: ${(error as Error).message}`);
    }
    if (digest !== entry.hash.toLowerCase())
      return refuse(`${path}: digest mismatch (want: ${entry.hash}, got: ${digest})`);
    signed.delete(path);
    checked++;
  }
  if (signed.size > 0) {
    return refuse(
      `file(s) [${[...signed.keys()].join(' ')}] specified in bundle signatures but not found in the target bundle`,
    );
  }
  return { state: 'verified', keyId, algorithm: keyConfig.algorithm, files: checked };
}

function refuse(reason: string): SignatureState {
  return { state: 'refused', reason };
}

function publicKeyOf(pem: string): KeyObject {
  return createPublicKey(pem);
}

/** `filepath.Match`-style globs (`*`, `?`) as a RegExp over a whole bundle path. */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** What `clearance bundle sign` needs: the key (PEM private key, or HMAC secret), its algorithm, and claims. */
export interface SigningOptions {
  algorithm: string;
  key: string;
  keyId?: string;
  scope?: string;
  issuer?: string;
  /** Seconds since the epoch for `iat`; omitted when undefined. */
  issuedAt?: number;
  /** Extra claims (`opa sign --claims-file`); with them, OPA writes no `keyid` claim. */
  claims?: Record<string, unknown>;
}

/**
 * The `.signatures.json` text for `files` as OPA's signer writes it: one JWS over the files'
 * digests (SHA-256), with `kid` in the header and the deprecated `keyid` claim when a key id is given.
 */
export async function signBundleFiles(files: BundleFiles, options: SigningOptions): Promise<string> {
  if (!bundleAlgorithms.includes(options.algorithm)) {
    throw new Error(
      `unsupported signing algorithm ${options.algorithm} (use one of ${bundleAlgorithms.join(', ')})`,
    );
  }
  const list = [...files.keys()]
    .filter((p) => p !== signaturesFile)
    .sort()
    .map((name) => ({ name, hash: hashBundleFile(name, files.get(name) as Buffer), algorithm: 'SHA-256' }));
  const payload: Record<string, unknown> = { files: list };
  const claims = options.claims ?? {};
  for (const [k, v] of Object.entries(claims)) if (k !== 'files') payload[k] = v;
  if (options.keyId && Object.keys(claims).length === 0) payload.keyid = options.keyId;
  if (options.scope) payload.scope = options.scope;
  if (options.issuer) payload.iss = options.issuer;
  if (options.issuedAt !== undefined) payload.iat = options.issuedAt;
  const jose = await loadJose();
  const key = HMAC_ALGORITHMS.includes(options.algorithm)
    ? new TextEncoder().encode(options.key)
    : createPrivateKey(options.key);
  const header = { alg: options.algorithm, ...(options.keyId ? { kid: options.keyId } : {}) };
  const token = await new jose.CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header)
    .sign(key);
  return `${JSON.stringify({ signatures: [token] }, null, 1)}\n`;
}
