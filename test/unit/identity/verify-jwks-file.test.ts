import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type IdentitySettings, resolveIdentity } from '../../../server/src/identity';
import {
  ALICE_USER,
  AUDIENCE,
  ISSUER,
  JWKS_FILE_SETTINGS,
  makeAliceClaims,
  makeHs256WithPublicKey,
  makeJwks,
  makeJwksDir,
  makeKey,
  makeUnsignedToken,
  NOW_MS,
  NOW_SECONDS,
  signToken,
  type TempDir,
  type TestKey,
} from './fixtures';

describe('verification against a JWKS file', () => {
  let dir: TempDir;
  let key: TestKey;
  const settings: IdentitySettings = { tokenEnv: 'T', ...JWKS_FILE_SETTINGS };

  function resolveToken(token: string, extra: IdentitySettings = {}) {
    return resolveIdentity(
      { ...settings, ...extra },
      { baseDir: dir.path, env: { T: token }, now: () => NOW_MS },
    );
  }

  before(async () => {
    key = await makeKey('k1');
    dir = await makeJwksDir(key);
  });
  after(() => dir.remove());

  it('verifies a good token and maps its claims', async () => {
    const identity = await resolveToken(await signToken(makeAliceClaims(), key));
    assert.equal(identity.status, 'verified');
    assert.equal(identity.reason, undefined);
    assert.deepEqual(identity.user, ALICE_USER);
    assert.equal(identity.claims?.sub, 'alice');
    assert.equal(identity.issuer, ISSUER);
    assert.equal(identity.expiresAt, NOW_SECONDS + 3600);
    assert.equal(identity.issuedAt, NOW_SECONDS - 600);
  });

  it('accepts any one of several configured audiences', async () => {
    const token = await signToken(makeAliceClaims({ aud: ['other', AUDIENCE] }), key);
    const identity = await resolveToken(token, { audience: ['x', AUDIENCE] });
    assert.equal(identity.status, 'verified');
  });

  it('rejects alg none even when the configured allowlist names it', async () => {
    const identity = await resolveToken(makeUnsignedToken(makeAliceClaims(), 'k1'), {
      algorithms: ['none', 'RS256'],
    });
    assert.equal(identity.status, 'invalid');
    assert.match(identity.reason ?? '', /unsigned/);
  });

  it('rejects HS256 even when the configured allowlist names it', async () => {
    const token = await makeHs256WithPublicKey(makeAliceClaims(), key);
    const identity = await resolveToken(token, { algorithms: ['HS256'] });
    assert.equal(identity.status, 'invalid');
    assert.match(identity.reason ?? '', /HS256, a shared-secret algorithm/);
  });

  it('rejects a token without iss when an issuer is required', async () => {
    const identity = await resolveToken(await signToken(makeAliceClaims({ iss: undefined }), key));
    assert.equal(identity.status, 'invalid');
    assert.equal(identity.reason, `token has no "iss" claim; expected issuer "${ISSUER}"`);
  });

  it('does not check iss or aud when none is configured', async () => {
    const token = await signToken(makeAliceClaims({ iss: 'https://other.example', aud: 'x' }), key);
    const identity = await resolveToken(token, { issuer: undefined, audience: undefined });
    assert.equal(identity.status, 'verified');
  });

  it('reports an expired token as expired, keeping who it was for', async () => {
    const exp = NOW_SECONDS - 180;
    const identity = await resolveToken(await signToken(makeAliceClaims({ exp }), key));
    assert.equal(identity.status, 'expired');
    assert.equal(identity.reason, 'token expired 3 minutes ago');
    assert.equal(identity.user?.email, 'alice@example.com');
    assert.equal(identity.claims?.sub, 'alice');
    assert.equal(identity.expiresAt, exp);
  });

  it('allows the default 60 s of clock skew on exp', async () => {
    const identity = await resolveToken(await signToken(makeAliceClaims({ exp: NOW_SECONDS - 30 }), key));
    assert.equal(identity.status, 'verified');
  });

  it('honours a configured clock skew', async () => {
    const token = await signToken(makeAliceClaims({ exp: NOW_SECONDS - 30 }), key);
    const identity = await resolveToken(token, { clockSkewSeconds: 0 });
    assert.equal(identity.status, 'expired');
    assert.equal(identity.reason, 'token expired 30 seconds ago');
  });

  it('rejects a token signed by another key that claims the known kid', async () => {
    const impostor = await makeKey('k1');
    const identity = await resolveToken(await signToken(makeAliceClaims(), impostor));
    assert.equal(identity.status, 'invalid');
    assert.equal(identity.reason, 'signature does not verify against jwks.json');
  });

  it('rejects an algorithm outside the configured allowlist', async () => {
    const identity = await resolveToken(await signToken(makeAliceClaims(), key), { algorithms: ['ES256'] });
    assert.equal(identity.status, 'invalid');
    assert.equal(identity.reason, 'token algorithm RS256 is not allowed (allowed: ES256)');
  });

  it('rejects everything when the allowlist holds only forbidden algorithms', async () => {
    const identity = await resolveToken(await signToken(makeAliceClaims(), key), {
      algorithms: ['HS256', 'none'],
    });
    assert.equal(identity.status, 'invalid');
    assert.match(identity.reason ?? '', /no usable algorithm is allowed/);
  });

  it('verifies ES256 and EdDSA keys from the same set', async () => {
    const ec = await makeKey('ec1', 'ES256');
    const ed = await makeKey('ed1', 'EdDSA');
    await dir.write('mixed.json', JSON.stringify(makeJwks(key, ec, ed)));
    for (const signer of [ec, ed]) {
      const identity = await resolveToken(await signToken(makeAliceClaims(), signer), {
        jwksFile: 'mixed.json',
      });
      assert.equal(identity.status, 'verified', signer.alg);
    }
  });

  it('verifies a token without kid when exactly one key fits', async () => {
    const token = await signToken(makeAliceClaims(), key, { kid: undefined });
    const identity = await resolveToken(token);
    assert.equal(identity.status, 'verified');
  });

  it('tries each key when several fit a token without kid', async () => {
    const first = await makeKey('unused');
    const second = await makeKey('unused');
    const withoutKid = (signer: TestKey) => ({ ...signer.publicJwk, kid: undefined });
    await dir.write('nokids.json', JSON.stringify({ keys: [withoutKid(first), withoutKid(second)] }));
    const signed = await signToken(makeAliceClaims(), second, { kid: undefined });
    const verified = await resolveToken(signed, { jwksFile: 'nokids.json' });
    assert.equal(verified.status, 'verified');

    const stranger = await signToken(makeAliceClaims(), await makeKey('unused'), { kid: undefined });
    const rejected = await resolveToken(stranger, { jwksFile: 'nokids.json' });
    assert.equal(rejected.status, 'invalid');
    assert.equal(rejected.reason, 'signature does not verify against nokids.json');
  });

  it('reports a missing JWKS file as invalid, naming it', async () => {
    const identity = await resolveToken(await signToken(makeAliceClaims(), key), { jwksFile: 'nope.json' });
    assert.equal(identity.status, 'invalid');
    assert.equal(identity.reason, 'JWKS file nope.json does not exist');
  });

  it('reports a JWKS file that is not JSON', async () => {
    await dir.write('broken.json', '{"keys": [');
    const identity = await resolveToken(await signToken(makeAliceClaims(), key), { jwksFile: 'broken.json' });
    assert.equal(identity.status, 'invalid');
    assert.equal(identity.reason, 'JWKS file broken.json is not valid JSON');
  });

  it('reports a JSON file that is not a JWKS', async () => {
    await dir.write('notjwks.json', JSON.stringify({ kty: 'RSA' }));
    const identity = await resolveToken(await signToken(makeAliceClaims(), key), {
      jwksFile: 'notjwks.json',
    });
    assert.equal(identity.status, 'invalid');
    assert.equal(identity.reason, 'JWKS file notjwks.json is not a JWKS (expected {"keys": [...]})');
  });

  it('refuses a JWKS file that holds a private key', async () => {
    const jose = await import('jose');
    const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
    const privateJwk = { ...(await jose.exportJWK(privateKey)), kid: 'k1' };
    await dir.write('private.json', JSON.stringify({ keys: [privateJwk] }));
    const identity = await resolveToken(await signToken(makeAliceClaims(), key), {
      jwksFile: 'private.json',
    });
    assert.equal(identity.status, 'invalid');
    assert.equal(
      identity.reason,
      'JWKS file private.json contains a private or secret key; it must hold public keys only',
    );
  });

  it('reports a JWKS entry jose cannot import without crashing', async () => {
    await dir.write('badkey.json', JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', n: '!!', e: 'AQAB' }] }));
    const identity = await resolveToken(await signToken(makeAliceClaims(), key), { jwksFile: 'badkey.json' });
    assert.equal(identity.status, 'invalid');
    assert.match(identity.reason ?? '', /badkey\.json/);
  });
});
