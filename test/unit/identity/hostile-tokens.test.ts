/**
 * The hostile-token suite: one table of attacks, each resolved against a JWKS file of real keys
 * and each rejected with its own reason, without a crash, a hang or a user. What each case must be
 * follows from the specifications: RFC 8725 3.1-3.2 (no `none`, no HMAC keyed with a public key),
 * RFC 7519 4.1 (iss, aud, exp, nbf, iat), RFC 7515 5.2 (the signature covers header and payload).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Identity, resolveIdentity } from '../../../server/src/identity';
import { withCpuTime } from '../../support/cpu-time';
import {
  AUDIENCE,
  encodePart,
  ISSUER,
  JWKS_FILE_SETTINGS,
  makeAliceClaims,
  makeHs256WithPublicKey,
  makeJwksDir,
  makeKey,
  makeUnsignedToken,
  NOW_MS,
  NOW_SECONDS,
  signToken,
  type TempDir,
  type TestKey,
  tamperPayload,
} from './fixtures';

/** One attack: how to build the token, the status it must get, and its reason. */
interface HostileCase {
  name: string;
  make: (key: TestKey) => Promise<string> | string;
  status: Identity['status'];
  reason: string | RegExp;
}

const header = encodePart({ alg: 'RS256', typ: 'JWT', kid: 'k1' });

const cases: HostileCase[] = [
  {
    name: 'alg none',
    make: () => makeUnsignedToken(makeAliceClaims(), 'k1'),
    status: 'invalid',
    reason: 'token is unsigned (alg "none"); unsigned tokens are never accepted',
  },
  {
    name: 'HS256 signed with the RSA public key (key confusion)',
    make: (key) => makeHs256WithPublicKey(makeAliceClaims({ role: 'admin' }), key),
    status: 'invalid',
    reason: 'token is signed with HS256, a shared-secret algorithm, which is never accepted with public keys',
  },
  {
    name: 'a wrong issuer',
    make: (key) => signToken(makeAliceClaims({ iss: 'https://evil.example' }), key),
    status: 'invalid',
    reason: `token issuer "https://evil.example" is not the expected issuer "${ISSUER}"`,
  },
  {
    name: 'a wrong audience',
    make: (key) => signToken(makeAliceClaims({ aud: 'some-other-app' }), key),
    status: 'invalid',
    reason: `token audience "some-other-app" does not include the expected audience "${AUDIENCE}"`,
  },
  {
    name: 'an expired token (exp 3 minutes ago, beyond the 60 s skew)',
    make: (key) => signToken(makeAliceClaims({ exp: NOW_SECONDS - 180 }), key),
    status: 'expired',
    reason: 'token expired 3 minutes ago',
  },
  {
    name: 'nbf in the future',
    make: (key) => signToken(makeAliceClaims({ nbf: NOW_SECONDS + 600 }), key),
    status: 'invalid',
    reason: 'token is not valid yet: it becomes valid in 10 minutes',
  },
  {
    name: 'iat in the future',
    make: (key) => signToken(makeAliceClaims({ iat: NOW_SECONDS + 3600, exp: NOW_SECONDS + 7200 }), key),
    status: 'invalid',
    reason: 'token was issued in the future (iat is 1 hour ahead of this clock)',
  },
  {
    name: 'an unknown kid',
    make: async () => signToken(makeAliceClaims(), await makeKey('unknown-kid')),
    status: 'invalid',
    reason: `no key in jwks.json matches the token's kid "unknown-kid"`,
  },
  {
    name: 'a tampered payload (role raised to admin)',
    make: async (key) =>
      tamperPayload(await signToken(makeAliceClaims(), key), makeAliceClaims({ role: 'admin' })),
    status: 'invalid',
    reason: 'signature does not verify against jwks.json',
  },
  {
    name: 'garbage base64 in the header',
    make: () => `!!!$$$.${encodePart(makeAliceClaims())}.c2ln`,
    status: 'invalid',
    reason: 'malformed token: the header is not base64url',
  },
  {
    name: 'a 1 MB token',
    make: () => `${header}.${'A'.repeat(1024 * 1024)}.c2ln`,
    status: 'invalid',
    reason: 'malformed token: environment variable T is longer than 64 KB',
  },
];

describe('hostile tokens are rejected, each with its own reason', () => {
  let dir: TempDir;
  let key: TestKey;
  const reasons = new Map<string, string>();

  before(async () => {
    key = await makeKey('k1');
    dir = await makeJwksDir(key);
  });
  after(() => dir.remove());

  for (const hostile of cases) {
    it(`rejects ${hostile.name}`, async () => {
      const token = await hostile.make(key);
      // CPU, not wall time: a blow-up shows in both, a loaded machine only in the wall clock.
      const { value: identity, cpuMs } = await withCpuTime(() =>
        resolveIdentity(
          { tokenEnv: 'T', ...JWKS_FILE_SETTINGS },
          { baseDir: dir.path, env: { T: token }, now: () => NOW_MS },
        ),
      );
      assert.ok(cpuMs < 2000, `took ${Math.round(cpuMs)} ms of CPU`);
      assert.equal(identity.status, hostile.status, identity.reason);
      if (typeof hostile.reason === 'string') assert.equal(identity.reason, hostile.reason);
      else assert.match(identity.reason ?? '', hostile.reason);
      // Only an expired token keeps who it was for; every other attack names no user at all.
      if (hostile.status !== 'expired') assert.equal(identity.user, undefined);
      reasons.set(hostile.name, identity.reason ?? '');
    });
  }

  it('gives every attack a different reason', () => {
    assert.equal(reasons.size, cases.length);
    assert.equal(new Set(reasons.values()).size, cases.length, JSON.stringify([...reasons]));
  });
});
