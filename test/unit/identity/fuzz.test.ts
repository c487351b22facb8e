import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { type IdentitySettings, resolveIdentity } from '../../../server/src/identity';
import { encodePart, makeJwks, makeKey, makeTempDir, NOW_MS, type TempDir } from './fixtures';

const STATUSES = ['verified', 'unverified', 'expired', 'invalid', 'missing'];

describe('arbitrary input never throws and never verifies without a signature', () => {
  let dir: TempDir;
  before(async () => {
    dir = await makeTempDir();
    await dir.write('jwks.json', JSON.stringify(makeJwks(await makeKey('k1'))));
  });
  after(() => dir.remove());

  const resolveWith = (token: string, jwksFile?: string) =>
    resolveIdentity({ tokenEnv: 'T', jwksFile }, { baseDir: dir.path, env: { T: token }, now: () => NOW_MS });

  it('resolves any string to a status with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (token) => {
        const identity = await resolveWith(token);
        assert.ok(STATUSES.includes(identity.status));
        if (identity.status !== 'verified') assert.ok(identity.reason);
      }),
      { numRuns: 300 },
    );
  });

  it('never verifies a token built from arbitrary JSON parts and an arbitrary signature', async () => {
    const part = fc.oneof(
      fc.jsonValue().map(encodePart),
      fc.base64String().map((s) => s.replace(/=+$/, '')),
    );
    const header = fc.record({
      alg: fc.constantFrom('RS256', 'ES256', 'none', 'HS256', 'PS256'),
      kid: fc.constant('k1'),
    });
    const payload = fc.dictionary(
      fc.constantFrom('sub', 'exp', 'nbf', 'iss', 'aud', 'roles'),
      fc.jsonValue(),
    );
    const token = fc.oneof(
      fc.tuple(part, part, part).map((parts) => parts.join('.')),
      fc
        .tuple(header, payload, fc.uint8Array({ maxLength: 300 }))
        .map(([h, p, sig]) => `${encodePart(h)}.${encodePart(p)}.${Buffer.from(sig).toString('base64url')}`),
    );
    await fc.assert(
      fc.asyncProperty(token, async (candidate) => {
        const identity = await resolveWith(candidate, 'jwks.json');
        assert.equal(identity.status, 'invalid');
        assert.ok(identity.reason);
        assert.equal(identity.user, undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('tolerates settings of the wrong types', async () => {
    const settings = fc.record({
      tokenFile: fc.anything(),
      tokenEnv: fc.anything(),
      jwksFile: fc.anything(),
      issuer: fc.anything(),
      audience: fc.anything(),
      clockSkewSeconds: fc.anything(),
      algorithms: fc.anything(),
    });
    await fc.assert(
      fc.asyncProperty(settings, async (input) => {
        // Settings arrive from JSON configuration, so their types are not guaranteed at run time.
        const identity = await resolveIdentity(input as IdentitySettings, { baseDir: dir.path, env: {} });
        assert.ok(STATUSES.includes(identity.status));
      }),
      { numRuns: 200 },
    );
  });
});
