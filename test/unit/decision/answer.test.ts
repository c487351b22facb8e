/**
 * The answer as the editor shows it (docs/messages.md): the hover's first line answers the
 * question, the details follow (collapsed with HTML), the diagnostic is one short sentence, a
 * structured decision's reason is the explanation, and an undecided call is never a denial.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnosticMessage, formatHover, formatLensTitle } from '../../../server/src/decision/answer';
import type { CallDecision } from '../../../server/src/decision/decide';
import { decideWithoutIdentity } from '../../../server/src/decision/decide';
import type { CallInput } from '../../../server/src/decision/input';
import type { Identity } from '../../../server/src/identity';
import { describeIdentity } from '../../../server/src/identity';
import type { RuleRef } from '../../../server/src/rego';

const now = Date.parse('2026-11-22T12:00:00Z');
const at = (line: number) => ({ line, column: 1, offset: 0 });
const rule = (line: number, text: string, isDefault = false): RuleRef => ({
  path: 'data.api.authz.allow',
  location: { file: '/ws/policy/authz.rego', start: at(line), end: at(line) },
  headLocation: { file: '/ws/policy/authz.rego', start: at(line), end: at(line) },
  text,
  isDefault,
});
const base: CallDecision = {
  verdict: 'denied',
  entrypoint: 'data.api.authz.allow',
  policyVersion: 'sha256:0123456789ab',
  rules: [rule(5, 'default allow := false', true)],
  branches: [],
  blockers: [],
  errors: [],
};
const call: CallInput = {
  input: { action: 'delete', resource: { type: 'order' } },
  unknowns: ['input.resource'],
  summary: 'DELETE /api/orders/{id}',
  route: '/api/orders/{id}',
};
const alice: Identity = {
  status: 'verified',
  source: { kind: 'file', label: 't' },
  user: { id: 'alice', email: 'alice@example.com', role: 'developer', roles: ['developer'] },
};

describe('the answer in the editor', () => {
  it('puts verdict, who, action, resource and the deciding rule on the first line', () => {
    const first = formatHover({ call, decision: base, identity: alice }, now).split('\n')[0];
    assert.equal(
      first,
      '**⛔ Denied**: alice@example.com may not `delete` order `/api/orders/{id}` · [authz.rego:5](file:///ws/policy/authz.rego#L5)',
    );
  });

  it('collapses the details in <details> when the editor renders HTML, with links to the exact input', () => {
    const hover = formatHover({ call, decision: base, identity: alice }, now, {
      html: true,
      commands: true,
      target: { uri: 'file:///ws/src/a.ts', position: { line: 3, character: 2 } },
    });
    assert.match(hover, /\n<details><summary>Details<\/summary>\n\n- \*\*Why:\*\* /);
    assert.match(hover, /\n<\/details>$/);
    assert.ok(hover.includes('[Open](command:clearance.openInput?'), hover);
    assert.ok(
      hover.includes(encodeURIComponent(JSON.stringify(['file:///ws/src/a.ts', { line: 3, character: 2 }]))),
    );
    const plain = formatHover({ call, decision: base, identity: alice }, now);
    assert.doesNotMatch(plain, /<details>|command:/);
  });

  it('explains a structured decision by its reason, in words, not by quoting the rule', () => {
    const structured: CallDecision = {
      ...base,
      rules: [rule(9, 'decision := {"allow": allow, "reason": reason}')],
      reason: 'only finance may change invoices',
    };
    const hover = formatHover({ call, decision: structured, identity: alice }, now);
    assert.equal(hover.split('\n')[2], 'Only finance may change invoices.');
    assert.equal(
      formatDiagnosticMessage({ call, decision: structured, identity: alice }),
      'Denied: only finance may change invoices.',
    );
  });

  it('says a call without an identity is not decided, with what to do, and flags it as nothing denied', () => {
    const decision = decideWithoutIdentity('data.api.authz.allow', 'sha256:0123456789ab');
    const missing: Identity = {
      status: 'missing',
      reason: 'no token source',
      source: { kind: 'none', label: 'none' },
    };
    const hover = formatHover({ call, decision, identity: missing }, now, { commands: true });
    assert.equal(hover.split('\n')[0], '**Not decided: no identity.**');
    assert.match(hover, /\[Sign in\]\(command:clearance\.signIn\)/);
    assert.doesNotMatch(hover, /denied/i);
    assert.equal(formatLensTitle({ call, decision, identity: missing }), '○ not decided: no identity');
  });

  it('says an undefined entrypoint is not decided, suggesting the one that exists', () => {
    const decision: CallDecision = {
      ...base,
      verdict: 'error',
      rules: [],
      entrypoint: 'data.api.authz.allowed',
      errors: [
        {
          code: 'entrypoint_undefined',
          message: 'entrypoint data.api.authz.allowed is not defined (did you mean data.api.authz.allow?)',
        },
      ],
      undecided: { kind: 'entrypoint-undefined', suggestions: ['data.api.authz.allow'] },
    };
    assert.equal(
      formatDiagnosticMessage({ call, decision, identity: alice }),
      'Not decided: entrypoint data.api.authz.allowed is not defined (did you mean data.api.authz.allow?).',
    );
    const hover = formatHover({ call, decision, identity: alice }, now, { commands: true });
    assert.match(hover, /Did you mean `data\.api\.authz\.allow`\?/);
    assert.match(hover, /command:workbench\.action\.openSettings\?/);
  });

  it('links the rule that sets the condition on a conditional call, not the default', () => {
    const owner = rule(11, 'allow if {');
    const decision: CallDecision = {
      ...base,
      verdict: 'conditional',
      branches: [
        { rule: owner, conditions: ['input.resource.owner_id == "alice"'], words: 'you own the order' },
      ],
    };
    const first = formatHover({ call, decision, identity: alice }, now).split('\n')[0] ?? '';
    assert.match(
      first,
      /^\*\*❔ Conditional\*\*: alice@example\.com may `delete` order .* if you own the order · \[authz\.rego:11\]/,
    );
    assert.equal(
      formatDiagnosticMessage({ call, decision, identity: alice }),
      'Allowed only if you own the order.',
    );
  });

  it('shows a ten-year demo token as a demo token, and a long-lived one as such, not as days left', () => {
    const tenYears = now / 1000 + 3650 * 86400;
    const demo: Identity = { ...alice, expiresAt: tenYears, claims: { demo: true } };
    assert.equal(describeIdentity(demo, now), 'alice@example.com · developer · demo token');
    const service: Identity = { ...alice, expiresAt: tenYears, claims: {} };
    assert.equal(describeIdentity(service, now), 'alice@example.com · developer · long-lived token');
    const session: Identity = { ...alice, expiresAt: now / 1000 + 720, claims: { demo: true } };
    assert.equal(describeIdentity(session, now), 'alice@example.com · developer · 12m');
  });
});
