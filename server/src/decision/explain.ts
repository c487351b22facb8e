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

/** Whether the identity gives the input a user: without one the caller is anonymous. */
function hasUser(identity: Identity): boolean {
  return identity.user !== undefined && identity.status !== 'invalid' && identity.status !== 'missing';
}

/** Who the decision is for: the status bar's text, and the identity's state when it is not verified. */
export function formatWho(identity: Identity, nowMs: number): string {
  if (!hasUser(identity)) {
    const why = identity.reason ?? identity.status;
    return `anonymous caller (no identity: ${why})`;
  }
  const text = describeIdentity(identity, nowMs);
  if (identity.status === 'verified') return `${text} (verified)`;
  return identity.reason ? `${text}: ${identity.reason}` : text;
}

/** The subject of a sentence about the call's caller: the email, or `an anonymous caller`. */
export function formatCaller(identity: Identity): string {
  if (!hasUser(identity)) return 'an anonymous caller';
  return identity.user?.email ?? identity.user?.id ?? 'an anonymous caller';
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
      if (decision.undecided) {
        const text = decision.errors.map((e) => e.message).join('; ');
        return `not decided: ${markdown ? escapeMarkdown(text.replace(/^not decided: /, '')) : text.replace(/^not decided: /, '')}.`;
      }
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
