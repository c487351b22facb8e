import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  createHash,
  createHmac,
  generateKeyPairSync,
  type KeyObject,
  constants as rsa,
  sign,
} from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hashBundleFile } from '../../../server/src/bundle/file-hash';
import { readBundleFiles } from '../../../server/src/bundle/files';
import { defaultBundleLimits } from '../../../server/src/bundle/limits';
import {
  signBundleFiles,
  type VerificationConfig,
  verifyBundleSignature,
} from '../../../server/src/bundle/signature';
import { readTarGz } from '../../../server/src/bundle/tar';
import { runCli } from '../../../server/src/cli/main';
import { canonicalJson, folder } from './helpers';

const rsaKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ecKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (k: KeyObject, type: 'spki' | 'pkcs8') => k.export({ type, format: 'pem' }).toString();

const files = () =>
  new Map<string, Buffer>([
    ['.manifest', Buffer.from('{"revision": "3", "roots": ["authz"]}')],
    ['authz/policy.rego', Buffer.from('package authz\n\nallow := true\n')],
    ['authz/data.json', Buffer.from('{\n  "b": [1, 2.50, {"z": true, "a": null}],\n  "a": "x"\n}')],
  ]);

const rsaConfig: VerificationConfig = {
  keys: { global: { algorithm: 'RS256', key: pem(rsaKeys.publicKey, 'spki') } },
};

/**
 * A `.signatures.json` made here from OPA's documented format, without the signer under test: a
 * compact JWS (base64url header and payload, signed with node:crypto) whose payload lists every file
 * with its SHA-256: bytes for policies; for JSON files the value written compactly with sorted keys.
 */
function opaSignature(
  bundle: Map<string, Buffer>,
  alg: 'RS256' | 'PS256' | 'ES256' | 'HS256',
  key: KeyObject | string,
  claims: Record<string, unknown> = {},
): Buffer {
  const list = [...bundle].map(([name, content]) => {
    const structured = name.endsWith('.json') || name.endsWith('.manifest');
    // 2.50 stays 2.50: Go's decoder keeps number literals (UseNumber); nothing else here has decimals.
    const text = structured
      ? canonicalJson(JSON.parse(content.toString())).replace('2.5,', '2.50,')
      : content;
    return { name, hash: createHash('sha256').update(text).digest('hex'), algorithm: 'SHA-256' };
  });
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64({ alg, kid: 'global' })}.${b64({ files: list, ...claims })}`;
  let sig: Buffer;
  if (alg === 'HS256')
    sig = createHmac('sha256', key as string)
      .update(input)
      .digest();
  else if (alg === 'ES256')
    sig = sign('sha256', Buffer.from(input), { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
  else if (alg === 'PS256') {
    sig = sign('sha256', Buffer.from(input), {
      key: key as KeyObject,
      padding: rsa.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
  } else sig = sign('sha256', Buffer.from(input), key as KeyObject);
  return Buffer.from(JSON.stringify({ signatures: [`${input}.${sig.toString('base64url')}`] }));
}

describe('bundle file digests (OPA bundle/hash.go)', () => {
  it('hashes JSON files as compact sorted JSON with number literals kept, and policies as bytes', () => {
    const json = Buffer.from('{ "b": 1.0, "a": ["\\u2028<>&", 1e3] }');
    const expected = createHash('sha256').update('{"a":["\\u2028<>&",1e3],"b":1.0}').digest('hex');
    assert.equal(hashBundleFile('x/data.json', json), expected);
    assert.equal(hashBundleFile('x/p.rego', json), createHash('sha256').update(json).digest('hex'));
    assert.equal(
      hashBundleFile('data.yaml', Buffer.from('b: 2\na: [x]\n')),
      createHash('sha256').update('{"a":["x"],"b":2}').digest('hex'),
    );
  });
});

describe('bundle signatures', () => {
  it('verifies what bundle sign writes (round trip, RS256 and ES256)', async () => {
    const bundle = files();
    bundle.set(
      '.signatures.json',
      Buffer.from(
        await signBundleFiles(bundle, {
          algorithm: 'RS256',
          key: pem(rsaKeys.privateKey, 'pkcs8'),
          keyId: 'global',
        }),
      ),
    );
    assert.deepEqual(await verifyBundleSignature(bundle, rsaConfig), {
      state: 'verified',
      keyId: 'global',
      algorithm: 'RS256',
      files: 3,
    });
    const ec = files();
    ec.set(
      '.signatures.json',
      Buffer.from(
        await signBundleFiles(ec, {
          algorithm: 'ES256',
          key: pem(ecKeys.privateKey, 'pkcs8'),
          keyId: 'ec',
          scope: 'write',
        }),
      ),
    );
    const ecConfig = {
      keys: { ec: { algorithm: 'ES256', key: pem(ecKeys.publicKey, 'spki'), scope: 'write' } },
    };
    assert.equal((await verifyBundleSignature(ec, ecConfig)).state, 'verified');
  });

  it("verifies bundles signed elsewhere in OPA's documented format (RS256, PS256, ES256, HS256)", async () => {
    const cases: Array<
      [Parameters<typeof opaSignature>[1], KeyObject | string, VerificationConfig['keys'][string]]
    > = [
      ['RS256', rsaKeys.privateKey, { algorithm: 'RS256', key: pem(rsaKeys.publicKey, 'spki') }],
      ['PS256', rsaKeys.privateKey, { algorithm: 'PS256', key: pem(rsaKeys.publicKey, 'spki') }],
      ['ES256', ecKeys.privateKey, { algorithm: 'ES256', key: pem(ecKeys.publicKey, 'spki') }],
      ['HS256', 'team secret', { algorithm: 'HS256', key: 'team secret' }],
    ];
    for (const [alg, key, config] of cases) {
      const bundle = files();
      bundle.set('.signatures.json', opaSignature(bundle, alg, key, { iss: 'ci', iat: 1_700_000_000 }));
      const state = await verifyBundleSignature(bundle, { keys: { global: config } });
      assert.equal(state.state, 'verified', `${alg}: ${JSON.stringify(state)}`);
    }
  });

  it('refuses every tampering with its own reason', async () => {
    const signed = () => {
      const b = files();
      b.set('.signatures.json', opaSignature(b, 'RS256', rsaKeys.privateKey));
      return b;
    };
    const reason = async (b: Map<string, Buffer>, config: VerificationConfig = rsaConfig) => {
      const s = await verifyBundleSignature(b, config);
      return s.state === 'refused' ? s.reason : s.state;
    };
    const changed = signed();
    changed.set('authz/policy.rego', Buffer.from('package authz\n\nallow := false\n'));
    assert.match(await reason(changed), /^authz\/policy\.rego: digest mismatch/);
    const changedData = signed();
    changedData.set('authz/data.json', Buffer.from('{"a": "y", "b": [1, 2.50, {"z": true, "a": null}]}'));
    assert.match(await reason(changedData), /^authz\/data\.json: digest mismatch/);
    const reformatted = signed();
    reformatted.set('authz/data.json', Buffer.from('{"a":"x","b":[1,2.50,{"a":null,"z":true}]}'));
    assert.equal(await reason(reformatted), 'verified', 'whitespace and key order do not change the digest');
    const added = signed();
    added.set('authz/extra.rego', Buffer.from('package authz\n\nx := 1\n'));
    assert.equal(await reason(added), 'file authz/extra.rego not included in bundle signature');
    const removed = signed();
    removed.delete('authz/data.json');
    assert.equal(
      await reason(removed),
      'file(s) [authz/data.json] specified in bundle signatures but not found in the target bundle',
    );
    const wrongKey = files();
    wrongKey.set('.signatures.json', opaSignature(wrongKey, 'RS256', otherRsa.privateKey));
    assert.equal(await reason(wrongKey), 'signature does not verify with key global');
    const hmac = files();
    hmac.set('.signatures.json', opaSignature(hmac, 'HS256', pem(rsaKeys.publicKey, 'spki')));
    assert.match(
      await reason(hmac),
      /^signature algorithm HS256 is not allowed: key global is configured for RS256/,
    );
    const scoped = {
      keys: { global: { ...(rsaConfig.keys.global as VerificationConfig['keys'][string]), scope: 'write' } },
    };
    assert.equal(await reason(signed(), scoped), 'scope mismatch');
    assert.equal(await reason(files()), 'bundle missing .signatures.json file');
    assert.equal(
      await reason(signed(), {
        keys: { other: rsaConfig.keys.global as VerificationConfig['keys'][string] },
      }),
      'verification key corresponding to ID global not found',
    );
    const two = signed();
    two.set('.signatures.json', Buffer.from('{"signatures": ["a.b.c", "d.e.f"]}'));
    assert.equal(await reason(two), '.signatures.json: multiple JWTs not supported (expected exactly one)');
  });

  it('bundle build and bundle sign write archives and signatures that verify', async () => {
    const dir = folder(Object.fromEntries([...files()].map(([k, v]) => [k, v.toString()])));
    writeFileSync(join(dir, 'README.md'), 'not bundle content');
    const keyFile = join(dir, '..', `${dir.split('/').pop()}-key.pem`);
    writeFileSync(keyFile, pem(rsaKeys.privateKey, 'pkcs8'));
    const out = join(dir, 'bundle.tar.gz');
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
    const code = await runCli(
      ['bundle', 'build', dir, '-o', out, '--revision', '9', '--signing-key', keyFile, '--key-id', 'global'],
      io,
    );
    assert.equal(code, 0, lines.join(''));
    // GNU tar, an independent reader, lists the same regular files.
    const listed = execFileSync('tar', ['-tzvf', out], { encoding: 'utf8' }).trim().split('\n');
    assert.ok(
      listed.every((l) => l.startsWith('-rw-r--r--')),
      listed.join('\n'),
    );
    assert.deepEqual(listed.map((l) => l.split(/\s+/).pop()).sort(), [
      '.manifest',
      '.signatures.json',
      'authz/data.json',
      'authz/policy.rego',
    ]);
    const built = readTarGz(readFileSync(out), defaultBundleLimits);
    assert.deepEqual([...built.keys()].sort(), [
      '.manifest',
      '.signatures.json',
      'authz/data.json',
      'authz/policy.rego',
    ]);
    assert.equal(JSON.parse(built.get('.manifest')?.toString() ?? '').revision, '9');
    assert.equal((await verifyBundleSignature(built, rsaConfig)).state, 'verified');
    assert.equal(
      await runCli(['bundle', 'sign', dir, '--signing-key', keyFile, '--key-id', 'global'], io),
      0,
    );
    const signedDir = readBundleFiles(dir, defaultBundleLimits);
    // A folder is verified whole, as OPA reads it: every file is signed, README included.
    assert.equal((await verifyBundleSignature(signedDir, rsaConfig)).state, 'verified');
  });
});
