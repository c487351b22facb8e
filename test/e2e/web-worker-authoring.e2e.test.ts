/**
 * The web extension's language server in a real browser, its Rego authoring features (the worker
 * and its page: web-worker-session.ts), checked against OPA's own facts: `count`'s description is
 * OPA's, the formatting is `opa fmt`'s layout, and `prefer-snake-case` and `use-assignment-operator`
 * are Regal's rules of those names. The Rego lenses' requests run in the worker: evaluating `allow`
 * and the tests of `authz_test.rego`, whose outcomes follow the shop policy read by hand (an owner
 * may read, a developer may not delete), and a runaway test is stopped by the step limit.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from './harness';
import { applyEdits, diagnosticsOf, type LspRange, pageNotify, pageRequest, uriOf } from './web-worker-page';
import {
  brokenPath,
  gatePath,
  gateText,
  policyPath,
  rolesPath,
  testPath,
  useWebWorker,
} from './web-worker-session';

describe('the web-worker language server in Chromium: Rego authoring', { timeout: 180_000 }, () => {
  const session = useWebWorker();
  /** The page's LSP client (web-worker-page.ts), bound to this suite's page. */
  const request = (method: string, params: unknown) => pageRequest(session.page, method, params);
  const notify = (method: string, params: unknown) => pageNotify(session.page, method, params);

  it('reports a Rego parse error in an open policy file', async () => {
    await notify('textDocument/didOpen', {
      textDocument: {
        uri: uriOf(brokenPath),
        languageId: 'rego',
        version: 1,
        text: 'package scratch\n\nallow if {\n',
      },
    });
    const diagnostics = await diagnosticsOf(session.page, brokenPath, 'list.length > 0');
    assert.ok(
      diagnostics.some((d) => d.code === 'rego_parse_error'),
      JSON.stringify(diagnostics),
    );
  });

  /** Opens a `.rego` document in the worker. */
  function openRego(path: string, text: string): Promise<void> {
    return notify('textDocument/didOpen', {
      textDocument: { uri: uriOf(path), languageId: 'rego', version: 1, text },
    });
  }

  it('completes a builtin in a .rego file', async () => {
    const path = '/acme/shop/scratch/complete.rego';
    await openRego(path, 'package scratch.complete\n\nn := cou\n');
    const items = (await request('textDocument/completion', {
      textDocument: { uri: uriOf(path) },
      position: { line: 2, character: 8 },
    })) as Array<{ label: string; kind?: number }> | null;
    const count = items?.find((i) => i.label === 'count');
    assert.ok(count, JSON.stringify(items?.map((i) => i.label)));
    assert.equal(count.kind, 3, 'a builtin completes as a function');
  });

  it("completes input's keys from Clearance's input schema", async () => {
    const path = '/acme/shop/scratch/input.rego';
    await openRego(path, 'package scratch.input\n\nn := input.\n');
    const items = (await request('textDocument/completion', {
      textDocument: { uri: uriOf(path) },
      position: { line: 2, character: 11 },
    })) as Array<{ label: string }> | null;
    const labels = (items ?? []).map((i) => i.label);
    // schemas/input.schema.json's top-level properties.
    for (const key of ['user', 'action', 'resource', 'context'])
      assert.ok(labels.includes(key), `${key} in ${JSON.stringify(labels)}`);
  });

  it('explains a builtin in its hover', async () => {
    await openRego(gatePath, gateText);
    const hover = (await request('textDocument/hover', {
      textDocument: { uri: uriOf(gatePath) },
      position: { line: 6, character: 16 },
    })) as { contents: { value: string } } | null;
    assert.ok(hover, 'a hover on count');
    assert.match(hover.contents.value, /count/);
    assert.match(hover.contents.value, /returns the number of elements \(or characters\) in it/);
  });

  it('goes to the definition of a function in another file', async () => {
    const found = (await request('textDocument/definition', {
      textDocument: { uri: uriOf(gatePath) },
      position: { line: 4, character: 17 },
    })) as Array<{ uri: string; range: { start: { line: number; character: number } } }> | null;
    assert.equal(found?.length, 1, JSON.stringify(found));
    assert.equal(found?.[0]?.uri, uriOf(rolesPath));
    assert.deepEqual(found?.[0]?.range.start, { line: 4, character: 0 });
  });

  it('formats a .rego document as opa fmt does', async () => {
    const path = '/acme/shop/scratch/format.rego';
    await openRego(path, 'package scratch.format\n\nlimit:=3\n\nallow if {\ninput.n<limit\n}\n');
    const edits = (await request('textDocument/formatting', {
      textDocument: { uri: uriOf(path) },
      options: { tabSize: 4, insertSpaces: false },
    })) as Array<{ newText: string; range: { start: { line: number; character: number } } }>;
    assert.equal(edits.length, 1);
    assert.deepEqual(edits[0]?.range.start, { line: 0, character: 0 });
    assert.equal(
      edits[0]?.newText,
      'package scratch.format\n\nlimit := 3\n\nallow if {\n\tinput.n < limit\n}\n',
    );
  });

  it('lints an open .rego document', async () => {
    const path = '/acme/shop/scratch/lint.rego';
    await openRego(path, 'package scratch.lint\n\nisAdmin if input.user.role == "admin"\n');
    const diagnostics = await diagnosticsOf(session.page, path, 'list.length > 0');
    const snake = diagnostics.find((d) => d.code === 'prefer-snake-case');
    assert.ok(snake, JSON.stringify(diagnostics));
    assert.equal(snake.range.start.line, 2);
    assert.equal((snake as { source?: string }).source, 'clearance-lint');
  });

  it('offers the Evaluate and Explain lenses on a policy, with standard LSP commands', async () => {
    const policyText = readFileSync(join(repoRoot, 'examples', 'shop', 'policy', 'authz.rego'), 'utf8');
    await openRego(policyPath, policyText);
    const lenses = (await request('textDocument/codeLens', {
      textDocument: { uri: uriOf(policyPath) },
    })) as Array<{
      range: { start: { line: number } };
      command: { title: string; command: string; arguments: unknown[] };
    }>;
    const titles = lenses.map((l) => `${l.range.start.line}:${l.command.title}:${l.command.arguments[1]}`);
    // `package api.authz` is line 3 (0-based 2); the first `allow` (its default) line 5 (0-based 4).
    assert.ok(titles.includes('2:▶ Evaluate package:data.api.authz'), JSON.stringify(titles));
    assert.ok(titles.includes('4:▶ Evaluate:data.api.authz.allow'), JSON.stringify(titles));
    assert.ok(titles.includes('4:Explain:data.api.authz.allow'), JSON.stringify(titles));
    assert.equal(lenses[0]?.command.arguments[0], uriOf(policyPath));
  });

  it('evaluates a rule in the worker, as the Evaluate lens does, with the input it is given', async () => {
    const evaluate = (action: string) =>
      request('clearance/rego/evaluate', {
        query: 'data.api.authz.allow',
        input: { user: { id: 'alice', role: 'developer' }, resource: { owner_id: 'alice' }, action },
      }) as Promise<{ defined: boolean; value?: unknown; errors: string[] }>;
    const read = await evaluate('read');
    assert.deepEqual([read.defined, read.value, read.errors], [true, true, []]);
    // Only the default holds: an owner may not delete.
    const remove = await evaluate('delete');
    assert.deepEqual([remove.defined, remove.value, remove.errors], [true, false, []]);
    const explained = (await request('clearance/rego/evaluate', {
      query: 'data.api.authz.allow',
      input: { user: { id: 'alice', role: 'developer' }, resource: { owner_id: 'bob' }, action: 'read' },
      explain: true,
    })) as { value?: unknown; trace?: Array<{ held: boolean; uri: string }> };
    assert.equal(explained.value, false);
    // Neither allow clause holds for a reader who is not the owner; the trace points into the policy.
    const trace = explained.trace ?? [];
    assert.ok(
      trace.some((c) => !c.held) && trace.every((c) => c.uri === uriOf(policyPath)),
      JSON.stringify(trace),
    );
  });

  it("runs a policy's tests in the worker, and the step limit stops a runaway one", async () => {
    const { tests } = (await request('clearance/rego/tests', {})) as {
      tests: Array<{ id: string; uri: string }>;
    };
    assert.deepEqual(
      tests
        .filter((t) => t.uri === uriOf(testPath))
        .map((t) => t.id)
        .sort(),
      [
        'data.api.authz_test.test_owner_deletes',
        'data.api.authz_test.test_owner_reads',
        'data.api.authz_test.test_runaway',
      ],
    );
    const { results } = (await request('clearance/rego/runTests', { uris: [uriOf(testPath)] })) as {
      results: Array<{ id: string; outcome: string; message?: string; location?: { uri: string } }>;
    };
    const outcome = (name: string) => results.find((r) => r.id === `data.api.authz_test.${name}`);
    assert.equal(outcome('test_owner_reads')?.outcome, 'passed', JSON.stringify(results));
    assert.equal(outcome('test_owner_deletes')?.outcome, 'failed', JSON.stringify(results));
    assert.equal(outcome('test_owner_deletes')?.location?.uri, uriOf(testPath));
    const runaway = outcome('test_runaway');
    assert.equal(runaway?.outcome, 'errored', JSON.stringify(results));
    assert.match(runaway?.message ?? '', /eval_cancel_error|limit/, JSON.stringify(runaway));
  });

  it("offers lint's quick fix as a standard LSP edit, and the edit fixes the violation", async () => {
    const path = '/acme/shop/scratch/fix.rego';
    const text = 'package scratch.fix\n\nlimit = 3\n';
    await openRego(path, text);
    const before = await diagnosticsOf(session.page, path, 'list.length > 0');
    const violation = before.find((d) => d.code === 'use-assignment-operator');
    assert.ok(violation, JSON.stringify(before));
    const actions = (await request('textDocument/codeAction', {
      textDocument: { uri: uriOf(path) },
      range: violation.range,
      context: { diagnostics: [violation] },
    })) as Array<{
      title: string;
      command?: unknown;
      edit?: { changes?: Record<string, Array<{ range: LspRange; newText: string }>> };
    }>;
    const fix = actions.find((a) => a.title.endsWith('(use-assignment-operator)'));
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    // Standard LSP: the edit itself, no command only VS Code could run.
    assert.equal(fix.command, undefined);
    const edits = fix.edit?.changes?.[uriOf(path)] ?? [];
    assert.ok(edits.length > 0, JSON.stringify(fix));
    const fixed = applyEdits(text, edits);
    assert.equal(fixed, 'package scratch.fix\n\nlimit := 3\n');
    await notify('textDocument/didChange', {
      textDocument: { uri: uriOf(path), version: 2 },
      contentChanges: [{ text: fixed }],
    });
    const after = await diagnosticsOf(
      session.page,
      path,
      "!list.some((d) => d.code === 'use-assignment-operator')",
    );
    assert.ok(!after.some((d) => d.code === 'use-assignment-operator'), JSON.stringify(after));
  });
});
