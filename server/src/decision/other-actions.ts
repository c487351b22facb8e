/**
 * The other actions on a call's resource, each decided for the same caller: the hover's "you may also
 * read it; you may not delete it". Each is the same input with the action (and the request's
 * method) of another HTTP method, so it is decided exactly as a call with that method would be.
 */
import type { LoadedPolicy } from '../policy/load';
import { type CallDecision, type DecisionLimits, decideCall } from './decide';
import type { CallInput } from './input';

/** One more action on the same resource, with its verdict. */
export interface OtherAction {
  action: string;
  method: string;
  verdict: CallDecision['verdict'];
  /** For a conditional verdict, its condition in plain words when it has some. */
  words?: string;
}

/** The actions an HTTP call can take, by the method that takes it (see docs/input.md). */
export const methodForAction: ReadonlyArray<{ action: string; method: string }> = [
  { action: 'read', method: 'GET' },
  { action: 'create', method: 'POST' },
  { action: 'update', method: 'PATCH' },
  { action: 'delete', method: 'DELETE' },
];

/**
 * Decides every action but the call's own on the call's resource, in the order read, create, update,
 * delete, within one decision's time limit in all; actions left when it runs out are not listed.
 */
export function decideOtherActions(
  loaded: LoadedPolicy,
  entrypoint: string,
  call: CallInput,
  limits: DecisionLimits,
): OtherAction[] {
  const own = call.input.action;
  const out: OtherAction[] = [];
  // All of them together get one decision's time: a hover must not wait for three slow evaluations.
  const deadline = Date.now() + limits.timeoutMs;
  for (const { action, method } of methodForAction) {
    if (action === own) continue;
    const left = deadline - Date.now();
    if (left <= 0) break;
    const context = call.input.context as { request?: Record<string, unknown> } | undefined;
    const request = { ...(context?.request ?? {}), method };
    const input = { ...call.input, action, context: { ...(context ?? {}), request } } as CallInput['input'];
    // The action is known here even when the call's method is computed.
    const unknowns = call.unknowns.filter((u) => u !== 'input.action');
    const decision = decideCall(
      loaded,
      entrypoint,
      { ...call, input, unknowns },
      { ...limits, timeoutMs: left },
    );
    const words = decision.branches[0]?.words ?? decision.blockers[0]?.words;
    out.push({ action, method, verdict: decision.verdict, ...(words ? { words } : {}) });
  }
  return out;
}
