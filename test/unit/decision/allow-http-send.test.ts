/**
 * The `clearance.evaluation.allowHttpSend` setting reaches the evaluation of every decision: off
 * (the default), a policy calling http.send gets an error verdict naming the setting; on, the
 * request is really attempted (here to a closed port, so it fails as a network error instead).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultSettings, normalizeSettings } from '../../../server/src/config/settings';
import { decideCall } from '../../../server/src/decision/decide';
import { buildCallInput } from '../../../server/src/decision/input';
import { loadPolicy } from '../../../server/src/policy/load';
import type { HttpCall } from '../../../server/src/scanner';

const at = { line: 1, column: 1, offset: 0 };
const nowhere = { file: 'app.ts', start: at, end: at };

/** A policy that asks a (closed) local port before allowing anything. */
function loadHttpPolicy() {
  const dir = mkdtempSync(join(tmpdir(), 'clearance-http-'));
  writeFileSync(
    join(dir, 'policy.rego'),
    `package api.authz

default allow := false

allow if http.send({"method": "get", "url": "http://127.0.0.1:1/", "timeout": "200ms"}).status_code == 200
`,
  );
  return loadPolicy(dir, []);
}

/** Decides one GET /api/orders call for an anonymous caller. */
function decide(evaluation: typeof defaultSettings.evaluation) {
  const call: HttpCall = {
    kind: 'http',
    client: 'fetch',
    method: 'GET',
    url: { source: '/api/orders', segments: [{ kind: 'literal', text: '/api/orders' }], known: true },
    location: nowhere,
    calleeLocation: nowhere,
    text: '',
  };
  const identity = {
    status: 'missing' as const,
    reason: 'no token',
    source: { kind: 'none' as const, label: 'none' },
  };
  const input = buildCallInput(call, identity, new Date('2026-11-22T12:00:00Z'));
  return decideCall(loadHttpPolicy(), 'data.api.authz.allow', input, evaluation);
}

describe('clearance.evaluation.allowHttpSend', () => {
  it('is off by default: the decision is an error that names the setting', () => {
    const decision = decide(defaultSettings.evaluation);
    assert.equal(decision.verdict, 'error');
    assert.match(decision.errors[0]?.message ?? '', /clearance\.evaluation\.allowHttpSend/);
  });

  it('when on, the request is made (a closed port fails as a network error, not as disabled)', () => {
    const { settings, errors } = normalizeSettings({ evaluation: { allowHttpSend: true } });
    assert.deepEqual(errors, []);
    const decision = decide(settings.evaluation);
    // The failed request leaves `allow` at its default, as in OPA without strict builtin errors.
    assert.equal(decision.verdict, 'denied', JSON.stringify(decision.errors));
    assert.doesNotMatch(decision.errors.map((e) => e.message).join('\n'), /allowHttpSend/);
  });

  it('a value that is not a boolean is reported and leaves it off', () => {
    const { settings, errors } = normalizeSettings({ evaluation: { allowHttpSend: 'yes' } });
    assert.equal(settings.evaluation.allowHttpSend, false);
    assert.ok(errors.some((e) => e.message.includes('clearance.evaluation.allowHttpSend')));
  });
});
