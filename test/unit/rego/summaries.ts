/**
 * One-line renderings of parsed rules and errors, so fixture files can state expected parse results
 * compactly: `partialset p contains x if some x in input.xs`.
 */
import type { ClearanceError } from '../../../server/src/errors';
import type { ElseClause, Rule } from '../../../server/src/rego/ast';
import { bodyToString, refToString, termToString } from '../../../server/src/rego/term-text';

function summarizeElse(clause: ElseClause | undefined): string {
  if (!clause) return '';
  const value = clause.value ? ` := ${termToString(clause.value)}` : '';
  const body = clause.body.exprs.length > 0 ? ` if ${bodyToString(clause.body)}` : '';
  return ` else${value}${body}${summarizeElse(clause.else)}`;
}

/** `<kind>[ default] <ref>[(<args>)][ <assign> <value|key>][ if <body>][ else ...]` */
export function summarizeRule(rule: Rule): string {
  const head = rule.head;
  let out = `${rule.kind}${rule.isDefault ? ' default' : ''} ${refToString(head.ref)}`;
  if (head.args) out += `(${head.args.map(termToString).join(', ')})`;
  if (head.assign === 'contains' && head.key) out += ` contains ${termToString(head.key)}`;
  else if (head.assign && head.value) out += ` ${head.assign} ${termToString(head.value)}`;
  if (rule.body.exprs.length > 0) out += ` if ${bodyToString(rule.body)}`;
  return out + summarizeElse(rule.else);
}

/** `<line>:<column> <message>` */
export function summarizeError(error: ClearanceError): string {
  const start = error.location?.start;
  return `${start?.line ?? 0}:${start?.column ?? 0} ${error.message}`;
}
