/**
 * The exact input a call was decided with, as a document to read (JSON with comments that say what
 * was unknown) and as `input.json` to feed `clearance policy eval -i` or the Rego editor.
 */
import { basename } from 'node:path';
import type { ExplainedCall } from './explain';
import { formatCaller } from './explain';

/** The two forms of a call's input. */
export interface InputDocument {
  /** JSON with `//` comments naming the call, the identity, the entrypoint and the unknowns. */
  annotated: string;
  /** The input alone, as JSON. */
  json: string;
}

/** The input of a decided call at `file:line`, in both forms. */
export function formatInputDocument(explained: ExplainedCall, file: string, line: number): InputDocument {
  const { call, decision, identity } = explained;
  const json = `${JSON.stringify(call.input, null, 2)}\n`;
  const unknowns = call.unknowns.join(', ') || 'nothing';
  const annotated = [
    `// The input Clearance evaluated for ${call.summary} (${basename(file)}:${line})`,
    `// as ${formatCaller(identity)}, with ${decision.entrypoint}, policy ${decision.policyVersion}.`,
    `// Unknown: ${unknowns}. What is missing under these paths was evaluated for every`,
    '// value (the code does not show it), not as absent; `clearance policy eval` treats it as absent.',
    json,
  ].join('\n');
  return { annotated, json };
}
