/**
 * The CLI run in-process on examples/shop. Expected verdicts follow from examples/shop/policy/authz.rego
 * (see the README's sample-workspace section), and `policy eval`'s output shape from `opa eval`'s.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../../server/src/cli/main';
import { freezeWallClock } from '../../support/frozen-clock';

// Decisions, not their speed: evaluation limits and budgets cannot fire on a loaded machine.
freezeWallClock();

const shop = join(__dirname, '..', '..', '..', 'examples', 'shop');
// Scans write audit records; keep them out of the real home folder.
process.env.CLEARANCE_AUDIT_FILE = join(mkdtempSync(join(tmpdir(), 'clearance-audit-')), 'audit.jsonl');

/**
 * Runs the CLI; a scan of a folder with settings gets `--settings` naming them: the repository's own
 * identity settings are never read by a scan, the person running it vouches for them this way.
 */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const settingsFile = argv[0] === 'scan' && argv[1] ? join(argv[1], '.vscode', 'settings.json') : '';
  if (settingsFile && existsSync(settingsFile)) argv.push('--settings', settingsFile);
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** The sample workspace's identity as flags: token, keys, issuer and audience. */
function shopIdentityFlags(dir: string): string[] {
  return [
    '--token-file',
    join(dir, 'identity', 'alice.jwt'),
    '--jwks-file',
    join(dir, 'identity', 'jwks.json'),
    '--issuer',
    'https://id.example.com',
    '--audience',
    'clearance-demo',
  ];
}

describe('clearance scan', () => {
  it('prints every call of examples/shop with its decision for alice and exits 1 because one is denied', async () => {
    const { code, out, err } = await run('scan', shop);
    assert.equal(code, 1, err);
    assert.match(out, /alice@example\.com · developer/);
    // Named from the working folder (the repository's root), as linters name files.
    const verdicts = [...out.matchAll(/^examples\/shop\/src\/\S+:\d+:\d+\s+(\w+)\s+(\w+) (\S+)/gm)].map(
      (m) => `${m[1]} ${m[2]} ${m[3]}`,
    );
    assert.deepEqual(verdicts.sort(), [
      'CONDITIONAL GET /api/admin/reports',
      'CONDITIONAL GET /api/orders/{id}',
      'CONDITIONAL PATCH /api/orders/{id}',
      'DENIED DELETE /api/orders/{id}',
    ]);
    assert.match(out, /4 call\(s\) in \d+ file\(s\) scanned: 0 allowed, 1 denied, 3 conditional, 0 error/);
  });

  it('writes JSON with the input, the verdict and the deciding rule of each call', async () => {
    const { code, out } = await run('scan', shop, '--format', 'json');
    assert.equal(code, 1);
    const report = JSON.parse(out) as {
      identity: { status: string };
      calls: Array<{
        call: string;
        verdict: string;
        input: { action: string };
        rules: Array<{ text: string; line: number }>;
      }>;
    };
    assert.equal(report.identity.status, 'verified');
    const del = report.calls.find((c) => c.call === 'DELETE /api/orders/{id}');
    assert.equal(del?.verdict, 'denied');
    assert.equal(del?.input.action, 'delete');
    assert.equal(del?.rules[0]?.text, 'default allow := false');
  });

  it('allows everything for the admin token given as a flag, and exits 0', async () => {
    const { code, out } = await run('scan', shop, '--token-file', join(shop, 'identity', 'bob.jwt'));
    assert.equal(code, 0, out);
    assert.match(out, /4 call\(s\) in \d+ file\(s\) scanned: 4 allowed, 0 denied/);
    assert.match(out, /allowed by allow if input\.user\.role == "admin"/);
  });

  it('refuses to decide with an unusable identity (exit 2), and never prints a token pasted as a path', async () => {
    const token = readFileSync(join(shop, 'identity', 'alice.jwt'), 'utf8').trim();
    const { code, out, err } = await run('scan', shop, '--token-file', token);
    assert.equal(code, 2);
    assert.match(err, /no usable identity \(invalid/);
    for (const text of [out, err])
      assert.ok(!text.includes(token.split('.')[2] as string), 'the token was printed');
  });

  it('refuses to decide with a policy that did not load whole (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearance-scan-'));
    cpSync(shop, dir, { recursive: true });
    writeFileSync(join(dir, 'policy', 'data.json'), '{"blocked": ["alice",]}');
    const { code, err } = await run('scan', dir);
    assert.equal(code, 2);
    assert.match(err, /data\.json:1:\d+: data_parse_error/);
  });

  it("never lets a repository's settings turn http.send on: the policy's call stops with the setting's name", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearance-scan-'));
    cpSync(shop, dir, { recursive: true });
    const settingsFile = join(dir, '.vscode', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    settings['clearance.evaluation.allowHttpSend'] = true;
    writeFileSync(settingsFile, JSON.stringify(settings));
    writeFileSync(
      join(dir, 'policy', 'exfiltrate.rego'),
      'package api.authz\n\nallow if http.send({"method": "GET", "url": "http://127.0.0.1:9/"}).status_code == 200\n',
    );
    // Identity from flags, so the repository's settings (allowHttpSend among them) are read as a repository's.
    let out = '';
    let err = '';
    const code = await runCli(['scan', dir, '--format', 'json', ...shopIdentityFlags(dir)], {
      out: (t) => (out += t),
      err: (t) => (err += t),
    });
    assert.match(err, /clearance\.evaluation\.allowHttpSend.* ignored/);
    assert.equal(code, 2, 'calls whose policy needs the network are undecided');
    assert.match(out, /clearance\.evaluation\.allowHttpSend/);
  });

  it('says so when the folder does not exist (exit 2)', async () => {
    const { code, err } = await run('scan', join(shop, 'no-such-folder'));
    assert.equal(code, 2);
    assert.match(err, /no such directory/);
  });

  it('rejects an unknown format as a usage error (exit 64), not as an untrusted scan (2)', async () => {
    const { code } = await run('scan', shop, '--format', 'xml');
    assert.equal(code, 64);
  });

  it('exits 70 on a failure of its own (here: stdout cannot be written), distinct from every result and usage code', async () => {
    let err = '';
    const code = await runCli(['policy', 'eval', '1 + 1'], {
      out: () => {
        throw new Error('write EPIPE');
      },
      err: (t) => {
        err += t;
      },
    });
    assert.equal(code, 70);
    assert.match(err, /^clearance: internal error: write EPIPE$/m);
  });
});

describe('clearance policy', () => {
  it("runs the sample's tests as README shows (policy test examples/shop/policy): every one passes", async () => {
    const { code, out, err } = await run('policy', 'test', '--fail-on-empty', '-v', join(shop, 'policy'));
    assert.equal(code, 0, err);
    assert.match(out, /^data\.api\.authz_test\.test_owner_may_not_delete_own_order: PASS /m);
    assert.match(out, /^PASS: 7\/7$/m);
  });

  const inputFile = (input: unknown) => {
    const file = join(mkdtempSync(join(tmpdir(), 'clearance-cli-')), 'input.json');
    writeFileSync(file, JSON.stringify(input));
    return file;
  };
  /** Runs `policy eval` of a query on the sample policy, with `input` (if any) given as a file. */
  const runEval = (query: string, input?: unknown) => {
    const inputArgs = input === undefined ? [] : ['-i', inputFile(input)];
    return run('policy', 'eval', '-d', join(shop, 'policy'), ...inputArgs, query);
  };

  it('eval prints a result shaped like opa eval', async () => {
    const input = { user: { role: 'admin' }, action: 'delete', resource: { type: 'order' } };
    const { code, out } = await runEval('data.api.authz.allow', input);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(out), {
      result: [
        { expressions: [{ value: true, text: 'data.api.authz.allow', location: { row: 1, col: 1 } }] },
      ],
    });
  });

  it('eval reports variable bindings', async () => {
    const input = {
      user: { id: 'alice', role: 'developer' },
      action: 'read',
      resource: { owner_id: 'alice' },
    };
    const { out } = await runEval('x := data.api.authz.allow', input);
    const parsed = JSON.parse(out) as { result: Array<{ bindings: Record<string, unknown> }> };
    assert.deepEqual(parsed.result[0]?.bindings, { x: true });
  });

  it('eval of an undefined ref prints an empty object, as opa eval does', async () => {
    const { code, out } = await runEval('data.api.authz.nothing_here');
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(out), {});
  });

  it('check prints file:line:col: code: message and exits 1 on a broken policy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearance-check-'));
    writeFileSync(join(dir, 'bad.rego'), 'package p\n\nallow if {\n  input.x ==\n}\n');
    const { code, err } = await run('policy', 'check', dir);
    assert.equal(code, 1);
    assert.match(
      err,
      new RegExp(`${join(dir, 'bad.rego').replace(/[/.]/g, '\\$&')}:\\d+:\\d+: rego_parse_error: `),
    );
  });

  it("eval of the README's example allows alice to read her own order", async () => {
    const input = join(shop, 'inputs', 'alice-reads-her-order.json');
    const { code, out } = await run(
      'policy',
      'eval',
      '-d',
      join(shop, 'policy'),
      '-i',
      input,
      'data.api.authz.allow',
    );
    assert.equal(code, 0);
    assert.equal(
      (JSON.parse(out) as { result: Array<{ expressions: Array<{ value: unknown }> }> }).result[0]
        ?.expressions[0]?.value,
      true,
    );
  });

  it('eval without -d loads nothing, as opa eval does', async () => {
    const { code, out } = await run('policy', 'eval', 'data');
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(out), {
      result: [{ expressions: [{ value: {}, text: 'data', location: { row: 1, col: 1 } }] }],
    });
  });

  it('check passes the sample policy and its tests (authz.rego, authz_test.rego)', async () => {
    const { code, out } = await run('policy', 'check', join(shop, 'policy'));
    assert.equal(code, 0);
    assert.match(out, /2 file\(s\) checked, no errors/);
  });
});

describe('clearance --help', () => {
  it('lists the commands and exits 0', async () => {
    const { code, out } = await run('--help');
    assert.equal(code, 0);
    for (const word of ['scan', 'policy']) assert.match(out, new RegExp(`\\b${word}\\b`));
  });
});
