/**
 * The Rego results panel's page, rendered from a server answer: every text escaped (a policy's
 * strings and the input are untrusted), each trace step a link by index to the place the server
 * sent, and a content security policy that allows only the page's own nonce'd style and script.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderResult, type Target } from '../../../client/src/rego-results-page';
import type { EvaluateResponse } from '../../../server/src/lsp/authoring-protocol';

const at = (line: number) => ({ start: { line, character: 4 }, end: { line, character: 30 } });
const uri = 'file:///ws/policy/authz.rego';

const answer: EvaluateResponse = {
  query: 'data.api.authz.allow',
  defined: true,
  value: '<img src=x onerror=alert(1)>',
  output: ['print: <b>hi</b>'],
  durationMs: 1.25,
  errors: [],
  inputLabel: 'DELETE /api/orders/{id} (orders.ts:28) as alice@example.com',
  unknowns: ['input.resource'],
  input: { action: 'delete' },
  trace: [
    {
      uri,
      range: at(7),
      head: 'allow if input.user.role == "admin"',
      held: false,
      steps: [],
      failing: {
        text: 'input.user.role == "admin"',
        uri,
        range: at(7),
        operands: ['input.user.role = "developer"'],
      },
    },
    {
      uri,
      range: at(10),
      head: 'allow if { … }',
      held: true,
      steps: [{ text: 'x := "<script>"', uri, range: at(11) }],
    },
  ],
  markdown: '',
};

describe('the Rego results page', () => {
  const targets: Target[] = [];
  const html = renderResult(answer, 'n0nce', (t) => targets.push(t) - 1);

  it('escapes every text it shows', () => {
    assert.ok(!html.includes('<img'));
    assert.ok(!html.includes('<b>hi'));
    assert.ok(!html.includes('"<script>"'));
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('x := &quot;&lt;script&gt;&quot;'));
  });

  it('links each clause and step by index to the place the server sent', () => {
    // Clause 1, its failing expression, clause 2, its one step.
    assert.deepEqual(
      targets.map((t) => t.range.start.line),
      [7, 7, 10, 11],
    );
    assert.equal((html.match(/data-open="\d+"/g) ?? []).length, 4);
    assert.match(
      html,
      /✗ <a href="#" data-open="1" title="authz\.rego:8">input\.user\.role == &quot;admin&quot;<\/a>: input\.user\.role = &quot;developer&quot;/,
    );
  });

  it('names the input and its unknowns, and allows only its own style and script', () => {
    assert.match(
      html,
      /with DELETE \/api\/orders\/\{id\} \(orders\.ts:28\) as alice@example\.com · 1\.25 ms/,
    );
    assert.match(html, /evaluated here as absent: <code>input\.resource<\/code>/);
    assert.match(html, /default-src 'none'; style-src 'nonce-n0nce'; script-src 'nonce-n0nce';/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
  });
});
