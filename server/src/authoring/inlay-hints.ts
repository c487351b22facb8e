/**
 * Inlay hints: the parameter name before each argument of a builtin or user function call
 * (`count(collection: input.roles)`), left out where the argument already says it.
 */
import type { Location } from '../errors';
import { lookupBuiltin } from '../rego';
import type { Term } from '../rego/syntax/ast';
import { functionParams } from './describe';
import type { AuthoringProject } from './project';
import { occurrencesOf } from './resolve';
import { walkModule } from './walk';

/** One hint: the text shown before `at`. */
export interface InlayHint {
  at: Location;
  label: string;
}

/** The hints of a file between two offsets. */
export function inlayHints(
  project: AuthoringProject,
  file: string,
  from = 0,
  to = Number.POSITIVE_INFINITY,
): InlayHint[] {
  const entry = project.entry(file);
  if (!entry?.module) return [];
  const byOperator = new Map<number, { kind: string; name: string; path?: string[] }>();
  for (const o of occurrencesOf(project, entry)) {
    if (o.symbol.kind === 'builtin')
      byOperator.set(o.span.start.offset, { kind: 'builtin', name: o.symbol.name });
    else if (o.symbol.kind === 'rule' && o.call)
      byOperator.set(o.span.start.offset, { kind: 'rule', name: '', path: o.symbol.path });
  }
  const hints: InlayHint[] = [];
  walkModule(entry.module, (item) => {
    if (item.kind !== 'term' || item.node.type !== 'call' || item.node.infix) return;
    const call = item.node;
    if (call.location.end.offset < from || call.location.start.offset > to) return;
    const names = paramNames(project, call.operator.terms, byOperator);
    if (!names) return;
    call.args.forEach((arg: Term, i) => {
      const name = names[i];
      if (!name || name === '_') return;
      const written = entry.text.slice(arg.location.start.offset, arg.location.end.offset);
      if (written === name || written.endsWith(`.${name}`)) return;
      hints.push({ at: arg.location, label: `${name}:` });
    });
  });
  return hints;
}

function paramNames(
  project: AuthoringProject,
  terms: Term[],
  byOperator: Map<number, { kind: string; name: string; path?: string[] }>,
): string[] | undefined {
  // A user function's occurrence starts at its last segment; a builtin's at the operator's start.
  for (const t of [terms[0], terms[terms.length - 1]]) {
    const found = t && byOperator.get(t.location.start.offset);
    if (!found) continue;
    if (found.kind === 'builtin') return lookupBuiltin(found.name)?.signature.args.map((a) => a.name);
    if (found.path) return functionParams(project, project.rulesAt(found.path));
  }
  return undefined;
}
