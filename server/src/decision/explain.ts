/**
 * Puts a decision into words: the hover's Markdown, the diagnostic's message and a one-line summary.
 * Pure text, so the language server, the CLI and the tests share it.
 */
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeIdentity, type Identity } from '../identity';
import type { RuleRef } from '../rego';
import type { CallDecision } from './decide';
import type { CallInput } from './input';

/** A decided call, with what was decided and for whom. */
export interface ExplainedCall {
  call: CallInput;
  decision: CallDecision;
  identity: Identity;
}

/** `authz.rego:5`: where a rule is, short enough for a sentence. */
export function formatRuleSite(rule: RuleRef): string {
  return `${basename(rule.location.file)}:${rule.location.start.line}`;
}

/** A rule's clause as one short line: a clause whose body starts on its first line ends in `{ … }`. */
export function formatRuleText(rule: RuleRef): string {
  return rule.text.endsWith('{') ? `${rule.text} … }` : rule.text;
}

/** A Markdown link that opens the rule's clause at its line. */
export function formatRuleLink(rule: RuleRef): string {
  const uri = `${pathToFileURL(rule.location.file).href}#L${rule.location.start.line}`;
  return `[${formatRuleSite(rule)}](${uri})`;
}

/** Who the decision is for: the status bar's text, and the identity's state when it is not verified. */
export function formatWho(identity: Identity, nowMs: number): string {
  if (!identity.user || identity.status === 'invalid' || identity.status === 'missing') {
    return `no identity (${identity.reason ?? identity.status}): decided as an anonymous caller`;
  }
  const text = describeIdentity(identity, nowMs);
  if (identity.status === 'verified') return `${text} (verified)`;
  return identity.reason ? `${text}: ${identity.reason}` : text;
}

/** The subject of a sentence about the call's caller: the email, or `an anonymous caller`. */
function formatCaller(identity: Identity): string {
  if (!identity.user || identity.status === 'invalid' || identity.status === 'missing')
    return 'an anonymous caller';
  return identity.user.email ?? identity.user.id;
}

function formatResource(call: CallInput): string {
  const resource = call.input.resource as { type?: string; id?: string; path?: string } | undefined;
  if (!resource?.type) return 'an unknown resource';
  const id = resource.id !== undefined ? ` ${resource.id}` : '';
  return `${resource.type}${id}`;
}

/** How to write an explanation: Markdown with links to rules (hovers), or plain text (diagnostics, CLI). */
export type ExplanationStyle = 'markdown' | 'plain';

/** Why the verdict is what it is, in one sentence, naming the rules and where they are. */
export function formatWhy(decision: CallDecision, style: ExplanationStyle): string {
  const markdown = style === 'markdown';
  const site = (rule: RuleRef) => (markdown ? formatRuleLink(rule) : formatRuleSite(rule));
  const code = (text: string) => (markdown ? `\`${text}\`` : text);
  const reason = decision.reason ? ` Reason: ${decision.reason}.` : '';
  switch (decision.verdict) {
    case 'allowed': {
      const rule = decision.rules[0];
      return rule
        ? `allowed by ${code(formatRuleText(rule))} (${site(rule)}).${reason}`
        : `allowed.${reason}`;
    }
    case 'denied': {
      const rule = decision.rules.find((r) => r.isDefault) ?? decision.rules[0];
      if (rule?.isDefault)
        return `no allow rule matched, so ${code(formatRuleText(rule))} decided (${site(rule)}).${reason}`;
      if (rule) return `${code(formatRuleText(rule))} decided (${site(rule)}).${reason}`;
      return `no rule matched and ${code(decision.entrypoint)} has no default, so it is undefined: denied.${reason}`;
    }
    case 'conditional':
      return decision.branches
        .map(
          (b) =>
            `allowed if ${b.conditions.map(code).join(' and ')} (${code(formatRuleText(b.rule))}, ${site(b.rule)})`,
        )
        .join('; or ');
    case 'error':
      return `the policy could not be evaluated: ${decision.errors.map((e) => `${e.code}: ${e.message}`).join('; ')}`;
  }
}

/** The hover shown over a call: identity, action, resource, decision, why, policy version. */
export function formatHover(explained: ExplainedCall, nowMs: number): string {
  const { call, decision, identity } = explained;
  const action = typeof call.input.action === 'string' ? call.input.action : 'unknown';
  const resource = call.input.resource as { path?: string } | undefined;
  const verdictText: Record<CallDecision['verdict'], string> = {
    allowed: '✅ allowed',
    denied: '⛔ denied',
    conditional: '❔ conditional',
    error: '⚠️ error',
  };
  const lines = [
    `**Clearance** · \`${call.summary}\` · **${verdictText[decision.verdict]}**`,
    '',
    `- **Identity:** ${formatWho(identity, nowMs)}`,
    `- **Action:** \`${action}\``,
    `- **Resource:** ${formatResource(call)}${resource?.path ? ` \`${resource.path}\`` : ''}`,
    `- **Decision:** ${decision.verdict}${decision.verdict === 'denied' ? ' for every value the code leaves open' : ''}`,
    `- **Why:** ${formatWhy(decision, 'markdown')}`,
    `- **Policy:** \`${decision.entrypoint}\` · version \`${decision.policyVersion}\``,
  ];
  if (identity.status !== 'verified') {
    lines.push(
      '',
      `_The identity is ${identity.status}: this decision is not what the real system would decide for a verified caller._`,
    );
  }
  return lines.join('\n');
}

/** The diagnostic message on a denied or conditional call. */
export function formatDiagnosticMessage(explained: ExplainedCall): string {
  const { call, decision, identity } = explained;
  const action = typeof call.input.action === 'string' ? call.input.action : 'call';
  const who = formatCaller(identity);
  if (decision.verdict === 'conditional') {
    return `Conditional: ${who} may ${action} ${formatResource(call)} (${call.summary}) only if ${formatWhy(decision, 'plain')}`;
  }
  if (decision.verdict === 'error')
    return `Clearance could not decide ${call.summary}: ${formatWhy(decision, 'plain')}`;
  return `Denied: ${who} may not ${action} ${formatResource(call)} (${call.summary}): ${formatWhy(decision, 'plain')} Policy ${decision.policyVersion}.`;
}

/** One line for the CLI: verdict, call, who, why. */
export function formatSummaryLine(explained: ExplainedCall): string {
  return `${explained.decision.verdict.padEnd(11)} ${explained.call.summary}  ${formatWhy(explained.decision, 'plain')}`;
}
