/** Code lenses above calls: the verdict and the identity it was decided for. */
import type { CodeLens } from 'vscode-languageserver';
import { formatLensTitle } from '../decision/answer';
import type { DecidedCall } from '../decision/scan';
import { isSuppressed } from '../decision/suppression';
import type { Identity } from '../identity';
import { toRange } from './convert';

/**
 * One lens per call that is not suppressed, on the call's first line. The lens is a label: its
 * command is empty, so clicking it does nothing; the hover and the code actions hold the rest.
 */
export function buildCodeLenses(calls: DecidedCall[], identity: Identity): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const item of calls) {
    if (isSuppressed(item.call)) continue;
    const start = toRange(item.call.location).start;
    lenses.push({
      range: { start, end: start },
      command: {
        title: formatLensTitle({ call: item.input, decision: item.decision, identity }),
        command: '',
      },
    });
  }
  return lenses;
}
