/**
 * Puts a decision into words: the hover's Markdown and the plain text of diagnostics and the CLI.
 * Pure text, so the language server, the CLI and the tests share it. Everything that comes from a
 * policy, a token or the code (rule text, reasons, names, paths) is escaped in Markdown, so a policy
 * in a cloned repository cannot put links or formatting into a hover.
 */
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeIdentity, type Identity } from '../identity';
import type { RuleRef } from '../rego';
import type { CallDecision, ConditionalBranch } from './decide';
import type { CallInput } from './input';
import type { OtherAction } from './other-actions';

/** A decided call, with what was decided and for whom. */
export interface ExplainedCall {
  call: CallInput;
  decision: CallDecision;
  identity: Identity;
  /** The other actions on the same resource with their verdicts, when they were decided (hovers). */
  otherActions?: OtherAction[];
}

/** How to write an explanation: Markdown with links to rules (hovers), or plain text (diagnostics, CLI). */
export type ExplanationStyle = 'markdown' | 'plain';

/** Escapes text so Markdown shows it as written, on one line. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/[\\`*_{}[\]<>#|~]/g, '\\$&');
}

/** A Markdown code span that holds `text` whatever backticks it contains. */
export function formatCodeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\n/g, ' ')}${pad}${fence}`;
}

/** `authz.rego:5`: where a rule is, short enough for a sentence. */
export function formatRuleSite(rule: Pick<RuleRef, 'location'>): string {
  return `${basename(rule.location.file)}:${rule.location.start.line}`;
}

/** A rule's clause as one short line: a clause whose body starts on its first line ends in `{ … }`. */
export function formatRuleText(rule: RuleRef): string {
  return rule.text.endsWith('{') ? `${rule.text} … }` : rule.text;
}

/** A Markdown link that opens the rule's clause at its line. */
export function formatRuleLink(rule: Pick<RuleRef, 'location'>): string {
  const uri = `${pathToFileURL(rule.location.file).href}#L${rule.location.start.line}`;
  return `[${escapeMarkdown(formatRuleSite(rule))}](${uri})`;
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
export function formatCaller(identity: Identity): string {
  if (!identity.user || identity.status === 'invalid' || identity.status === 'missing')
    return 'an anonymous caller';
  return identity.user.email ?? identity.user.id;
}

/** What the call touches, e.g. `order 1001` or `order`. */
export function formatResource(call: CallInput): string {
  const resource = call.input.resource as { type?: string; id?: string } | undefined;
  if (!resource?.type) return 'an unknown resource';
  return resource.id !== undefined ? `${resource.type} ${resource.id}` : resource.type;
}

/** Why the verdict is what it is, in one sentence, naming the rules and where they are. */
export function formatWhy(decision: CallDecision, style: ExplanationStyle): string {
  const markdown = style === 'markdown';
  const site = (rule: Pick<RuleRef, 'location'>) => (markdown ? formatRuleLink(rule) : formatRuleSite(rule));
  const code = (text: string) => (markdown ? formatCodeSpan(text) : text);
  const reason = decision.reason
    ? ` Reason: ${markdown ? escapeMarkdown(decision.reason) : decision.reason}.`
    : '';
  const branch = (b: ConditionalBranch) =>
    `${b.words ? `${markdown ? escapeMarkdown(b.words) : b.words}: ` : ''}${b.conditions.map(code).join(' and ')} (${code(formatRuleText(b.rule))}, ${site(b.rule)})`;
  const step = decision.challenge
    ? ` Step-up required: ${markdown ? escapeMarkdown(decision.challenge) : decision.challenge}.`
    : '';
  const closest = decision.closest
    ? ` Closest allow rule: ${code(formatRuleText(decision.closest.rule))} (${site(decision.closest.rule)}), which fails at ${code(decision.closest.failing.text)} (${site(decision.closest.failing)}).`
    : '';
  switch (decision.verdict) {
    case 'allowed': {
      const rule = decision.rules[0];
      return rule
        ? `allowed by ${code(formatRuleText(rule))} (${site(rule)}).${reason}${step}`
        : `allowed.${reason}${step}`;
    }
    case 'denied': {
      const rule = decision.rules.find((r) => r.isDefault) ?? decision.rules[0];
      if (rule?.isDefault) {
        return `no allow rule matched, so ${code(formatRuleText(rule))} decided (${site(rule)}).${reason}${step}${closest}`;
      }
      if (rule) return `${code(formatRuleText(rule))} decided (${site(rule)}).${reason}${step}${closest}`;
      return `no rule matched and ${code(decision.entrypoint)} has no default, so it is undefined: denied.${reason}${step}${closest}`;
    }
    case 'conditional':
      // A compiled (wasm) policy cannot weigh unknowns: its reason says so, with no branches.
      if (decision.branches.length + decision.blockers.length === 0)
        return `${decision.reason ?? 'not decided'}.${step}`;
      if (decision.blockers.length > 0)
        return `allowed unless ${decision.blockers.map(branch).join('; or unless ')}${step}`;
      return `allowed if ${decision.branches.map(branch).join('; or if ')}${step}`;
    case 'error': {
      const text = decision.errors.map((e) => `${e.code}: ${e.message}`).join('; ');
      return `the policy could not be evaluated: ${markdown ? escapeMarkdown(text) : text}`;
    }
  }
}

/** The sign shown before each verdict. */
export const verdictIcons: Record<CallDecision['verdict'], string> = {
  allowed: '✅',
  denied: '⛔',
  conditional: '❔',
  error: '⚠️',
};

/** The resource's type alone (`order`), for "other actions on this order". */
function formatResourceType(call: CallInput): string {
  const resource = call.input.resource as { type?: string } | undefined;
  return resource?.type ?? 'resource';
}

/** The hover shown over a call: identity, action, resource, decision, why, policy version. */
export function formatHover(explained: ExplainedCall, nowMs: number): string {
  const { call, decision, identity } = explained;
  const action =
    typeof call.input.action === 'string' ? call.input.action : 'unknown (the method is computed)';
  const step = decision.challenge ? ` · step-up required (${escapeMarkdown(decision.challenge)})` : '';
  const lines = [
    `**Clearance** · ${formatCodeSpan(call.summary)} · **${verdictIcons[decision.verdict]} ${decision.verdict}**${step}`,
    '',
    `- **Identity:** ${escapeMarkdown(formatWho(identity, nowMs))}`,
    `- **Action:** ${formatCodeSpan(action)}`,
    `- **Resource:** ${escapeMarkdown(formatResource(call))}${call.route ? ` ${formatCodeSpan(call.route)}` : ''}`,
    `- **Decision:** ${decision.verdict}${decision.verdict === 'denied' ? ' for every value the code leaves open' : ''}`,
    `- **Why:** ${formatWhy(decision, 'markdown')}`,
    `- **Policy:** ${formatCodeSpan(decision.entrypoint)} · version ${formatCodeSpan(decision.policyVersion)}`,
  ];
  if (explained.otherActions && explained.otherActions.length > 0) {
    const others = explained.otherActions.map(
      (o) =>
        `${formatCodeSpan(o.action)} ${verdictIcons[o.verdict]} ${o.verdict}${o.words ? ` (if ${escapeMarkdown(o.words)})` : ''}`,
    );
    lines.push(
      `- **Other actions on this ${escapeMarkdown(formatResourceType(call))}:** ${others.join(' · ')}`,
    );
  }
  if (identity.status !== 'verified') {
    lines.push(
      '',
      `_The identity is ${identity.status}: this decision is not what the real system would decide for a verified caller._`,
    );
  }
  return lines.join('\n');
}

/** The diagnostic message on a denied or conditional call, or on one that could not be decided. */
export function formatDiagnosticMessage(explained: ExplainedCall): string {
  const { call, decision, identity } = explained;
  const action = typeof call.input.action === 'string' ? call.input.action : 'call';
  const who = formatCaller(identity);
  if (decision.verdict === 'conditional') {
    return `Conditional: ${who} may ${action} ${formatResource(call)} (${call.summary}) ${formatWhy(decision, 'plain')} Policy ${decision.policyVersion}.`;
  }
  if (decision.verdict === 'allowed') {
    return `Allowed: ${who} may ${action} ${formatResource(call)} (${call.summary}): ${formatWhy(decision, 'plain')} Policy ${decision.policyVersion}.`;
  }
  if (decision.verdict === 'error') {
    return `Clearance could not decide ${call.summary}: ${formatWhy(decision, 'plain')}`;
  }
  return `Denied: ${who} may not ${action} ${formatResource(call)} (${call.summary}): ${formatWhy(decision, 'plain')} Policy ${decision.policyVersion}.`;
}

/** The code lens above a call: its verdict and for whom, e.g. `⛔ denied for alice@example.com`. */
export function formatLensTitle(explained: ExplainedCall): string {
  const { decision, identity } = explained;
  const who = formatCaller(identity);
  const step = decision.challenge ? ` · step-up required (${decision.challenge})` : '';
  const first = decision.branches[0] ?? decision.blockers[0];
  const condition =
    decision.verdict === 'conditional' && first
      ? `: ${decision.blockers.length > 0 ? 'unless' : 'if'} ${first.words ?? first.conditions.join(' and ')}`
      : '';
  // A decision for claims nobody verified must say so wherever it is shown.
  const state = identity.user && identity.status !== 'verified' ? ` (${identity.status})` : '';
  const text = `${verdictIcons[decision.verdict]} ${decision.verdict} for ${who}${state}${condition}${step}`;
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}
