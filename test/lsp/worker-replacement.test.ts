/**
 * After an analysis worker is stopped (deadline) and replaced, the next decision is held to its own
 * deadline for deciding only: the replacement loads the policy first, under the load deadline.
 * The workspace is examples/shop with a policy that never finishes for one file (a loop of 10^8
 * steps) and a package of 1,000 rules that makes compiling the policy take longer than the
 * analysis deadline: decided in a worker that had to start and compile inside that deadline, the
 * edited file would be stopped instead of decided.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import {
  changeDocument,
  openDocument,
  shopIdentitySettings,
  startServer,
  type TestServer,
  waitFor,
} from './lsp-client';

const shop = join(__dirname, '..', '..', 'examples', 'shop');
/** The analysis deadline (CLEARANCE_ANALYSIS_DEADLINE_MS): far above a warm decision, below a cold start. */
const DEADLINE_MS = 700;

const LONG_LOOP = `package api.authz

r := numbers.range(1, 10000)

allow if {
  input.resource.type == "report"
  every i in r {
    every j in r {
      i + j > 0
    }
  }
}
`;

/** 1,000 rules no decision reads: they only make the policy slow to compile. */
const MANY_RULES = `package heavy\n\n${Array.from(
  { length: 1000 },
  (_, i) => `r${i} if { input.resource.id == "x${i}"; count([y | some y in [1, 2, 3]; y > ${i % 3}]) > 0 }`,
).join('\n')}\n`;

describe('a replaced analysis worker loads the policy before its next job', () => {
  let root: string;
  let server: TestServer;
  const saved = process.env.CLEARANCE_ANALYSIS_DEADLINE_MS;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'clearance-worker-replacement-'));
    cpSync(shop, root, { recursive: true });
    await mintDemoIdentity({
      outDir: join(root, 'identity'),
      users: [{ sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' }],
    });
    writeFileSync(join(root, 'policy', 'bomb.rego'), LONG_LOOP);
    writeFileSync(join(root, 'policy', 'heavy.rego'), MANY_RULES);
    process.env.CLEARANCE_ANALYSIS_DEADLINE_MS = String(DEADLINE_MS);
    server = await startServer(root, {
      ...shopIdentitySettings,
      evaluation: { timeoutMs: 30_000, maxSteps: 100_000_000 },
    });
  });
  after(async () => {
    if (saved === undefined) delete process.env.CLEARANCE_ANALYSIS_DEADLINE_MS;
    else process.env.CLEARANCE_ANALYSIS_DEADLINE_MS = saved;
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('decides an edited file right after the worker was stopped on another', async () => {
    const ordersPath = join(root, 'src', 'api', 'orders.ts');
    const ordersText = readFileSync(ordersPath, 'utf8');
    const orders = await openDocument(server, ordersPath, ordersText, 'typescript');
    const denied = (version: number) => () => {
      const published = server.transcript.some(
        (l) => l.includes(`"uri":"${orders}"`) && l.includes(`"version":${version}`),
      );
      return published ? server.diagnostics.get(orders) : undefined;
    };
    const first = await waitFor('the first decisions of orders.ts', denied(1), 60_000);
    assert.ok(
      first.some((d) => d.code === 'call_denied'),
      JSON.stringify([first, server.transcript.filter((l) => !l.startsWith('{'))]).slice(0, 2000),
    );

    const adminPath = join(root, 'src', 'api', 'admin.ts');
    const admin = await openDocument(server, adminPath, readFileSync(adminPath, 'utf8'), 'typescript');
    const stopped = await waitFor(
      'the stopped analysis of admin.ts',
      () => server.diagnostics.get(admin)?.find((d) => /was stopped/.test(String(d.message))),
      30_000,
    );
    assert.equal(stopped.code, 'eval_cancel_error');

    // The edit is decided by the worker that replaced the stopped one.
    await changeDocument(server, orders, 2, `${ordersText}\n// edited\n`);
    const second = await waitFor('the decisions of the edited orders.ts', denied(2), 60_000);
    assert.deepEqual(
      second.filter((d) => d.code === 'eval_cancel_error').map((d) => d.message),
      [],
      'the edited file was stopped: its worker started and compiled the policy inside its deadline',
    );
    assert.deepEqual(
      second.map((d) => d.code),
      first.map((d) => d.code),
    );
  });
});
