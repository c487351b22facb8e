import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveIdentity } from '../../../server/src/identity';
import { ALICE_USER, encodePart, makeAliceClaims, NOW_MS } from './fixtures';

/** Resolves a token passed through the environment, with no key configured. */
function resolveFromEnv(token: string, settings: { jwksFile?: string } = {}) {
  return resolveIdentity({ tokenEnv: 'T', ...settings }, { env: { T: token }, now: () => NOW_MS });
}

const header = encodePart({ alg: 'RS256', typ: 'JWT' });
const payload = encodePart(makeAliceClaims());

describe('malformed tokens are invalid, with a reason, without throwing', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['one part', 'justonepart', /expected three dot-separated parts, found 1/],
    ['two parts', `${header}.${payload}`, /expected three dot-separated parts, found 2/],
    ['four parts', `${header}.${payload}.sig.extra`, /expected three dot-separated parts, found 4/],
    ['an encrypted JWT (five parts)', 'a.b.c.d.e', /encrypted JWT \(JWE\)/],
    ['garbage base64 in the payload', `${header}.%%%%.c2ln`, /the payload is not base64url/],
    ['garbage in the signature', `${header}.${payload}.not base64!`, /the signature is not base64url/],
    [
      'a header that is not JSON',
      `${Buffer.from('{alg:').toString('base64url')}.${payload}.c2ln`,
      /the header is not JSON/,
    ],
    [
      'a payload that is not JSON',
      `${header}.${Buffer.from('nope').toString('base64url')}.c2ln`,
      /the payload is not JSON/,
    ],
    [
      'a payload that is a JSON array',
      `${header}.${encodePart(['sub'])}.c2ln`,
      /the payload is not a JSON object/,
    ],
    ['a payload that is JSON null', `${header}.${encodePart(null)}.c2ln`, /the payload is not a JSON object/],
    [
      'a payload that is not UTF-8',
      `${header}.${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}.c2ln`,
      /the payload is not UTF-8/,
    ],
    ['an empty header', `.${payload}.c2ln`, /the header is empty/],
    ['a header without alg', `${encodePart({ typ: 'JWT' })}.${payload}.c2ln`, /the header has no "alg"/],
    ['a "Bearer " prefix', `Bearer ${header}.${payload}.c2ln`, /starts with "Bearer "/],
    [
      'a non-numeric exp',
      `${header}.${encodePart(makeAliceClaims({ exp: '2030-01-01' }))}.c2ln`,
      /"exp" is not a number/,
    ],
    [
      'a non-numeric nbf',
      `${header}.${encodePart(makeAliceClaims({ nbf: true }))}.c2ln`,
      /"nbf" is not a number/,
    ],
  ];
  for (const [name, token, reason] of cases) {
    it(`rejects ${name}`, async () => {
      const identity = await resolveFromEnv(token);
      assert.equal(identity.status, 'invalid');
      assert.match(identity.reason ?? '', /^malformed token: /);
      assert.match(identity.reason ?? '', reason);
      assert.equal(identity.user, undefined);
      assert.equal(identity.claims, undefined);
    });
  }

  it('rejects malformed tokens the same way when a key set is configured', async () => {
    const identity = await resolveFromEnv('a.b', { jwksFile: '/does/not/matter.json' });
    assert.equal(identity.status, 'invalid');
    assert.match(identity.reason ?? '', /^malformed token: expected three dot-separated parts/);
  });

  it('does not echo the token text in a JSON error', async () => {
    const secretish = Buffer.from('{"alg":"RS256", SECRET-MATERIAL').toString('base64url');
    const identity = await resolveFromEnv(`${secretish}.${payload}.c2ln`);
    assert.equal(identity.status, 'invalid');
    assert.doesNotMatch(JSON.stringify(identity), /SECRET-MATERIAL/);
  });

  it('reports a token without sub as invalid', async () => {
    const identity = await resolveFromEnv(
      `${header}.${encodePart(makeAliceClaims({ sub: undefined }))}.c2ln`,
    );
    assert.equal(identity.status, 'invalid');
    assert.equal(identity.reason, 'token has no "sub" claim, so it names no user');
  });
});

describe('without a key set, tokens are decoded but not verified', () => {
  it('returns unverified with the decoded claims and user', async () => {
    const claims = makeAliceClaims();
    const identity = await resolveFromEnv(`${header}.${encodePart(claims)}.c2ln`);
    assert.equal(identity.status, 'unverified');
    assert.equal(identity.reason, 'no key configured: token not verified');
    assert.deepEqual(identity.claims, claims);
    assert.deepEqual(identity.user, ALICE_USER);
    assert.equal(identity.issuer, 'https://id.test.example');
    assert.equal(identity.expiresAt, claims.exp);
    assert.equal(identity.issuedAt, claims.iat);
  });

  it('still honours exp: an expired unverified token is expired', async () => {
    const claims = makeAliceClaims({ exp: NOW_MS / 1000 - 180 });
    const identity = await resolveFromEnv(`${header}.${encodePart(claims)}.c2ln`);
    assert.equal(identity.status, 'expired');
    assert.match(identity.reason ?? '', /^token expired 3 minutes ago/);
    assert.equal(identity.user?.id, 'alice');
    assert.equal(identity.expiresAt, claims.exp);
  });

  it('allows the default 60 s of clock skew on exp', async () => {
    const claims = makeAliceClaims({ exp: NOW_MS / 1000 - 30 });
    const identity = await resolveFromEnv(`${header}.${encodePart(claims)}.c2ln`);
    assert.equal(identity.status, 'unverified');
  });

  it('rejects an unverified token whose nbf is in the future', async () => {
    const claims = makeAliceClaims({ nbf: NOW_MS / 1000 + 7200 });
    const identity = await resolveFromEnv(`${header}.${encodePart(claims)}.c2ln`);
    assert.equal(identity.status, 'invalid');
    assert.equal(identity.reason, 'token is not valid yet: it becomes valid in 2 hours');
  });
});
