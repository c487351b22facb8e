/**
 * The permissions report: the resources the workspace's calls touch, each action with its decision
 * for the current identity, and the places in code that make the call. Pure data built from decided
 * calls; the language server turns locations into URIs and ranges.
 */
import type { CallDecision, Verdict } from '../decision/decide';
import { formatRuleSite, formatRuleText, formatWhy } from '../decision/explain';
import type { DecidedCall } from '../decision/scan';
import type { Location } from '../errors';

/** One place in code that makes a call. */
export interface PermissionSite {
  file: string;
  location: Location;
  /** The call as a line, e.g. `DELETE /api/orders/{id}`. */
  summary: string;
}

/** One decision an action gets, and every call site that gets it. */
export interface PermissionDecision {
  verdict: Verdict;
  /** The deciding rule as a short line with its site, e.g. `default allow := false (authz.rego:5)`. */
  rule?: string;
  /** Why, in one line of plain text. */
  why: string;
  sites: PermissionSite[];
}

/** An action on a resource, with the decisions its calls get (usually one). */
export interface PermissionAction {
  action: string;
  decisions: PermissionDecision[];
}

/** A resource type the workspace touches, with its actions. */
export interface PermissionResource {
  resource: string;
  actions: PermissionAction[];
}

/** The longest `why` kept: the tree shows one line. */
const maxWhyLength = 240;

/** Groups decided calls by resource, then action, then decision (verdict and explanation). */
export function buildPermissions(decided: readonly DecidedCall[]): PermissionResource[] {
  const resources = new Map<string, Map<string, Map<string, PermissionDecision>>>();
  // Calls with the same input share one cached decision object: explain each decision once.
  const explained = new Map<object, { why: string; ruleText: string | undefined }>();
  for (const item of decided) {
    const resourceValue = item.input.input.resource as { type?: unknown } | undefined;
    const resource = typeof resourceValue?.type === 'string' ? resourceValue.type : '(unknown resource)';
    const action =
      typeof item.input.input.action === 'string' ? item.input.input.action : '(computed method)';
    const decision = item.decision;
    const { why, ruleText } = explained.get(decision) ?? explainDecision(decision);
    explained.set(decision, { why, ruleText });
    const actions = resources.get(resource) ?? new Map<string, Map<string, PermissionDecision>>();
    resources.set(resource, actions);
    const decisions = actions.get(action) ?? new Map<string, PermissionDecision>();
    actions.set(action, decisions);
    const key = `${decision.verdict}\0${why}`;
    const entry = decisions.get(key) ?? {
      verdict: decision.verdict,
      ...(ruleText ? { rule: ruleText } : {}),
      why,
      sites: [],
    };
    decisions.set(key, entry);
    entry.sites.push({ file: item.file, location: item.call.location, summary: item.input.summary });
  }
  return [...resources]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([resource, actions]) => ({
      resource,
      actions: [...actions]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([action, decisions]) => ({
          action,
          decisions: [...decisions.values()].sort(
            (a, b) => verdictOrder[a.verdict] - verdictOrder[b.verdict],
          ),
        })),
    }));
}

function explainDecision(decision: CallDecision): { why: string; ruleText: string | undefined } {
  const rule = decision.rules.find((r) => r.isDefault) ?? decision.rules[0];
  return {
    why: shorten(formatWhy(decision, 'plain')),
    ruleText: rule ? `${formatRuleText(rule)} (${formatRuleSite(rule)})` : undefined,
  };
}

// Denials first: they are what a developer looks for.
const verdictOrder: Record<Verdict, number> = { denied: 0, error: 1, conditional: 2, allowed: 3 };

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > maxWhyLength ? `${line.slice(0, maxWhyLength - 1)}…` : line;
}
