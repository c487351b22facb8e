import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  clearJwksCache,
  describeIdentity,
  type IdentitySettings,
  resolveIdentity,
} from '../../../server/src/identity';
import {
  encodePart,
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
  tamperPayload,
} from './fixtures';

/** One hostile or ordinary case: a token and the settings it is resolved under. */
interface LeakCase {
  name: string;
  token: string;
  settings: IdentitySettings;
  via: 'env' | 'file';
  /** Another token hidden inside this one, which must not surface either. */
  inner?: string;
}

/** The shortest run of token text that counts as a leaked fragment. */
const FRAGMENT = 12;

/** Asserts that neither the token nor any 12-character run of any of its parts appears in `text`. */
function assertNoLeak(text: string, token: string, name: string): void {
  assert.ok(!text.includes(token), `${name}: the token appears`);
  for (const [index, part] of token.split('.').entries()) {
    const partName = ['header', 'payload', 'signature'][index] ?? 'part';
    for (let start = 0; start + FRAGMENT <= part.length; start += 4) {
      const fragment = part.slice(start, start + FRAGMENT);
      assert.ok(!text.includes(fragment), `${name}: a fragment of the ${partName} appears`);
    }
  }
}

describe('the raw token never appears in a returned identity', () => {
  let dir: TempDir;
  let key: TestKey;
  let rotated: TestKey;
  let served: TestKey;
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(makeJwks(served)));
  });
  let jwksUrl = '';
  const cases: LeakCase[] = [];

  before(async () => {
    key = await makeKey('k1');
    rotated = await makeKey('k2');
    served = key;
    dir = await makeJwksDir(key);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;

    const file = JWKS_FILE_SETTINGS;
    const good = await signToken(makeAliceClaims(), key);
    const add = (
      name: string,
      token: string,
      settings: IdentitySettings = file,
      via: 'env' | 'file' = 'env',
    ) => cases.push({ name, token, settings, via });
    const embed = (name: string, token: string, settings: IdentitySettings = file) =>
      cases.push({ name, token, settings, via: 'env', inner: good });
    add('verified', good);
    add('verified from a file', good, file, 'file');
    add('unverified', good, {});
    add('unverified expired', await signToken(makeAliceClaims({ exp: NOW_SECONDS - 600 }), key), {});
    add('alg none', makeUnsignedToken(makeAliceClaims(), 'k1'));
    add('HS256 with the public key', await makeHs256WithPublicKey(makeAliceClaims(), key));
    add('wrong issuer', await signToken(makeAliceClaims({ iss: 'https://evil.example' }), key));
    add('wrong audience', await signToken(makeAliceClaims({ aud: 'other' }), key));
    add('expired', await signToken(makeAliceClaims({ exp: NOW_SECONDS - 600 }), key));
    add('nbf in the future', await signToken(makeAliceClaims({ nbf: NOW_SECONDS + 600 }), key));
    add('unknown kid', await signToken(makeAliceClaims(), await makeKey('nobody')));
    add('tampered payload', tamperPayload(good, makeAliceClaims({ role: 'admin' })));
    add('garbage base64', `${good.slice(0, 20)}!!!.${good.slice(30)}`);
    add('1 MB token', `${good}${'A'.repeat(1024 * 1024)}`);
    add('1 MB token in a file', `${good}${'A'.repeat(1024 * 1024)}`, file, 'file');
    add('missing JWKS file', good, { jwksFile: 'absent.json' });
    add('JWKS URL', good, { jwksUrl });
    add('JWKS URL, rotated key', await signToken(makeAliceClaims(), rotated), { jwksUrl });
    add('JWKS URL, unknown kid', await signToken(makeAliceClaims(), await makeKey('k3')), { jwksUrl });
    embed('a token as kid', await signToken(makeAliceClaims(), key, { kid: good }));
    embed('a token as issuer', await signToken(makeAliceClaims({ iss: good }), key));
    embed('a token as audience', await signToken(makeAliceClaims({ aud: [good] }), key));
    // Another alg and other claims, so that no run of the outer token's base64 is also a run of the inner one's.
    const outerHeader = encodePart({ alg: 'ES256' });
    embed('a token as email', `${outerHeader}.${encodePart({ sub: 'alice', email: good })}.c2lnbmF0dXJl`, {});
  });
  after(async () => {
    clearJwksCache();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await dir.remove();
  });

  it('holds across every case', async () => {
    assert.ok(cases.length >= 20);
    const statuses = new Set<string>();
    for (const [index, leakCase] of cases.entries()) {
      if (leakCase.name === 'JWKS URL, rotated key') served = rotated;
      const settings: IdentitySettings = { ...leakCase.settings };
      const env: NodeJS.ProcessEnv = {};
      if (leakCase.via === 'file') {
        await dir.write(`case-${index}.jwt`, leakCase.token);
        settings.tokenFile = `case-${index}.jwt`;
      } else {
        env.CLEARANCE_TOKEN = leakCase.token;
        settings.tokenEnv = 'CLEARANCE_TOKEN';
      }
      const identity = await resolveIdentity(settings, {
        baseDir: dir.path,
        env,
        now: () => NOW_MS,
        jwksCooldownMs: 0,
      });
      statuses.add(identity.status);
      assertNoLeak(JSON.stringify(identity), leakCase.token, leakCase.name);
      assertNoLeak(describeIdentity(identity, NOW_MS), leakCase.token, leakCase.name);
      if (leakCase.inner !== undefined) {
        // Claims are returned as decoded, so only the reason and the status-bar text are checked.
        assertNoLeak(identity.reason ?? '', leakCase.inner, leakCase.name);
        assertNoLeak(describeIdentity(identity, NOW_MS), leakCase.inner, leakCase.name);
      }
      if (identity.status !== 'verified') assert.ok(identity.reason, `${leakCase.name}: no reason`);
    }
    assert.deepEqual([...statuses].sort(), ['expired', 'invalid', 'unverified', 'verified']);
  });
});
