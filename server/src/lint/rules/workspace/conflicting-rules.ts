/**
 * bugs/conflicting-rules (workspace): definitions of one rule, across the files of its package, that
 * cannot stand together, each reported with where the other one is. OPA's compiler rejects a rule
 * whose clauses are of different kinds ("conflicting rules … found": a function and a rule of one
 * name, a complete rule and a partial set or object) or functions of different arities, and two
 * `default` clauses; it names one clause only. Two unconditional definitions of a complete rule
 * (`x := 1` in one file, `x := 2` in another) compile, but fail every evaluation with a conflict
 * when their values differ, and one is dead when they agree.
 */
import type { Location } from '../../../errors';
import type { Rule } from '../../../rego/syntax/ast';
import type { Finding } from '../../types';
import { defineWorkspaceRule, type LintWorkspace } from '../../workspace-model';

interface Clause {
  rule: Rule;
  location: Location;
  kind: string;
}

export default defineWorkspaceRule({
  id: 'conflicting-rules',
  category: 'bugs',
  description: 'Conflicting definitions of a rule',
  rationale:
    'A rule defined twice in ways that cannot stand together (a function and a rule of one name, a complete rule and a partial one, two defaults, or two unconditional values) is a compile error or a conflict at every evaluation; across files of one package, the other definition is easy to miss.',
  check: (ws) => {
    const out: Finding[] = [];
    for (const [path, clauses] of clausesByPath(ws)) {
      const [first] = clauses;
      if (!first) continue;
      const name = `data.${path}`;
      // Both ends of each conflict are reported, each naming the other: either may be the one to change.
      const pair = (base: Clause, others: Clause[], say: (c: Clause, other: Clause) => string) => {
        const [next] = others;
        if (!next) return;
        out.push(conflict(base, next, say(base, next)));
        for (const c of others) out.push(conflict(c, base, say(c, base)));
      };
      const differing = clauses.filter((c) => c.kind !== first.kind);
      pair(first, differing, (c, o) => `conflicting rules ${name}: ${c.kind} here, ${o.kind} at ${at(o)}`);
      if (differing.length > 0) continue;
      const [firstDefault, ...defaults] = clauses.filter((c) => c.rule.isDefault);
      if (firstDefault)
        pair(firstDefault, defaults, (_c, o) => `multiple default rules ${name}: another at ${at(o)}`);
      if (first.kind !== 'a complete rule') continue;
      const base = clauses.find((c) => !c.rule.isDefault && isUnconditional(c.rule));
      if (!base) continue;
      const others = clauses.filter((c) => c !== base && !c.rule.isDefault);
      pair(
        base,
        others,
        (c, o) =>
          `${name} is defined ${c === base ? 'unconditionally ' : ''}here and ${o === base ? 'unconditionally ' : ''}at ${at(o)}: with two values every evaluation fails with a conflict, with one value a definition is dead`,
      );
    }
    return out;
  },
});

function conflict(c: Clause, other: Clause, message: string): Finding {
  return {
    location: c.location,
    message,
    related: [{ location: other.location, message: 'the other definition' }],
  };
}

function at(c: Clause): string {
  return `${c.location.file}:${c.location.start.line}`;
}

/** A clause that always holds: no body and no `else`. */
function isUnconditional(rule: Rule): boolean {
  return rule.body.exprs.length === 0 && !rule.else;
}

/** Each rule path's clauses, in file and line order, with what kind of rule each defines. */
function clausesByPath(ws: LintWorkspace): Map<string, Clause[]> {
  const byPath = new Map<string, Clause[]>();
  const files = [...ws.files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const f of files)
    for (const rule of f.module.rules) {
      const terms = rule.head.ref.terms;
      const head = terms[0];
      if (head?.type !== 'var') continue;
      // The path up to the first non-constant segment; a partial set's last constant is a member.
      const names = [head.name];
      const last = rule.kind === 'partialset' && rule.head.assign !== 'contains' && !rule.head.key ? 1 : 0;
      for (const t of terms.slice(1, terms.length - last)) {
        if (t.type !== 'string') break;
        names.push(String(t.value));
      }
      const path = [...f.module.package.path, ...names].join('.');
      const list = byPath.get(path) ?? [];
      list.push({ rule, location: rule.head.location, kind: kindOf(rule) });
      byPath.set(path, list);
    }
  return byPath;
}

function kindOf(rule: Rule): string {
  if (rule.kind === 'function') return `a function of ${rule.head.args?.length ?? 0} argument(s)`;
  if (rule.kind === 'partialset') return 'a partial set';
  if (rule.kind === 'partialobject') return 'a partial object';
  return 'a complete rule';
}
