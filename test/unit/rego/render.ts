/**
 * Renders parsed Rego as compact text for the parser's fixtures, in the style of OPA's `String()`
 * output: operators in call form (`plus(x, 1)`, `internal.member_2(x, xs)`), wildcards as `$0`,
 * rules prefixed with their kind. Fixture expectations are written in this notation.
 */
import type { Body, ElseClause, Expr, Module, Rule, Term } from '../../../server/src/rego/syntax/ast';

const SIMPLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Renders a term. */
export function renderTerm(t: Term): string {
  switch (t.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(t.value);
    case 'number':
      return String(t.value);
    case 'string':
      return JSON.stringify(t.value);
    case 'var':
      return t.name;
    case 'ref':
      return t.terms
        .map((part, i) => {
          if (i === 0) return renderTerm(part);
          if (part.type === 'string' && typeof part.value === 'string' && SIMPLE_NAME.test(part.value)) {
            return `.${part.value}`;
          }
          return `[${renderTerm(part)}]`;
        })
        .join('');
    case 'array':
      return `[${t.items.map(renderTerm).join(', ')}]`;
    case 'set':
      return t.items.length === 0 ? 'set()' : `{${t.items.map(renderTerm).join(', ')}}`;
    case 'object':
      return `{${t.entries.map((e) => `${renderTerm(e.key)}: ${renderTerm(e.value)}`).join(', ')}}`;
    case 'arraycomprehension':
      return `[${renderTerm(t.term)} | ${renderBody(t.body)}]`;
    case 'setcomprehension':
      return `{${renderTerm(t.term)} | ${renderBody(t.body)}}`;
    case 'objectcomprehension':
      return `{${renderTerm(t.key)}: ${renderTerm(t.value)} | ${renderBody(t.body)}}`;
    case 'call':
      return `${renderTerm(t.operator)}(${t.args.map(renderTerm).join(', ')})`;
    case 'templatestring': {
      const quote = t.raw ? '`' : '"';
      const parts = t.parts.map((p, i) => {
        if (typeof p === 'string') return p;
        const withs = t.partWith?.[i];
        const mods = withs
          ? withs.map((w) => ` with ${renderTerm(w.target)} as ${renderTerm(w.value)}`).join('')
          : '';
        return `{${renderTerm(p)}${mods}}`;
      });
      return `$${quote}${parts.join('')}${quote}`;
    }
  }
}

/** Renders one expression with its `with` modifiers. */
export function renderExpr(e: Expr): string {
  let out: string;
  switch (e.type) {
    case 'term':
      out = renderTerm(e.term);
      break;
    case 'assign':
      out = `${renderTerm(e.left)} := ${renderTerm(e.right)}`;
      break;
    case 'unify':
      out = `${renderTerm(e.left)} = ${renderTerm(e.right)}`;
      break;
    case 'somedecl':
      out = `some ${e.vars.map(renderTerm).join(', ')}`;
      break;
    case 'somein':
      out = `some ${e.key ? `${renderTerm(e.key)}, ` : ''}${renderTerm(e.value)} in ${renderTerm(e.collection)}`;
      break;
    case 'every':
      out = `every ${e.key ? `${renderTerm(e.key)}, ` : ''}${renderTerm(e.value)} in ${renderTerm(e.collection)} { ${renderBody(e.body)} }`;
      break;
    case 'not':
      out = `not ${renderExpr(e.expr)}`;
      break;
    case 'notbody':
      out = `not { ${renderBody(e.body)} }`;
      break;
    case 'logical':
      out = e.operands.map((o) => `{ ${renderBody(o.body)} }`).join(` ${e.op} `);
      break;
  }
  for (const w of e.with ?? []) out += ` with ${renderTerm(w.target)} as ${renderTerm(w.value)}`;
  return out;
}

/** Renders a body as `expr; expr`. */
export function renderBody(b: Body): string {
  return b.exprs.map(renderExpr).join('; ');
}

function renderElse(e: ElseClause): string {
  let out = ' else';
  if (e.value) out += ` := ${renderTerm(e.value)}`;
  if (e.body.exprs.length > 0) out += ` if { ${renderBody(e.body)} }`;
  if (e.else) out += renderElse(e.else);
  return out;
}

/** Renders a rule as `<kind>: [default ]<head>[ if { body }][ else ...]`. */
export function renderRule(r: Rule): string {
  const h = r.head;
  let out = `${r.kind}: ${r.isDefault ? 'default ' : ''}${renderTerm(h.ref)}`;
  if (h.args) out += `(${h.args.map(renderTerm).join(', ')})`;
  if (h.assign === 'contains' && h.key) out += ` contains ${renderTerm(h.key)}`;
  else if (h.value) out += ` ${h.assign ?? ':='} ${renderTerm(h.value)}`;
  if (r.body.exprs.length > 0) out += ` if { ${renderBody(r.body)} }`;
  if (r.else) out += renderElse(r.else);
  return out;
}

/** A module's package, imports and rules in fixture notation. */
export function summarizeModule(m: Module): { package: string; imports: string[]; rules: string[] } {
  return {
    package: m.package.path.join('.'),
    imports: m.imports.map((i) => `${renderTerm(i.path)}${i.alias ? ` as ${i.alias}` : ''}`),
    rules: m.rules.map(renderRule),
  };
}
