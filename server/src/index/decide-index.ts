/**
 * Decides every call of the workspace index through the decision cache, yielding to the event loop
 * between files so that hovers and edits are answered while thousands of calls are decided.
 */
import type { DecidedCall, DecisionContext } from '../decision/scan';
import { type DecisionCache, decideCached, fingerprintIdentity } from './decision-cache';
import { type WorkspaceIndex, yieldToEventLoop } from './workspace-index';

/** The decided calls of the whole index, or undefined when `isCancelled` stopped the run. */
export async function decideIndexedCalls(
  index: WorkspaceIndex,
  context: DecisionContext,
  cache: DecisionCache,
  isCancelled: () => boolean = () => false,
): Promise<DecidedCall[] | undefined> {
  const fingerprint = fingerprintIdentity(context.identity);
  const decided: DecidedCall[] = [];
  let previousFile = '';
  let sinceYield = 0;
  for (const { file, call } of index.listCalls()) {
    if (file.path !== previousFile && sinceYield >= 20) {
      sinceYield = 0;
      await yieldToEventLoop();
      if (isCancelled()) return undefined;
    }
    previousFile = file.path;
    const timeoutMs = context.settings.evaluation.timeoutMs;
    decided.push(decideCached(cache, file.path, call, context, timeoutMs, fingerprint));
    sinceYield++;
  }
  return decided;
}
