/**
 * Template strings in function arguments: `f($"{x} {input.y}") := 42 if { x = "foo" }`. OPA
 * rewrites such an argument to a fresh variable the call binds, and unifies it in the body with the
 * template once the body has bound the template's variables, so the argument is matched against the
 * rendered string rather than compiled as a pattern.
 */
import type * as ast from '../syntax/ast';

/** The rule with every template string in its function arguments moved into its body. */
export function templateArgsIntoBody(rule: ast.Rule): ast.Rule {
  const args = rule.head.args;
  if (!args?.some(hasTemplate)) return rule;
  const exprs: ast.Expr[] = [...rule.body.exprs];
  let n = 0;
  const replace = (t: ast.Term): ast.Term => {
    switch (t.type) {
      case 'templatestring': {
        const v: ast.Var = { type: 'var', name: `__targ${n++}__`, generated: true, location: t.location };
        exprs.push({ type: 'unify', left: v, right: t, location: t.location });
        return v;
      }
      case 'array':
        return { ...t, items: t.items.map(replace) };
      case 'object':
        return { ...t, entries: t.entries.map((e) => ({ key: e.key, value: replace(e.value) })) };
      default:
        return t;
    }
  };
  const head = { ...rule.head, args: args.map(replace) };
  return { ...rule, head, body: { ...rule.body, exprs } };
}

/** True when a template string is somewhere in the argument pattern. */
function hasTemplate(t: ast.Term): boolean {
  switch (t.type) {
    case 'templatestring':
      return true;
    case 'array':
      return t.items.some(hasTemplate);
    case 'object':
      return t.entries.some((e) => hasTemplate(e.value));
    default:
      return false;
  }
}
