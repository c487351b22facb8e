/**
 * Rego's keywords with a line of documentation each, and the snippets completion offers. Hover and
 * completion both read this table.
 */

/** One keyword: what it does, and how it is written. */
export interface KeywordDoc {
  name: string;
  syntax: string;
  description: string;
}

/** The keywords of Rego (OPA 1.x), in the order completion lists them. */
export const KEYWORDS: readonly KeywordDoc[] = [
  {
    name: 'package',
    syntax: 'package a.b.c',
    description: 'Names the package the rules of this file belong to: they appear under `data.a.b.c`.',
  },
  {
    name: 'import',
    syntax: 'import data.a.b [as c]',
    description:
      'Makes a package, a rule or `input` available by its last name (or by the alias after `as`).',
  },
  {
    name: 'default',
    syntax: 'default p := value',
    description: 'The value a rule takes when no other clause of it gives one.',
  },
  {
    name: 'if',
    syntax: 'p if { conditions }',
    description: 'Separates a rule head from its body: the rule holds when every condition of the body does.',
  },
  {
    name: 'contains',
    syntax: 'p contains x if { ... }',
    description: 'Defines a partial set rule: every `x` for which the body holds is a member of `p`.',
  },
  {
    name: 'else',
    syntax: 'p := a if { ... } else := b if { ... }',
    description: 'An alternative value tried, in order, when the clauses before it do not hold.',
  },
  {
    name: 'not',
    syntax: 'not expr',
    description: 'Holds when the expression is false or undefined (negation as failure).',
  },
  {
    name: 'and',
    syntax: 'a and b  (import future.keywords.and)',
    description:
      'Holds when both operands hold; each operand (an expression, `( ... )` or `{ body }`) is a query of its own. Binds tighter than `or`, looser than `not`.',
  },
  {
    name: 'or',
    syntax: 'a or b  (import future.keywords.or)',
    description:
      'Holds when either operand holds (the right one is tried only when the left one fails), once; bindings made inside an operand stay there.',
  },
  {
    name: 'some',
    syntax: 'some x in coll / some k, v in coll',
    description:
      'Declares local variables; with `in`, iterates over the members (or keys and values) of a collection.',
  },
  {
    name: 'every',
    syntax: 'every x in coll { conditions }',
    description: 'Holds when the body holds for every member of the collection (and for an empty one).',
  },
  {
    name: 'in',
    syntax: 'x in coll / k, v in coll',
    description: 'Membership: holds when `x` is a member (a value) of the collection.',
  },
  {
    name: 'with',
    syntax: 'expr with input.x as value',
    description:
      'Evaluates an expression with part of `input` or `data` (or a function) replaced: the tool of tests.',
  },
  {
    name: 'as',
    syntax: 'import data.x as y / with t as v',
    description: 'Names an import, or gives the replacement value of a `with`.',
  },
  { name: 'true', syntax: 'true', description: 'The boolean true.' },
  { name: 'false', syntax: 'false', description: 'The boolean false.' },
  { name: 'null', syntax: 'null', description: 'The JSON null value.' },
  {
    name: 'input',
    syntax: 'input.x',
    description:
      'The input document of the evaluation: for Clearance, the user, action, resource and context of a call (docs/input.md).',
  },
  {
    name: 'data',
    syntax: 'data.pkg.rule',
    description: 'The root of every package, rule and data document.',
  },
];

/** A snippet: a label and the text inserted, in the LSP snippet syntax (`${1:name}`). */
export interface Snippet {
  label: string;
  detail: string;
  body: string;
}

/** An LSP snippet placeholder: tab stop `n` with default `text`. */
const ph = (n: number, text: string) => `\${${n}:${text}}`;

/** The snippets offered at the start of a statement. */
export const SNIPPETS: readonly Snippet[] = [
  { label: 'rule', detail: 'rule with a body', body: `${ph(1, 'name')} if {\n\t${ph(0, 'true')}\n}` },
  {
    label: 'default',
    detail: 'default value of a rule',
    body: `default ${ph(1, 'allow')} := ${ph(0, 'false')}`,
  },
  {
    label: 'function',
    detail: 'function',
    body: `${ph(1, 'name')}(${ph(2, 'x')}) := ${ph(3, 'result')} if {\n\t$0\n}`,
  },
  {
    label: 'contains',
    detail: 'partial set rule',
    body: `${ph(1, 'name')} contains ${ph(2, 'x')} if {\n\t$0\n}`,
  },
  {
    label: 'test',
    detail: 'test rule',
    body: `test_${ph(1, 'name')} if {\n\t${ph(2, 'allow')} with input as ${ph(0, '{}')}\n}`,
  },
  {
    label: 'some in',
    detail: 'iterate over a collection',
    body: `some ${ph(1, 'x')} in ${ph(0, 'collection')}`,
  },
  {
    label: 'every',
    detail: 'every member must satisfy',
    body: `every ${ph(1, 'x')} in ${ph(2, 'collection')} {\n\t$0\n}`,
  },
  {
    label: 'metadata',
    detail: '# METADATA block',
    body: `# METADATA\n# title: ${ph(1, 'Title')}\n# description: ${ph(0, 'What this rule decides')}`,
  },
  { label: 'import rego.v1', detail: 'Rego v1 keywords in v0 files', body: `import rego.v1` },
];

/** The keyword named `name`, if it is one. */
export function keywordDoc(name: string): KeywordDoc | undefined {
  return KEYWORDS.find((k) => k.name === name);
}
