/**
 * "Evaluate as": claims from a file make a simulated identity, which is labelled simulated in every
 * place it is described and is never verified, whatever the claims say or which keys are set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeIdentity, resolveIdentity } from '../../../server/src/identity';
import {
  JWKS_FILE_SETTINGS,
  makeAliceClaims,
  makeJwksDir,
  makeKey,
  NOW_MS,
  signToken,
  type TempDir,
} from './fixtures';

describe('evaluate as: a claims file', () => {
  let dir: TempDir;
  let token: string;
  const resolveWith = (claimsFile: string) =>
    resolveIdentity(
      { ...JWKS_FILE_SETTINGS, tokenEnv: 'T', claimsFile },
      { baseDir: dir.path, env: { T: token }, now: () => NOW_MS },
    );

  before(async () => {
    const key = await makeKey('k1');
    dir = await makeJwksDir(key);
    token = await signToken(makeAliceClaims(), key);
    await dir.write(
      'admin.yaml',
      'sub: bob\nemail: bob@example.com\nroles: [admin, oncall]\namr: [pwd, mfa]\n',
    );
    await dir.write(
      'viewer.json',
      JSON.stringify({ sub: 'carol', role: 'viewer', iss: 'https://id.example.com' }),
    );
    await dir.write('broken.yaml', 'sub: bob\n  roles: [admin\n');
    await dir.write('list.json', '["admin"]');
    await dir.write('nosub.json', '{"email": "x@example.com"}');
  });
  after(() => dir.remove());

  it('replaces the real token with the YAML claims, as a simulated identity', async () => {
    const identity = await resolveWith('admin.yaml');
    assert.equal(identity.status, 'simulated');
    assert.equal(identity.simulated, true);
    assert.deepEqual(identity.user, {
      id: 'bob',
      email: 'bob@example.com',
      roles: ['admin', 'oncall'],
      role: 'admin',
    });
    assert.equal(identity.source.kind, 'claims');
    assert.equal(identity.source.label, 'claims file admin.yaml (simulated)');
    assert.match(
      identity.reason ?? '',
      /^simulated: evaluating as the claims in admin\.yaml, not your verified identity$/,
    );
    assert.equal(describeIdentity(identity, NOW_MS), '⚠ bob@example.com · admin (simulated)');
  });

  it('reads JSON claims, and is not verified even with an issuer that matches the configured one', async () => {
    const identity = await resolveWith('viewer.json');
    assert.equal(identity.status, 'simulated');
    assert.notEqual(identity.status, 'verified');
    assert.equal(identity.user?.role, 'viewer');
  });

  const bad: Array<[string, RegExp]> = [
    ['missing.yaml', /claims file missing\.yaml does not exist$/],
    ['broken.yaml', /claims file broken\.yaml is not valid YAML \(line \d+, column \d+\)$/],
    ['list.json', /must hold an object of claims/],
    ['nosub.json', /has no "sub" claim, so it names no user$/],
  ];
  for (const [file, reason] of bad) {
    it(`reports ${file} as an invalid simulated identity, with where and why`, async () => {
      const identity = await resolveWith(file);
      assert.equal(identity.status, 'invalid');
      assert.equal(identity.simulated, true);
      assert.match(identity.reason ?? '', /^simulated identity: /);
      assert.match(identity.reason ?? '', reason);
      assert.equal(identity.user, undefined);
    });
  }
});
