/**
 * The Markdown of an access request: what a developer pastes into a ticket to ask for a permission
 * the policy does not give them. It names who, what, on which resource, what was decided and why,
 * and the policy version, so the policy owner can reproduce the decision. It holds no token.
 */
import { basename } from 'node:path';
import {
  type ExplainedCall,
  escapeMarkdown,
  formatCodeSpan,
  formatResource,
  formatWho,
  formatWhy,
} from './explain';

/** Where in the code the call is, for the request's reader. */
export interface CallSite {
  file: string;
  line: number;
}

/** The access request for a decided call, as Markdown. */
export function formatAccessRequest(explained: ExplainedCall, site: CallSite, nowMs: number): string {
  const { call, decision, identity } = explained;
  const action =
    typeof call.input.action === 'string' ? call.input.action : 'unknown (the method is computed)';
  return [
    `### Access request: ${escapeMarkdown(action)} ${escapeMarkdown(formatResource(call))}`,
    '',
    `- **Identity:** ${escapeMarkdown(formatWho(identity, nowMs))}`,
    `- **Action:** ${formatCodeSpan(action)}`,
    `- **Resource:** ${escapeMarkdown(formatResource(call))}${call.route ? ` ${formatCodeSpan(call.route)}` : ''}`,
    `- **Call:** ${formatCodeSpan(call.summary)} at ${formatCodeSpan(`${basename(site.file)}:${site.line}`)}`,
    `- **Decision:** ${decision.verdict}${decision.challenge ? `, step-up required (${escapeMarkdown(decision.challenge)})` : ''}`,
    `- **Why:** ${escapeMarkdown(formatWhy(decision, 'plain'))}`,
    `- **Policy:** ${formatCodeSpan(decision.entrypoint)} · version ${formatCodeSpan(decision.policyVersion)}`,
    `- **Asked at:** ${new Date(nowMs).toISOString()}`,
    '',
    `Please grant ${escapeMarkdown(action)} on ${escapeMarkdown(formatResource(call))}, or tell me which rule I should satisfy.`,
  ].join('\n');
}
