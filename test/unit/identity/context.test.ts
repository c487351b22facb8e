/**
 * `input.context`'s identity fields. Expected local times come from the IANA rules for each zone
 * (Europe/Berlin is UTC+1 in winter, UTC+2 in summer; Asia/Kolkata is UTC+5:30 all year), MFA from
 * RFC 8176's `amr` values, and the device from what the probe program prints.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Identity } from '../../../server/src/identity';
import { buildIdentityContext } from '../../../server/src/identity/context';
import { clearDeviceCache, probeDevice } from '../../../server/src/identity/device';
import { makeTempDir, type TempDir } from './fixtures';

const base: Identity = { status: 'verified', source: { kind: 'env', label: 'environment variable T' } };

describe('input.context time fields', () => {
  const cases: Array<{ at: string; zone: string; hour: number; weekday: string; local: string }> = [
    {
      at: '2026-01-10T02:30:00Z',
      zone: 'Europe/Berlin',
      hour: 3,
      weekday: 'Saturday',
      local: '2026-01-10T03:30:00+01:00',
    },
    {
      at: '2026-07-10T02:30:00Z',
      zone: 'Europe/Berlin',
      hour: 4,
      weekday: 'Friday',
      local: '2026-07-10T04:30:00+02:00',
    },
    {
      at: '2026-03-01T20:00:00Z',
      zone: 'Asia/Kolkata',
      hour: 1,
      weekday: 'Monday',
      local: '2026-03-02T01:30:00+05:30',
    },
    {
      at: '2026-03-01T03:00:00Z',
      zone: 'America/New_York',
      hour: 22,
      weekday: 'Saturday',
      local: '2026-02-28T22:00:00-05:00',
    },
    {
      at: '2026-03-01T03:00:00Z',
      zone: 'UTC',
      hour: 3,
      weekday: 'Sunday',
      local: '2026-03-01T03:00:00+00:00',
    },
  ];
  for (const row of cases) {
    it(`${row.at} in ${row.zone} is ${row.weekday} ${row.hour}h`, () => {
      const context = buildIdentityContext({ ...base, timeZone: row.zone }, new Date(row.at));
      assert.equal(context.time_zone, row.zone);
      assert.equal(context.hour, row.hour);
      assert.equal(context.weekday, row.weekday);
      assert.equal(context.local_time, row.local);
    });
  }
});

describe('input.context identity fields', () => {
  const now = new Date('2026-01-10T12:00:00Z');
  const nowSeconds = now.getTime() / 1000;
  const cases: Array<{ name: string; identity: Partial<Identity>; expect: Record<string, unknown> }> = [
    {
      name: 'amr with mfa: mfa true, the amr list passed on',
      identity: { claims: { amr: ['pwd', 'mfa'] } },
      expect: { mfa: true, amr: ['pwd', 'mfa'] },
    },
    {
      name: 'amr with a one-time code: mfa true',
      identity: { claims: { amr: ['pwd', 'otp'] } },
      expect: { mfa: true },
    },
    {
      name: 'amr with a hardware key: mfa true',
      identity: { claims: { amr: ['hwk'] } },
      expect: { mfa: true },
    },
    { name: 'a password alone: mfa false', identity: { claims: { amr: ['pwd'] } }, expect: { mfa: false } },
    { name: 'no amr claim: mfa unknown (null)', identity: { claims: {} }, expect: { mfa: null, amr: [] } },
    {
      name: 'auth_time 15 minutes ago: auth_age_seconds 900',
      identity: { claims: { auth_time: nowSeconds - 900 } },
      expect: { auth_age_seconds: 900 },
    },
    {
      name: 'no auth_time: auth_age_seconds null',
      identity: { claims: {} },
      expect: { auth_age_seconds: null },
    },
    {
      name: 'exp in 10 minutes: expiry and seconds left',
      identity: { expiresAt: nowSeconds + 600 },
      expect: { token_expires_at: '2026-01-10T12:10:00.000Z', token_seconds_left: 600 },
    },
    {
      name: 'an invalid token gives no claims-derived context',
      identity: { status: 'invalid', claims: { amr: ['mfa'] }, expiresAt: nowSeconds + 600 },
      expect: { mfa: null, token_expires_at: null, token_seconds_left: null },
    },
    { name: 'no device probe: managed unknown (null)', identity: {}, expect: { device: { managed: null } } },
    {
      name: 'a probe that said managed, with its facts',
      identity: { device: { managed: true, facts: { compliant: true, os: 'macOS' } } },
      expect: { device: { compliant: true, os: 'macOS', managed: true } },
    },
  ];
  for (const row of cases) {
    it(row.name, () => {
      const context = buildIdentityContext({ ...base, timeZone: 'UTC', ...row.identity }, now);
      for (const [field, value] of Object.entries(row.expect)) assert.deepEqual(context[field], value, field);
    });
  }
});

describe('device probe', () => {
  let dir: TempDir;
  let script: string;
  const probe = (...args: string[]) =>
    probeDevice([process.execPath, script, ...args], { baseDir: dir.path, env: {}, nowMs: Date.now() });

  before(async () => {
    dir = await makeTempDir();
    script = await dir.write(
      'probe.js',
      `const [mode] = process.argv.slice(2);
      if (mode === 'hang') setTimeout(() => {}, 60000);
      else if (mode === 'fail') process.exit(2);
      else process.stdout.write(mode);`,
    );
  });
  after(() => dir.remove());

  const cases: Array<[string, string, { managed: boolean | null; facts?: object; reason?: RegExp }]> = [
    ['true', 'prints true', { managed: true, facts: {} }],
    ['false', 'prints false', { managed: false, facts: {} }],
    [
      '{"managed":true,"compliant":false,"os":"Linux"}',
      'prints an object',
      { managed: true, facts: { compliant: false, os: 'Linux' } },
    ],
    ['{"os":"Linux"}', 'prints no managed field', { managed: null, reason: /printed no boolean "managed"$/ }],
    ['managed', 'prints text that is not JSON', { managed: null, reason: /did not print JSON$/ }],
    ['fail', 'exits non-zero', { managed: null, reason: /exited with code 2$/ }],
  ];
  for (const [output, name, expected] of cases) {
    it(`says ${String(expected.managed)} when the probe ${name}`, async () => {
      clearDeviceCache();
      const state = await probe(output);
      assert.equal(state.managed, expected.managed);
      if (expected.facts) assert.deepEqual(state.facts, expected.facts);
      if (expected.reason) assert.match(state.reason ?? '', expected.reason);
    });
  }

  it('reuses its answer instead of running the probe again', async () => {
    clearDeviceCache();
    assert.equal((await probe('true')).managed, true);
    await dir.write('probe.js', 'process.stdout.write("false")');
    assert.equal((await probe('true')).managed, true);
  });
});
