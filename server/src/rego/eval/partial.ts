/**
 * Unknown values for three-valued decisions. When the caller names ref prefixes as unknown
 * (`input.resource`), reads under them that the input cannot answer yield an `Unknown` carrying
 * the Rego text it stands for; anything computed from it stays Unknown, and conditions on it
 * become residual conditions rendered as Rego source with known values substituted.
 */
import { formatNumber } from '../value/number';
import { formatRegoValue, RegoNumber, type Value } from '../value/value';

/** A value the evaluator cannot know: rendered as the Rego text that would compute it. */
export class Unknown {
  /** Rego source for the value, e.g. `input.resource.owner_id`. */
  readonly text: string;
  /** True when the text is an infix expression that needs parentheses inside another one. */
  readonly compound: boolean;
  constructor(text: string, compound = false) {
    this.text = text;
    this.compound = compound;
  }
}

/** A value during evaluation: known, or Unknown. */
export type EValue = Value | Unknown;

/** True when any of the values is Unknown. */
export function anyUnknown(values: EValue[]): boolean {
  for (const v of values) if (v instanceof Unknown) return true;
  return false;
}

/** Rego text for a value or an Unknown, parenthesised when it is a compound expression. */
export function renderOperand(v: EValue): string {
  if (v instanceof Unknown) return v.compound ? `(${v.text})` : v.text;
  return formatRegoValue(v);
}

/** Renders a call with evaluated arguments: infix operators as `a == b`, others as `f(a, b)`. */
export function renderCall(name: string, infix: string | undefined, args: EValue[]): Unknown {
  if (infix && args.length === 2) {
    let [a, b] = args as [EValue, EValue];
    // Symmetric comparisons read better with the unknown side first: `input.x.owner == "alice"`.
    if ((infix === '==' || infix === '!=') && !(a instanceof Unknown) && b instanceof Unknown)
      [a, b] = [b, a];
    return new Unknown(`${renderOperand(a)} ${infix} ${renderOperand(b)}`, true);
  }
  if (infix === 'in' && args.length === 3) {
    const [k, v, c] = args as [EValue, EValue, EValue];
    return new Unknown(`${renderOperand(k)}, ${renderOperand(v)} in ${renderOperand(c)}`, true);
  }
  return new Unknown(
    `${name}(${args.map((a) => (a instanceof Unknown ? a.text : formatRegoValue(a))).join(', ')})`,
  );
}

/** Appends a ref step to a text: `.name` for identifiers, `[...]` otherwise. */
export function appendRefStep(base: string, key: EValue): string {
  if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return `${base}.${key}`;
  if (key instanceof Unknown) return `${base}[${key.text}]`;
  if (key instanceof RegoNumber) return `${base}[${formatNumber(key)}]`;
  return `${base}[${formatRegoValue(key)}]`;
}

/** Renders a root and path as ref text: `input.resource["owner id"]`. */
export function refText(root: string, path: Value[]): string {
  let out = root;
  for (const p of path) out = appendRefStep(out, p);
  return out;
}

/** Parses an unknown prefix (`input.resource`, `data.roles["x"]`) into its root and string path. */
export function parseUnknownPrefix(text: string): { root: 'input' | 'data'; path: string[] } | undefined {
  const parts: string[] = [];
  const re = /\.([A-Za-z_][A-Za-z0-9_]*)|\["((?:[^"\\]|\\.)*)"\]/y;
  const head = /^(input|data)/.exec(text);
  if (!head) return undefined;
  re.lastIndex = head[0].length;
  while (re.lastIndex < text.length) {
    const m = re.exec(text);
    if (!m) return undefined;
    parts.push(m[1] ?? JSON.parse(`"${m[2] ?? ''}"`));
  }
  return { root: head[1] as 'input' | 'data', path: parts };
}

/** How a path relates to the unknown prefixes under one root. */
export type UnknownRelation = 'none' | 'above' | 'at' | 'below';

/** Classifies `path` against the prefixes: above one, exactly one, below one, or unrelated. */
export function relateToUnknowns(prefixes: string[][], path: Value[]): UnknownRelation {
  let result: UnknownRelation = 'none';
  for (const prefix of prefixes) {
    const n = Math.min(prefix.length, path.length);
    let match = true;
    for (let i = 0; i < n; i++) {
      if (path[i] !== prefix[i]) {
        match = false;
        break;
      }
    }
    if (!match) continue;
    if (path.length < prefix.length) result = result === 'none' ? 'above' : result;
    else if (path.length === prefix.length) return 'at';
    else result = 'below';
  }
  return result;
}

/** Rego text for "not all of these conditions hold". */
export function negateConjunction(conds: string[]): string {
  const only = conds.length === 1 ? (conds[0] as string) : undefined;
  if (only !== undefined && !only.includes(';') && !/^some\b/.test(only)) {
    // `not not x` is no Rego: the negation of `not x` is `x` itself.
    if (/^not\s/.test(only)) return only.replace(/^not\s+/, '');
    return `not ${only}`;
  }
  return `not { ${conds.join('; ')} }`;
}
