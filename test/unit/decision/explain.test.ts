/** The words of a decision: what the hover and the diagnostic say about who asked and why. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnosticMessage, formatHover, formatLensTitle } from '../../../server/src/decision/answer';
import type { CallDecision } from '../../../server/src/decision/decide';
import type { CallInput } from '../../../server/src/decision/input';
import type { Identity } from '../../../server/src/identity';
import type { RuleRef } from '../../../server/src/rego';

const now = Date.parse('2026-11-22T12:00:00Z');
const at = (line: number) => ({ line, column: 1, offset: 0 });
const defaultRule: RuleRef = {
  path: 'data.api.authz.allow',
  location: { file: '/ws/policy/authz.rego', start: at(5), end: at(5) },
  headLocation: { file: '/ws/policy/authz.rego', start: at(5), end: at(5) },
  text: 'default allow := false',
  isDefault: true,
};
const denied: CallDecision = {
  verdict: 'denied',
  entrypoint: 'data.api.authz.allow',
  policyVersion: 'sha256:0123456789ab',
  rules: [defaultRule],
  branches: [],
  blockers: [],
  errors: [],
};
const call: CallInput = {
  input: { action: 'delete', resource: { type: 'order', path: '/api/orders/{id}' } },
  unknowns: ['input.resource'],
  summary: 'DELETE /api/orders/{id}',
};
const alice = { id: 'alice', email: 'alice@example.com', role: 'developer', roles: ['developer'] };

describe('explanations', () => {
  it('the hover links the default rule to its line and names the policy version', () => {
    const identity: Identity = {
      status: 'verified',
      source: { kind: 'file', label: 't' },
      user: alice,
      expiresAt: now / 1000 + 720,
    };
    const hover = formatHover({ call, decision: denied, identity }, now);
    assert.match(hover, /alice@example\.com · developer · 12m \(verified\)/);
    assert.match(hover, /\[authz\.rego:5\]\(file:\/\/\/ws\/policy\/authz\.rego#L5\)/);
    assert.match(hover, /version `sha256:0123456789ab`/);
    assert.doesNotMatch(hover, /not what the real system would decide/);
  });

  it('says when the identity is unverified, in the hover', () => {
    const identity: Identity = {
      status: 'unverified',
      reason: 'no key configured: token not verified',
      source: { kind: 'file', label: 't' },
      user: alice,
    };
    const hover = formatHover({ call, decision: denied, identity }, now);
    assert.match(hover, /no key configured/);
    assert.match(hover, /identity is unverified/);
  });

  it('decides for an anonymous caller when the token is invalid, and says why', () => {
    const identity: Identity = {
      status: 'invalid',
      reason: 'signature does not verify',
      source: { kind: 'file', label: 't' },
    };
    const hover = formatHover({ call, decision: denied, identity }, now);
    assert.match(hover, /anonymous caller \(no identity: signature does not verify\)/);
    assert.match(hover, /Decided for an anonymous caller \(`clearance\.identity\.anonymous`\)/);
    assert.equal(
      formatDiagnosticMessage({ call, decision: denied, identity }),
      'Denied: an anonymous caller may not delete this order.',
    );
  });

  it('writes diagnostics as plain text, without Markdown', () => {
    const identity: Identity = { status: 'verified', source: { kind: 'file', label: 't' }, user: alice };
    const message = formatDiagnosticMessage({ call, decision: denied, identity });
    // One short sentence: the rule, the identity's state and the policy version are the hover's.
    assert.equal(message, 'Denied: alice@example.com may not delete this order.');
  });

  it('escapes what a policy writes, so a reason cannot put a link into a hover', () => {
    const identity: Identity = { status: 'verified', source: { kind: 'file', label: 't' }, user: alice };
    const withReason: CallDecision = { ...denied, reason: '[Re-authenticate](https://evil.example/login)' };
    const hover = formatHover({ call, decision: withReason, identity }, now);
    assert.ok(hover.includes('\\[Re-authenticate\\](https://evil.example/login)'), hover);
    assert.ok(!hover.includes('[Re-authenticate](https'), hover);
  });

  it('keeps a rule text with backticks inside one code span', () => {
    const identity: Identity = { status: 'verified', source: { kind: 'file', label: 't' }, user: alice };
    const rule: RuleRef = { ...defaultRule, isDefault: false, text: 'allow if input.x == `raw`' };
    const allowed: CallDecision = { ...denied, verdict: 'allowed', rules: [rule] };
    assert.match(
      formatHover({ call, decision: allowed, identity }, now),
      /allowed by `` allow if input\.x == `raw` `` /,
    );
  });

  it('says "allowed unless" when the call is allowed but for an exception on what the code leaves open', () => {
    const identity: Identity = { status: 'verified', source: { kind: 'file', label: 't' }, user: alice };
    const rule: RuleRef = {
      ...defaultRule,
      isDefault: false,
      text: 'allow := false if input.resource.locked',
    };
    const conditional: CallDecision = {
      ...denied,
      verdict: 'conditional',
      blockers: [{ rule, conditions: ['input.resource.locked'] }],
    };
    assert.equal(
      formatDiagnosticMessage({ call, decision: conditional, identity }),
      'Allowed unless something the code does not show.',
    );
    assert.match(
      formatHover({ call, decision: conditional, identity }, now),
      /allowed unless `input\.resource\.locked` \(`allow := false if input\.resource\.locked`, \[authz\.rego:5\]/,
    );
  });

  it('the lens names the identity, says when it is not verified, and shows a step-up challenge', () => {
    const verified: Identity = { status: 'verified', source: { kind: 'file', label: 't' }, user: alice };
    assert.equal(
      formatLensTitle({ call, decision: denied, identity: verified }),
      '⛔ denied for alice@example.com',
    );
    const unverified: Identity = { ...verified, status: 'unverified', reason: 'no key' };
    assert.equal(
      formatLensTitle({ call, decision: denied, identity: unverified }),
      '⛔ denied for alice@example.com (unverified)',
    );
    const stepUp: CallDecision = { ...denied, verdict: 'allowed', rules: [], challenge: 'mfa' };
    assert.equal(
      formatLensTitle({ call, decision: stepUp, identity: verified }),
      '✅ allowed for alice@example.com · step-up required (mfa)',
    );
    assert.match(
      formatHover({ call, decision: stepUp, identity: verified }, now),
      /step-up required \(mfa\)/,
    );
  });
});
