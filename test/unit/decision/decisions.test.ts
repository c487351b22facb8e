/** Runs the decision cases in test/fixtures/decision/*.yaml through input building and deciding. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { defaultSettings } from '../../../server/src/config/settings';
import { decideCall } from '../../../server/src/decision/decide';
import { buildCallInput } from '../../../server/src/decision/input';
import type { Identity } from '../../../server/src/identity';
import { loadPolicy } from '../../../server/src/policy/load';
import type { HttpCall, UrlTemplate } from '../../../server/src/scanner';

interface DecisionCase {
  note: string;
  user: { sub: string; email?: string; role?: string } | null;
  call: { method?: string | null; url: string };
  blockers?: string[];
  verdict: string;
  rule?: string;
  conditions?: string[];
  /** The conditions in plain words, as the first branch (or blocker) gives them. */
  words?: string;
  /** The entrypoint's `challenge`. */
  challenge?: string;
  /** For a denial: the closest allow rule's first line and its first failing expression. */
  closest?: { rule: string; failing: string; line: number };
}

const repo = join(__dirname, '..', '..', '..');
const fixtures = join(repo, 'test', 'fixtures', 'decision');
const at = { line: 1, column: 1, offset: 0 };
const nowhere = { file: 'fixture.ts', start: at, end: at };

/** The URL template a recogniser would produce for a template literal like `/api/orders/${id}`. */
function toTemplate(url: string): UrlTemplate {
  const segments = url
    .split(/(\$\{[^}]*\})/)
    .filter(Boolean)
    .map((part) =>
      part.startsWith('${')
        ? { kind: 'expr' as const, source: part.slice(2, -1) }
        : { kind: 'literal' as const, text: part },
    );
  return { source: url, segments, known: true };
}

/** Loads a policy written inline in a case file (`rego:`), from a fresh folder. */
function loadInline(rego: string) {
  const dir = mkdtempSync(join(tmpdir(), 'clearance-decision-'));
  writeFileSync(join(dir, 'policy.rego'), rego);
  return loadPolicy(dir, []);
}

function toIdentity(user: DecisionCase['user']): Identity {
  if (!user) return { status: 'missing', reason: 'no token', source: { kind: 'none', label: 'none' } };
  return {
    status: 'verified',
    source: { kind: 'file', label: 'fixture' },
    user: {
      id: user.sub,
      ...(user.email ? { email: user.email } : {}),
      ...(user.role ? { role: user.role } : {}),
      roles: user.role ? [user.role] : [],
    },
  };
}

for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.yaml'))) {
  const suite = parse(readFileSync(join(fixtures, file), 'utf8')) as {
    policy?: string;
    rego?: string;
    entrypoint?: string;
    cases: DecisionCase[];
  };
  describe(`decisions: ${file}`, () => {
    const loaded = suite.rego ? loadInline(suite.rego) : loadPolicy(repo, [suite.policy ?? '']);
    it('loads its policy without errors', () => assert.deepEqual(loaded.errors, []));
    for (const c of suite.cases) {
      it(c.note, () => {
        const call: HttpCall = {
          kind: 'http',
          client: 'fetch',
          method: c.call.method ?? undefined,
          url: toTemplate(c.call.url),
          location: nowhere,
          calleeLocation: nowhere,
          text: '',
        };
        const input = buildCallInput(call, toIdentity(c.user), new Date('2026-11-22T12:00:00Z'));
        const entrypoint = suite.entrypoint ?? 'data.api.authz.allow';
        const decision = decideCall(loaded, entrypoint, input, defaultSettings.evaluation);
        assert.deepEqual(decision.errors, []);
        assert.equal(decision.verdict, c.verdict, JSON.stringify({ input, decision }, null, 1));
        if (c.rule) assert.equal(decision.rules[0]?.text, c.rule);
        const conditions = decision.branches.flatMap((b) => b.conditions).join(' ');
        for (const part of c.conditions ?? [])
          assert.ok(conditions.includes(part), `conditions lack ${part}: ${conditions}`);
        if (c.words !== undefined)
          assert.equal((decision.branches[0] ?? decision.blockers[0])?.words, c.words);
        assert.equal(decision.challenge, c.challenge);
        if (c.closest) {
          assert.equal(decision.closest?.rule.text, c.closest.rule);
          assert.equal(decision.closest?.failing.text, c.closest.failing);
          assert.equal(decision.closest?.failing.location.start.line, c.closest.line);
        }
      });
    }
  });
}
