import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeIdentity, type IdentitySettings, resolveIdentity } from '../../../server/src/identity';
import {
  encodePart,
  JWKS_FILE_SETTINGS,
  makeAliceClaims,
  makeJwksDir,
  makeKey,
  NOW_MS,
  signToken,
  type TempDir,
} from './fixtures';

/** The shortest run of token text that counts as a leaked fragment. */
const FRAGMENT = 12;

/** Asserts that neither the value nor any 12-character run of it appears in `text`. */
function assertNoLeak(text: string, value: string, name: string): void {
  assert.ok(!text.includes(value), `${name}: the token appears`);
  for (let start = 0; start + FRAGMENT <= value.length; start += 1) {
    const fragment = value.slice(start, start + FRAGMENT);
    assert.ok(!text.includes(fragment), `${name}: the fragment ${JSON.stringify(fragment)} appears`);
  }
}

describe('a token pasted into the token file or token env setting is never echoed', () => {
  let dir: TempDir;
  let token: string;
  /** The same token with a header written `{ "alg": … }`, so that it does not start with `eyJ`. */
  let spacedToken: string;
  const resolveWith = (settings: IdentitySettings, env: NodeJS.ProcessEnv = {}) =>
    resolveIdentity(settings, { baseDir: dir.path, env, now: () => NOW_MS });

  before(async () => {
    const key = await makeKey('k1');
    dir = await makeJwksDir(key);
    token = await signToken(makeAliceClaims(), key);
    const [, payload, signature] = token.split('.');
    spacedToken = `${Buffer.from('{ "alg": "RS256", "kid": "k1" }').toString('base64url')}.${payload}.${signature}`;
    assert.ok(!spacedToken.startsWith('eyJ'));
  });
  after(() => dir.remove());

  it('refuses a token given as the token file, with a redacted label', async () => {
    const cases: Array<[string, string]> = [
      ['the token', token],
      ['the token with a trailing newline', `${token}\n`],
      ['the token resolved to an absolute path (as the CLI does)', join(dir.path, token)],
      ['a token whose header does not start with eyJ', spacedToken],
    ];
    for (const [name, tokenFile] of cases) {
      const identity = await resolveWith({ tokenFile, ...JWKS_FILE_SETTINGS });
      assert.equal(identity.status, 'invalid', name);
      assert.equal(
        identity.reason,
        'the token file setting holds a token, not a path: put the token in a file and name the file',
        name,
      );
      assert.deepEqual(
        identity.source,
        { kind: 'file', label: 'token file (a token was given instead of a path)' },
        name,
      );
      for (const value of [token, spacedToken]) {
        assertNoLeak(JSON.stringify(identity), value, name);
        assertNoLeak(describeIdentity(identity, NOW_MS), value, name);
      }
    }
  });

  it('does not fall back to the environment variable when the token file setting holds a token', async () => {
    const identity = await resolveWith(
      { tokenFile: token, tokenEnv: 'CLEARANCE_TOKEN', ...JWKS_FILE_SETTINGS },
      { CLEARANCE_TOKEN: token },
    );
    assert.equal(identity.status, 'invalid');
    assertNoLeak(JSON.stringify(identity), token, 'file and env');
  });

  it('refuses a token given as the token env setting, with a redacted label', async () => {
    const cases: Array<[string, string]> = [
      ['the token', token],
      ['the token with surrounding spaces', `  ${token} `],
      ['a token whose header does not start with eyJ', spacedToken],
      ['NAME=token', `CLEARANCE_TOKEN=${token}`],
      ['an opaque 300-character value', 'Q'.repeat(100) + 'r'.repeat(100) + 'S'.repeat(100)],
    ];
    for (const [name, tokenEnv] of cases) {
      // Even an environment holding a variable of that name must not be read.
      const identity = await resolveWith({ tokenEnv, ...JWKS_FILE_SETTINGS }, { [tokenEnv]: token });
      assert.equal(identity.status, 'invalid', name);
      assert.equal(
        identity.reason,
        'the token environment variable setting holds a token, not a variable name: put the token in an environment variable and name the variable',
        name,
      );
      assert.deepEqual(
        identity.source,
        { kind: 'env', label: 'environment variable (a token was given instead of a name)' },
        name,
      );
      for (const value of [token, spacedToken, tokenEnv.trim()]) {
        assertNoLeak(JSON.stringify(identity), value, name);
        assertNoLeak(describeIdentity(identity, NOW_MS), value, name);
      }
    }
  });

  it('refuses an env setting that cannot be a variable name without echoing it', async () => {
    const identity = await resolveWith({ tokenEnv: 'CLEARANCE_TOKEN=s3cr3t-opaque-value' });
    assert.equal(identity.status, 'invalid');
    assert.match(identity.reason ?? '', /is not a variable name/);
    assert.doesNotMatch(JSON.stringify(identity), /s3cr3t/);
  });

  it('still accepts ordinary paths and names, including a.b.c file names', async () => {
    await dir.write('example.alice.jwt', token);
    const fromFile = await resolveWith({ tokenFile: 'example.alice.jwt', ...JWKS_FILE_SETTINGS });
    assert.equal(fromFile.status, 'verified');
    assert.deepEqual(fromFile.source, { kind: 'file', label: 'token file example.alice.jwt' });
    const fromEnv = await resolveWith({ tokenEnv: 'MY_TOKEN', ...JWKS_FILE_SETTINGS }, { MY_TOKEN: token });
    assert.equal(fromEnv.status, 'verified');
    assert.deepEqual(fromEnv.source, { kind: 'env', label: 'environment variable MY_TOKEN' });
  });

  it('refuses a path with a token embedded in it, without echoing either', async () => {
    const inner = `${encodePart({ typ: 'JWT' })}.${encodePart({ sub: 'x' })}`;
    const identity = await resolveWith({ tokenFile: `secrets/${inner}.x/alice.jwt` });
    assert.equal(identity.status, 'invalid');
    assertNoLeak(JSON.stringify(identity), inner, 'embedded');
  });

  it('replaces control characters in labels and reasons', async () => {
    const identity = await resolveWith({ tokenFile: 'nope\n\u202e.jwt' });
    assert.equal(identity.status, 'missing');
    assert.equal(identity.source.label, 'token file nope  .jwt');
    assert.equal(identity.reason, 'token file nope  .jwt does not exist');
  });
});
