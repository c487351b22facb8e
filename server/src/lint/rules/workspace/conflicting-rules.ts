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
import type { Module, Rule } from '../../../rego/syntax/ast';
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
    // A package of one file (most) has its findings kept with its module; others are merged each time.
    const byPackage = new Map<string, LintWorkspace['files']>();
    for (const f of ws.files) {
      const list = byPackage.get(f.packageName);
      if (list) list.push(f);
      else byPackage.set(f.packageName, [f]);
    }
    const out: Finding[] = [];
    for (const files of byPackage.values()) {
      const [only] = files;
      if (only && files.length === 1) {
        out.push(...moduleFindings(only.module));
        continue;
      }
      const merged = new Map<string, Clause[]>();
      for (const f of [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)))
        for (const [path, clauses] of clausesOf(f.module))
          merged.set(path, [...(merged.get(path) ?? []), ...clauses]);
      out.push(...findingsOf(merged));
    }
    return out;
  },
});

/** The findings among one module's own clauses, kept while the module is. */
const findingsByModule = new WeakMap<Module, Finding[]>();

function moduleFindings(module: Module): Finding[] {
  let found = findingsByModule.get(module);
  if (!found) {
    found = findingsOf(clausesOf(module));
    findingsByModule.set(module, found);
  }
  return found;
}

/** The conflicts among clauses grouped by rule path (in file and line order). */
function findingsOf(byPath: Map<string, Clause[]>): Finding[] {
  const out: Finding[] = [];
  for (const [path, clauses] of byPath) {
    const [first] = clauses;
    if (!first || clauses.length === 1) continue;
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
}

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

/** Each module's clauses by rule path, in line order, kept while the module is (the server re-lints after every edit). */
const clausesByModule = new WeakMap<Module, Map<string, Clause[]>>();

function clausesOf(module: Module): Map<string, Clause[]> {
  const known = clausesByModule.get(module);
  if (known) return known;
  const out = new Map<string, Clause[]>();
  const pkg = module.package.path.join('.');
  for (const rule of module.rules) {
    const terms = rule.head.ref.terms;
    const head = terms[0];
    if (head?.type !== 'var') continue;
    // The path up to the first non-constant segment; a partial set's last constant is a member.
    let path = `${pkg}.${head.name}`;
    const last = rule.kind === 'partialset' && rule.head.assign !== 'contains' && !rule.head.key ? 1 : 0;
    for (const t of terms.slice(1, terms.length - last)) {
      if (t.type !== 'string') break;
      path += `.${String(t.value)}`;
    }
    const clause = { rule, location: rule.head.location, kind: kindOf(rule) };
    const list = out.get(path);
    if (list) list.push(clause);
    else out.set(path, [clause]);
  }
  clausesByModule.set(module, out);
  return out;
}

function kindOf(rule: Rule): string {
  if (rule.kind === 'function') return `a function of ${rule.head.args?.length ?? 0} argument(s)`;
  if (rule.kind === 'partialset') return 'a partial set';
  if (rule.kind === 'partialobject') return 'a partial object';
  return 'a complete rule';
}
