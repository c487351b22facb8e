/**
 * The hostile-repository suite, language-server half: the built server over stdio on a copy of
 * examples/shop to which an attacker added a policy that never finishes within the analysis deadline
 * (a loop of 10^8 iterations under generous user limits) or one that doubles a string 28 times (memory),
 * and a `.code-workspace` that names a device command. Asserted: hovers keep being answered (the
 * hopeless file's says it is still deciding or could not decide), the analysis is stopped at its
 * deadline and the file says so, the other file keeps its verdict, the server survives, and no
 * workspace command runs in an untrusted workspace. After a worker is stopped and replaced, the
 * replacement loads the policy before its next job.
 *
 * Nothing here is timed by the test's clock: a hover's wall time measures the machine's load as much
 * as the server (the first verdict hover took 16 s at load 30, against a 13 s bound). The deadline
 * under test is the server's own, read from what it says ("took longer than 3 s"); the verdict is
 * awaited as an event (the file's decisions, then a hover asked again on the server's news while it
 * says it is still deciding); what stopped an analysis, and that a replacement loaded the policy
 * before its next job, is read from the messages and the log in their order.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  changeDocument,
  hoverText,
  openDocument,
  shopIdentitySettings,
  type TestServer,
  until,
  untilAnswer,
} from './lsp-client';
import { type ShopSuite, useShopServer } from './shop-server';

/** The analysis deadline the servers run with (CLEARANCE_ANALYSIS_DEADLINE_MS). */
const DEADLINE_MS = 3000;

// A loop of 10^8 iterations that builds nothing: the user allowed each evaluation 30 s and 10^8
// steps (below), so it really runs until the analysis deadline stops it. (A comparison of two
// self-sharing objects of 2^40 leaves was the example until comparing values became linear, and
// glob.match before that.)
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

/**
 * The index's scan deadline (10 s by default, the worker's start and parser load included) is not
 * under test here (index-scan-workers is): at load 30 it stopped the scan of orders.ts, which then
 * had no calls to hover.
 */
const patientIndexScans = { CLEARANCE_SCAN_DEADLINE_MS: '120000' };

/** The user's limits for the long loop: generous enough that only the analysis deadline stops it. */
const longEvaluation = { evaluation: { timeoutMs: 30_000, maxSteps: 100_000_000 } };

const DOUBLING_BOMB = `package api.authz

s0 := "abcdefgh"
${Array.from({ length: 28 }, (_, i) => `s${i + 1} := concat("", [s${i}, s${i}])`).join('\n')}

allow if count(s28) > 0
`;

/** Hovers and returns the text ('' for none). */
async function hover(server: TestServer, uri: string, at: { line: number; character: number }) {
  return (await hoverText(server, uri, at.line, at.character)) ?? '';
}

/**
 * The hover once it is more than "still deciding": a hover waits 1.5 s (the server's clock) for the
 * file's decisions, which a loaded machine can outlast even right after they were published (a hover
 * decides again at its own time). Asked again after each thing the server says.
 */
async function decidedHover(server: TestServer, uri: string, at: { line: number; character: number }) {
  let text = '';
  return untilAnswer(
    server,
    'a hover past "still deciding"',
    async () => {
      text = await hover(server, uri, at);
      return /still deciding/.test(text) ? undefined : text;
    },
    undefined,
    () => text,
  );
}

/** The 0-based line and column of the first `fetch(` in `text`. */
function fetchAt(text: string, nth = 0): { line: number; character: number } {
  const lines = text.split('\n');
  let seen = 0;
  for (let line = 0; line < lines.length; line++) {
    const character = (lines[line] as string).indexOf('fetch(');
    if (character >= 0 && seen++ === nth) return { line, character: character + 1 };
  }
  throw new Error('no fetch call');
}

/**
 * A suite's server on a shop copy with `bomb` (and `extra` files) under the analysis deadline
 * `deadlineMs` and the long-loop limits; stopped and removed after the suite.
 */
function useLongLoopServer(bomb: string, deadlineMs: number, extra: Record<string, string> = {}): ShopSuite {
  return useShopServer({
    prefix: 'clearance-hostile-lsp-',
    name: 'Alice Example',
    files: { 'policy/bomb.rego': bomb, ...extra },
    deadlineMs,
    env: patientIndexScans,
    settings: { ...shopIdentitySettings, ...longEvaluation },
  });
}

describe('hostile repository: a policy that never finishes (trusted workspace)', () => {
  const suite = useLongLoopServer(LONG_LOOP, DEADLINE_MS);

  it('answers a hover on another file with its verdict, and says the hopeless file could not be decided', async () => {
    const { root, server } = suite;
    const ordersPath = join(root, 'src', 'api', 'orders.ts');
    const ordersText = readFileSync(ordersPath, 'utf8');
    const orders = await openDocument(server, ordersPath, ordersText, 'typescript');
    const del = fetchAt(ordersText, 2);
    // The first decisions (a worker's start, the policy's compile) are awaited as the event they are.
    await until(server, 'the decisions of orders.ts', () => server.diagnostics.get(orders));
    assert.match(await decidedHover(server, orders, del), /denied/i);

    const adminPath = join(root, 'src', 'api', 'admin.ts');
    const adminText = readFileSync(adminPath, 'utf8');
    const admin = await openDocument(server, adminPath, adminText, 'typescript');
    const at = fetchAt(adminText);
    // Answered, whether before the deadline (still deciding) or after it (could not decide).
    assert.match(await hover(server, admin, at), /still deciding|could not decide/);
    const stopped = await until(server, 'the stopped analysis as a diagnostic', () =>
      server.diagnostics.get(admin)?.find((d) => /was stopped/.test(String(d.message))),
    );
    assert.equal(stopped.code, 'eval_cancel_error');
    assert.match(String(stopped.message), /took longer than 3 s/);
    assert.match(await hover(server, admin, at), /could not decide this file/);

    // The server is alive and still gives the other file its verdict.
    assert.match(await decidedHover(server, orders, del), /denied/i);
    assert.equal(server.process.exitCode, null);
  });
});

describe('hostile repository: a policy that fills memory, a .code-workspace command (untrusted workspace)', () => {
  /** What the .code-workspace sets: a device command that leaves a marker file, and keys no workspace may set. */
  const workspaceSettings = (root: string) => ({
    'clearance.identity.deviceCommand': [process.execPath, join(root, 'evil.js')],
    'clearance.evaluation.timeoutMs': 30_000,
    'clearance.evaluation.allowHttpSend': true,
    'clearance.audit.file': join(root, 'audit-here.jsonl'),
  });
  const suite = useShopServer({
    prefix: 'clearance-hostile-lsp-',
    name: 'Alice Example',
    files: (root) => ({
      'policy/bomb.rego': DOUBLING_BOMB,
      'evil.js': `require('node:fs').writeFileSync(${JSON.stringify(join(root, 'ran'))}, 'x')`,
      'team.code-workspace': JSON.stringify({ folders: [{ path: '.' }], settings: workspaceSettings(root) }),
    }),
    deadlineMs: DEADLINE_MS,
    env: patientIndexScans,
    // An editor that passes the .code-workspace settings through, and says the folder is untrusted.
    settings: (root) => ({ ...workspaceSettings(root), ...shopIdentitySettings }),
    initializationOptions: { workspaceTrusted: false },
  });
  const marker = () => join(suite.root, 'ran');

  it('keeps answering, survives, and runs nothing and writes nothing the workspace named', async () => {
    const { root, server } = suite;
    const ordersPath = join(root, 'src', 'api', 'orders.ts');
    const ordersText = readFileSync(ordersPath, 'utf8');
    const orders = await openDocument(server, ordersPath, ordersText, 'typescript');
    const del = fetchAt(ordersText, 2);
    assert.ok((await hover(server, orders, del)).length > 0, 'no hover');
    // Whatever the verdict, the server is alive and answers again.
    await until(server, 'a decided or stopped file', () => server.diagnostics.get(orders));
    assert.ok((await hover(server, orders, del)).length > 0, 'no second hover');
    assert.equal(server.process.exitCode, null);
    assert.ok(!existsSync(marker()), 'the .code-workspace deviceCommand ran');
    assert.ok(!existsSync(join(root, 'audit-here.jsonl')), 'the audit went where the workspace said');
    const log = server.transcript.join('\n');
    for (const name of [
      'identity.deviceCommand',
      'evaluation.timeoutMs',
      'evaluation.allowHttpSend',
      'audit.file',
    ])
      assert.match(
        log,
        new RegExp(
          `clearance\\.${name.replace('.', '\\.')} from this untrusted workspace's settings is ignored`,
        ),
      );
  });
});

// The replacement's warm-up is read from the log, in order: it must be done before the edited file's
// decisions are published. (Timed instead, with a deadline between a warm decision and a worker's
// start plus a slow compile, the test measured the machine's load: at load 20 the compile overran
// its own load deadline and a warm decision its 1 s.)
describe('hostile repository: a replaced analysis worker loads the policy before its next job', () => {
  // The first suite's deadline: below the file's 5 s evaluation budget, so that the analysis deadline
  // (not the engine's budget) stops the hopeless policy.
  const suite = useLongLoopServer(LONG_LOOP, DEADLINE_MS);

  it('decides an edited file right after the worker was stopped on another', async () => {
    const { root, server } = suite;
    const ordersPath = join(root, 'src', 'api', 'orders.ts');
    const ordersText = readFileSync(ordersPath, 'utf8');
    const orders = await openDocument(server, ordersPath, ordersText, 'typescript');
    const publishes = (version: number) => (l: string) =>
      l.includes(`"uri":"${orders}"`) && l.includes(`"version":${version}`);
    const published = (version: number) => () =>
      server.transcript.some(publishes(version)) ? server.diagnostics.get(orders) : undefined;
    // What the server logged (stopped and replaced workers, warm-ups), for a failure to say why.
    const logged = () => server.transcript.filter((l) => !l.startsWith('{')).join('\n');
    const first = await until(server, 'the first decisions of orders.ts', published(1));
    assert.ok(
      first.some((d) => d.code === 'call_denied'),
      `${JSON.stringify(first)}\n${logged()}`,
    );

    const adminPath = join(root, 'src', 'api', 'admin.ts');
    const admin = await openDocument(server, adminPath, readFileSync(adminPath, 'utf8'), 'typescript');
    const stopped = await until(server, 'the stopped analysis of admin.ts', () =>
      server.diagnostics.get(admin)?.find((d) => /was stopped/.test(String(d.message))),
    );
    assert.equal(stopped.code, 'eval_cancel_error');

    // The edit is decided by the worker that replaced the stopped one, after it loaded the policy.
    await changeDocument(server, orders, 2, `${ordersText}\n// edited\n`);
    const second = await until(server, 'the decisions of the edited orders.ts', published(2));
    const replaced = server.transcript.findIndex((l) =>
      /^deciding src\/api\/admin\.ts took longer than .*; its worker was stopped and is replaced$/.test(l),
    );
    const warmedUp = server.transcript.findIndex(
      (l, i) =>
        i > replaced &&
        /^loading the policy into a new open-document worker: done in \d+ ms, before the next job$/.test(l),
    );
    const decided = server.transcript.findIndex(publishes(2));
    assert.ok(
      replaced >= 0 && warmedUp > replaced && warmedUp < decided,
      `the replacement did not load the policy before deciding the edited file\n${logged()}`,
    );
    assert.deepEqual(
      second.filter((d) => d.code === 'eval_cancel_error').map((d) => d.message),
      [],
      `the edited file was stopped\n${logged()}`,
    );
    assert.deepEqual(
      second.map((d) => d.code),
      first.map((d) => d.code),
    );
  });
});
