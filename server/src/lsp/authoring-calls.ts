/**
 * The application code's calls as inputs for the Rego side: the exact input a call site's decision
 * used (so a rule can be evaluated with it), and the call sites of the open source documents to
 * choose one from. Decisions come from the workspace, as the call's hover has them.
 */
import { basename } from 'node:path';
import { formatCaller } from '../decision/explain';
import type { DecidedCall } from '../decision/scan';
import { redactTokensInText } from '../identity';
import type { JsonValue } from '../rego';
import type { WireCallSite } from './authoring-protocol';
import { toPath, toRange, toUri } from './convert';
import { findDecidedCall } from './features';
import type { SharedWorkspace } from './shared-workspace';

/** At most this many call sites are offered. */
const maxSites = 200;

/** A call site's input, the entrypoint its decision used, and words that name it. */
export interface CallSiteInput {
  input: JsonValue;
  entrypoint: string;
  /** `DELETE /api/orders/{id} (orders.ts:12) as alice@example.com`. */
  label: string;
  unknowns: string[];
}

/** The input the decision of the call at `position` of `uri` used, or why there is none. */
export async function callInputAt(
  ws: SharedWorkspace,
  uri: string,
  position: { line: number; character: number },
): Promise<CallSiteInput | { error: string }> {
  const path = toPath(uri);
  if (!path || !ws.contains(path)) return { error: `${uri} is not a file of this workspace` };
  const decided = await ws.decideDocument(path, new Date());
  if (!decided) return { error: `${basename(path)} is not open, or is not application code` };
  const item = findDecidedCall(decided.calls, position);
  if (!item) return { error: `no call at ${basename(path)}:${position.line + 1} (edited since?)` };
  return {
    input: item.input.input,
    entrypoint: item.decision.entrypoint,
    label: redactTokensInText(`${siteName(item)} as ${formatCaller(ws.identity)}`),
    unknowns: item.input.unknowns,
  };
}

/** `DELETE /api/orders/{id} (orders.ts:12)`. */
function siteName(item: DecidedCall): string {
  return `${item.input.summary} (${basename(item.file)}:${item.call.location.start.line})`;
}

/** The call sites of the open source documents, by file and line. */
export async function listCallSites(ws: SharedWorkspace): Promise<WireCallSite[]> {
  const sites: WireCallSite[] = [];
  const paths = [...ws.documents.keys()].filter((p) => !p.endsWith('.rego') && ws.contains(p)).sort();
  for (const path of paths) {
    const decided = await ws.decideDocument(path, new Date());
    for (const item of decided?.calls ?? []) {
      if (sites.length >= maxSites) return sites;
      sites.push({
        label: redactTokensInText(siteName(item)),
        uri: toUri(path),
        position: toRange(item.call.location).start,
        entrypoint: item.decision.entrypoint,
      });
    }
  }
  return sites;
}
