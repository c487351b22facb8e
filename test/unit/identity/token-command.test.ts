/**
 * The token-command source, run for real: a small Node script stands in for a company CLI or
 * `gcloud auth print-identity-token`. It prints a JWT, JSON `{token, expires_at}`, hangs, fails,
 * or floods its output; every run is counted in a file so caching can be checked.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type IdentitySettings, resolveIdentity } from '../../../server/src/identity';
import {
  clearTokenCommandCache,
  DEFAULT_TOKEN_COMMAND_TIMEOUT_MS,
} from '../../../server/src/identity/token-command';
import {
  makeAliceClaims,
  makeKey,
  makeTempDir,
  NOW_MS,
  NOW_SECONDS,
  signToken,
  type TempDir,
} from './fixtures';

/** The stand-in CLI: `mode` picks what it does; each run appends a line to runs.log. */
const SCRIPT = `
const fs = require('node:fs');
const [mode, value] = process.argv.slice(2);
fs.appendFileSync('runs.log', mode + '\\n');
if (mode === 'jwt') process.stdout.write(value + '\\n');
else if (mode === 'json') process.stdout.write(JSON.stringify({ token: value, expires_at: Number(process.argv[4]) }));
else if (mode === 'hang') setTimeout(() => {}, 60_000);
else if (mode === 'fail') { process.stderr.write('error: you are not logged in; run corp login\\n'); process.exit(3); }
else if (mode === 'fail-with-token') { process.stderr.write('refresh failed for ' + value + '\\n'); process.exit(1); }
else if (mode === 'huge') process.stdout.write('A'.repeat(2 * 1024 * 1024));
else if (mode === 'words') process.stdout.write('your token is ' + value);
`;

describe('token command', () => {
  let dir: TempDir;
  let script: string;
  let token: string;
  const command = (...args: string[]) => [process.execPath, script, ...args];
  const resolveWith = (settings: IdentitySettings, nowMs = NOW_MS) =>
    resolveIdentity(settings, { baseDir: dir.path, env: { PATH: process.env.PATH }, now: () => nowMs });
  const runs = () => readFileSync(`${dir.path}/runs.log`, 'utf8').split('\n').filter(Boolean).length;

  before(async () => {
    dir = await makeTempDir();
    script = await dir.write('corp-token.js', SCRIPT);
    token = await signToken(makeAliceClaims(), await makeKey('k1'));
  });
  after(() => dir.remove());
  beforeEach(async () => {
    clearTokenCommandCache();
    await dir.write('runs.log', '');
  });

  it('reads a JWT printed on standard output', async () => {
    const identity = await resolveWith({ tokenCommand: command('jwt', token) });
    assert.equal(identity.status, 'unverified');
    assert.equal(identity.user?.id, 'alice');
    assert.equal(identity.source.kind, 'command');
    assert.equal(identity.source.label, 'token command node (+3 arguments)');
  });

  it('reads JSON {token, expires_at}', async () => {
    const identity = await resolveWith({ tokenCommand: command('json', token, String(NOW_SECONDS + 900)) });
    assert.equal(identity.status, 'unverified');
    assert.equal(identity.user?.email, 'alice@example.com');
  });

  it('runs the command once and reuses its token until a minute before it expires', async () => {
    const settings = { tokenCommand: command('jwt', token) };
    await resolveWith(settings);
    await resolveWith(settings, NOW_MS + 60_000);
    assert.equal(runs(), 1);
    // The token's exp is NOW + 3600 s: at NOW + 3541 s it is within a minute of expiry.
    await resolveWith(settings, NOW_MS + 3541_000);
    assert.equal(runs(), 2);
  });

  it('shares one run among resolves that ask at the same time', async () => {
    const settings = { tokenCommand: command('jwt', token) };
    await Promise.all([resolveWith(settings), resolveWith(settings), resolveWith(settings)]);
    assert.equal(runs(), 1);
  });

  const failures: Array<{
    name: string;
    args: string[];
    status: string;
    reason: RegExp;
    timeoutMs?: number;
  }> = [
    {
      name: 'a command that hangs is stopped at its timeout',
      args: ['hang'],
      timeoutMs: 500,
      status: 'missing',
      reason: /^token command node \(\+2 arguments\) timed out after 500 ms and was stopped$/,
    },
    {
      name: 'a non-zero exit is reported with the first line of standard error',
      args: ['fail'],
      status: 'missing',
      reason:
        /^token command node \(\+2 arguments\) exited with code 3: error: you are not logged in; run corp login$/,
    },
    {
      name: 'huge output is cut off',
      args: ['huge'],
      status: 'missing',
      reason: /printed more than 68 KB and was stopped$/,
    },
    {
      name: 'output that is not a token alone is malformed',
      args: ['words', 'secret'],
      status: 'invalid',
      reason: /^malformed token: token command .* printed more than one word; it must print the token alone$/,
    },
    {
      name: 'a program that does not exist is named',
      args: [],
      status: 'missing',
      reason: /was not found \(is it installed and on PATH\?\)/,
    },
  ];
  for (const failure of failures) {
    it(failure.name, async () => {
      const tokenCommand = failure.args.length === 0 ? ['/no/such/corp-cli'] : command(...failure.args);
      const started = Date.now();
      const identity = await resolveWith({
        tokenCommand,
        ...(failure.timeoutMs ? { tokenCommandTimeoutMs: failure.timeoutMs } : {}),
      });
      // A command given a timeout is stopped at it, not at the default; the others end when the
      // command does (starting a process took seconds on a loaded machine: no bound on them).
      if (failure.timeoutMs)
        assert.ok(Date.now() - started < DEFAULT_TOKEN_COMMAND_TIMEOUT_MS, `took ${Date.now() - started} ms`);
      assert.equal(identity.status, failure.status, identity.reason);
      assert.match(identity.reason ?? '', failure.reason);
    });
  }

  it('blanks a token out of the standard error it reports', async () => {
    const identity = await resolveWith({ tokenCommand: command('fail-with-token', token) });
    assert.equal(identity.status, 'missing');
    assert.match(identity.reason ?? '', /exited with code 1: refresh failed for \[token-like text\]$/);
    assert.ok(!JSON.stringify(identity).includes(token.split('.')[1] ?? 'x'));
  });

  const precedence: Array<{ name: string; settings: IdentitySettings; kind: string }> = [
    {
      name: 'auto prefers the command over the file and the environment',
      settings: { source: 'auto' },
      kind: 'command',
    },
    { name: 'source "file" uses only the file', settings: { source: 'file' }, kind: 'file' },
    { name: 'source "env" uses only the environment', settings: { source: 'env' }, kind: 'env' },
  ];
  for (const row of precedence) {
    it(row.name, async () => {
      await dir.write('alice.jwt', token);
      const identity = await resolveIdentity(
        { tokenCommand: command('jwt', token), tokenFile: 'alice.jwt', tokenEnv: 'T', ...row.settings },
        { baseDir: dir.path, env: { T: token }, now: () => NOW_MS },
      );
      assert.equal(identity.source.kind, row.kind);
      assert.equal(identity.status, 'unverified');
    });
  }

  it('auto falls back to the file when the command fails', async () => {
    await dir.write('alice.jwt', token);
    const identity = await resolveWith({ tokenCommand: command('fail'), tokenFile: 'alice.jwt' });
    assert.equal(identity.source.kind, 'file');
    assert.equal(identity.status, 'unverified');
  });

  it('auto takes the sign-in session first', async () => {
    const identity = await resolveIdentity(
      { tokenCommand: command('jwt', 'not-used'), tokenEnv: 'T' },
      { baseDir: dir.path, env: { T: 'x' }, now: () => NOW_MS, sessionToken: token },
    );
    assert.equal(identity.source.kind, 'signin');
    assert.equal(identity.status, 'unverified');
    assert.equal(runs(), 0);
  });

  it('says what is missing when the chosen source is not configured', async () => {
    const identity = await resolveWith({ source: 'command' });
    assert.equal(identity.status, 'missing');
    assert.equal(
      identity.reason,
      'the token source is "command", but clearance.identity.tokenCommand is empty',
    );
  });
});
