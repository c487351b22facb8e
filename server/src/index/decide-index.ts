/**
 * Decides every call of the workspace index through the decision cache, yielding to the event loop
 * between files so that hovers and edits are answered while thousands of calls are decided.
 */
import type { DecidedCall, DecisionContext } from '../decision/scan';
import { type DecisionCache, decideCached, fingerprintIdentity } from './decision-cache';
import { yieldToEventLoop } from './project-resolution';
import type { WorkspaceIndex } from './workspace-index';

/** The longest stretch of deciding between two yields, in ms: a hover waits at most about this long. */
const sliceMs = 8;

/** The decided calls of the whole index, or undefined when `isCancelled` stopped the run. */
export async function decideIndexedCalls(
  index: WorkspaceIndex,
  context: DecisionContext,
  cache: DecisionCache,
  isCancelled: () => boolean = () => false,
): Promise<DecidedCall[] | undefined> {
  const fingerprint = fingerprintIdentity(context.identity);
  const timeoutMs = context.settings.evaluation.timeoutMs;
  const decided: DecidedCall[] = [];
  let lastYield = performance.now();
  for (const { file, call } of index.listCalls()) {
    // Yield by time, not by count: cached decisions take microseconds, a new one may take a while.
    if (performance.now() - lastYield > sliceMs) {
      await yieldToEventLoop();
      if (isCancelled()) return undefined;
      lastYield = performance.now();
    }
    decided.push(decideCached(cache, file.path, call, context, timeoutMs, fingerprint));
  }
  return decided;
}
