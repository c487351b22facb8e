/**
 * The answer shown in the editor: the hover, the diagnostic's sentence and the code lens. The
 * hover's first line answers the question (verdict, who, action, resource, deciding rule); the
 * details follow, collapsed where the editor renders HTML. The diagnostic is one short sentence
 * that leaves the rest to the hover. The style is written down in docs/messages.md.
 */
import type { hoverCommands } from '../lsp/client-commands';
import type { CallDecision, ConditionalBranch } from './decide';
import {
  type ExplainedCall,
  escapeMarkdown,
  formatCaller,
  formatCodeSpan,
  formatRuleLink,
  formatRuleText,
  formatWho,
  formatWhy,
  verdictIcons,
} from './explain';
import type { CallInput } from './input';

/** Where the call is, for the hover's links to its exact input. */
export interface HoverTarget {
  uri: string;
  position: { line: number; character: number };
}

/** How the editor renders the hover: HTML (`<details>`) and command links are VS Code's. */
export interface HoverOptions {
  /** The editor renders `<details>`: the details are collapsed. */
  html?: boolean;
  /** The editor runs `command:` links (sign in, open the input, open a setting). */
  commands?: boolean;
  /** The call's document and position, for the links to its exact input. */
  target?: HoverTarget;
  /** The call carries a `clearance: ignore` comment. */
  suppressed?: boolean;
}

/** A `command:` link with JSON arguments, as VS Code's Markdown expects it. */
function commandLink(label: string, command: (typeof hoverCommands)[number], args?: unknown[]): string {
  const query = args ? `?${encodeURIComponent(JSON.stringify(args))}` : '';
  return `[${label}](command:${command}${query})`;
}

/** The action the call performs, or a placeholder when the code computes it. */
function actionOf(call: CallInput): string | undefined {
  return typeof call.input.action === 'string' ? call.input.action : undefined;
}

/** What the call touches: `order` and its route, as Markdown. */
function resourceOf(call: CallInput): string {
  const resource = call.input.resource as { type?: string; id?: string } | undefined;
  const type = resource?.type ? escapeMarkdown(resource.type) : 'an unknown resource';
  const id = resource?.id !== undefined ? ` ${escapeMarkdown(resource.id)}` : '';
  return `${type}${id}${call.route ? ` ${formatCodeSpan(call.route)}` : ''}`;
}

/** The resource's type, for "this order" in plain sentences. */
function typeOf(call: CallInput): string {
  const resource = call.input.resource as { type?: string } | undefined;
  return resource?.type ?? 'resource';
}

/** The branch a conditional decision turns on: the first allowing one, else the first exception. */
function firstBranch(decision: CallDecision): ConditionalBranch | undefined {
  return decision.branches[0] ?? decision.blockers[0];
}

/**
 * The rule that answers the call: for a conditional call the rule that sets the condition, not the
 * default; for a denial a deny rule before the default; otherwise the rule that decided.
 */
export function findAnsweringRule(decision: CallDecision) {
  if (decision.verdict === 'conditional') return firstBranch(decision)?.rule ?? decision.rules[0];
  if (decision.verdict === 'denied')
    return decision.rules.find((r) => !r.isDefault) ?? decision.rules[0] ?? decision.closest?.rule;
  return decision.rules[0];
}

/** The condition of a conditional call in words, or in Rego when it has no words. */
function conditionOf(decision: CallDecision, markdown: boolean): string {
  const branch = firstBranch(decision);
  if (!branch) return '';
  const text = branch.words ?? branch.conditions.join(' and ');
  const shown = branch.words
    ? markdown
      ? escapeMarkdown(text)
      : text
    : markdown
      ? formatCodeSpan(text)
      : text;
  const more = decision.branches.length + decision.blockers.length > 1 ? ' (or another condition)' : '';
  return `${decision.blockers.length > 0 ? 'unless' : 'if'} ${shown}${more}`;
}

/** The policy's own `reason`, as a sentence. */
function reasonSentence(reason: string, markdown: boolean): string {
  const text = reason.trim().replace(/[.\s]+$/, '');
  const sentence = `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  return markdown ? escapeMarkdown(sentence) : sentence;
}

/** The hover's first line: the verdict, who, the action, the resource, and the deciding rule as a link. */
function formatHeadline(explained: ExplainedCall, options: HoverOptions): string {
  const { call, decision, identity } = explained;
  if (decision.undecided?.kind === 'no-identity') return '**Not decided: no identity.**';
  if (decision.undecided?.kind === 'ungoverned') return '**○ Not governed** by any policy';
  if (decision.verdict === 'error') return `**${verdictIcons.error} Not decided**`;
  const who = escapeMarkdown(formatCaller(identity));
  const action = actionOf(call);
  const verb = action ? formatCodeSpan(action) : 'call (the method is computed)';
  const rule = findAnsweringRule(decision);
  const link = rule ? ` · ${formatRuleLink(rule)}` : '';
  const step = decision.challenge ? ` · step-up required (${escapeMarkdown(decision.challenge)})` : '';
  const suppressed = options.suppressed ? ' · suppressed' : '';
  const what = `${verb} ${resourceOf(call)}`;
  switch (decision.verdict) {
    case 'allowed':
      return `**${verdictIcons.allowed} Allowed**: ${who} may ${what}${step}${link}${suppressed}`;
    case 'denied':
      return `**${verdictIcons.denied} Denied**: ${who} may not ${what}${step}${link}${suppressed}`;
    default:
      return `**${verdictIcons.conditional} Conditional**: ${who} may ${what} ${conditionOf(decision, true)}${step}${link}${suppressed}`;
  }
}

/** The short answer under the headline: what to do, or why, in words. */
function formatShortAnswer(explained: ExplainedCall, options: HoverOptions): string[] {
  const { decision, identity } = explained;
  const lines: string[] = [];
  if (decision.undecided?.kind === 'no-identity') {
    lines.push(
      'Clearance decides as you, and does not know who you are yet. Sign in, choose where your token comes from, or evaluate as a claims file; calls are not flagged until then.',
    );
    if (options.commands)
      lines.push(
        [
          commandLink('Sign in', 'clearance.signIn'),
          commandLink('Choose a token source', 'clearance.chooseSource'),
          commandLink('Evaluate as…', 'clearance.evaluateAs'),
        ].join(' · '),
      );
    return lines;
  }
  if (decision.undecided?.kind === 'entrypoint-undefined') {
    const suggestions = decision.undecided.suggestions ?? [];
    const hint =
      suggestions.length > 0
        ? ` Did you mean ${suggestions.map((s) => formatCodeSpan(s)).join(' or ')}?`
        : '';
    lines.push(
      `No rule defines the entrypoint ${formatCodeSpan(decision.entrypoint)}, so nothing was asked of the policy.${hint}`,
    );
    lines.push(
      options.commands
        ? commandLink('Change clearance.policy.entrypoint', 'workbench.action.openSettings', [
            'clearance.policy.entrypoint',
          ])
        : 'Set `clearance.policy.entrypoint` to the rule that decides.',
    );
    return lines;
  }
  if (decision.verdict === 'error') return [formatWhy(decision, 'markdown')];
  if (options.suppressed)
    lines.push('Suppressed by a `clearance: ignore` comment: this call gets no warning.');
  if (decision.reason) lines.push(reasonSentence(decision.reason, true));
  else if (decision.verdict === 'denied') {
    const rule = decision.rules.find((r) => !r.isDefault) ?? decision.rules[0];
    if (!rule) lines.push('No allow rule matched, and the entrypoint has no default.');
    else if (rule.isDefault)
      lines.push(`No allow rule matched, so ${formatCodeSpan(formatRuleText(rule))} decided.`);
    else lines.push(`${formatCodeSpan(formatRuleText(rule))} denies it.`);
  } else if (decision.verdict === 'conditional') {
    const branch = firstBranch(decision);
    if (branch?.words) lines.push(`Rego: ${branch.conditions.map(formatCodeSpan).join(' and ')}`);
    else lines.push('The code does not show what the condition depends on.');
  }
  if (identity.simulated || identity.status === 'simulated')
    lines.push('_Simulated: decided for a claims file, not for you._');
  else if (identity.status !== 'verified' && identity.user)
    lines.push(`_The identity is ${identity.status}: the real system may decide otherwise._`);
  else if (!identity.user || identity.status === 'invalid' || identity.status === 'missing')
    lines.push('_Decided for an anonymous caller (`clearance.identity.anonymous`)._');
  return lines;
}

/** The details: why, the other actions, who, the policy and its version, the exact input. */
function formatDetails(explained: ExplainedCall, options: HoverOptions, nowMs: number): string[] {
  const { call, decision, identity } = explained;
  const lines: string[] = [];
  if (!decision.undecided) lines.push(`- **Why:** ${formatWhy(decision, 'markdown')}`);
  if (explained.otherActions && explained.otherActions.length > 0) {
    const others = explained.otherActions.map(
      (o) =>
        `${formatCodeSpan(o.action)} ${verdictIcons[o.verdict]} ${o.verdict}${o.words ? ` (if ${escapeMarkdown(o.words)})` : ''}`,
    );
    lines.push(`- **Other actions on this ${escapeMarkdown(typeOf(call))}:** ${others.join(' · ')}`);
  }
  lines.push(`- **Identity:** ${escapeMarkdown(formatWho(identity, nowMs))}`);
  lines.push(
    `- **Policy:** ${formatCodeSpan(decision.entrypoint)} · version ${formatCodeSpan(decision.policyVersion)}`,
  );
  const unknowns = call.unknowns.map(formatCodeSpan).join(', ');
  const links =
    options.commands && options.target
      ? ` · ${commandLink('Open', 'clearance.openInput', [options.target.uri, options.target.position])} · ${commandLink('Copy as input.json', 'clearance.copyInput', [options.target.uri, options.target.position])} · ${commandLink('Evaluate in the policy', 'clearance.rego.evaluateCall', [options.target.uri, options.target.position])}`
      : '';
  lines.push(`- **Input:** ${formatCodeSpan(call.summary)}; unknown: ${unknowns || 'nothing'}${links}`);
  return lines;
}

/** The hover shown over a call: the answer first, then the details (collapsed with `html`). */
export function formatHover(explained: ExplainedCall, nowMs: number, options: HoverOptions = {}): string {
  const parts = [
    formatHeadline(explained, options),
    '',
    ...joinParagraphs(formatShortAnswer(explained, options)),
  ];
  const details = formatDetails(explained, options, nowMs);
  if (options.html) parts.push('', '<details><summary>Details</summary>', '', ...details, '', '</details>');
  else parts.push('', '---', '', ...details);
  return parts.join('\n');
}

/** Paragraphs separated by blank lines. */
function joinParagraphs(lines: string[]): string[] {
  return lines.flatMap((line, i) => (i === 0 ? [line] : ['', line]));
}

/**
 * The diagnostic on a call: one short sentence. The hover, shown under it, holds the rule, the
 * identity and the rest.
 */
export function formatDiagnosticMessage(explained: ExplainedCall): string {
  const { call, decision, identity } = explained;
  const who = formatCaller(identity);
  const action = actionOf(call) ?? 'call';
  if (decision.verdict === 'error') {
    if (decision.undecided) return `${capitalize(formatWhy(decision, 'plain'))}`;
    return `Not decided: the policy failed (${decision.errors.map((e) => e.code).join(', ')}).`;
  }
  if (decision.verdict === 'conditional') {
    const branch = firstBranch(decision);
    const condition = branch?.words ?? 'something the code does not show';
    return `${decision.blockers.length > 0 ? 'Allowed unless' : 'Allowed only if'} ${condition}.`;
  }
  if (decision.verdict === 'allowed') return `Allowed for ${who}.`;
  if (decision.reason) return `Denied: ${decision.reason.trim().replace(/[.\s]+$/, '')}.`;
  return `Denied: ${who} may not ${action} this ${typeOf(call)}.`;
}

/** The code lens above a call: its verdict and for whom, e.g. `⛔ denied for alice@example.com`. */
export function formatLensTitle(explained: ExplainedCall): string {
  const { decision, identity } = explained;
  if (decision.undecided?.kind === 'no-identity') return '○ not decided: no identity';
  if (decision.undecided?.kind === 'ungoverned') return '○ not governed: a host no listed service is';
  if (decision.undecided?.kind === 'entrypoint-undefined')
    return `${verdictIcons.error} not decided: entrypoint not defined`;
  if (decision.verdict === 'error') return `${verdictIcons.error} not decided: the policy failed`;
  const who = formatCaller(identity);
  const step = decision.challenge ? ` · step-up required (${decision.challenge})` : '';
  const condition = decision.verdict === 'conditional' ? `: ${conditionOf(decision, false)}` : '';
  // A decision for claims nobody verified must say so wherever it is shown.
  const state = identity.user && identity.status !== 'verified' ? ` (${identity.status})` : '';
  const text = `${verdictIcons[decision.verdict]} ${decision.verdict} for ${who}${state}${condition}${step}`;
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

/** The sentence with its first letter in capitals. */
function capitalize(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
