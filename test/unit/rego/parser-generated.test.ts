/**
 * Generated terms: fast-check builds random Rego terms together with the tree they denote (in the
 * fixtures' notation), and the parser must read the text back to exactly that tree. Operators are
 * written with explicit parentheses in one half of the runs and bare in the other, where the
 * expected tree follows OPA's precedence.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseTerm } from '../../../server/src/rego/syntax/parser';
import { BASE_KEYWORDS, FUTURE_KEYWORDS } from '../../../server/src/rego/syntax/tokens';
import { renderTerm } from './render';

/** A piece of Rego source and its expected rendering. */
interface Gen {
  text: string;
  tree: string;
  /** Binding strength when written bare (higher binds tighter); terms are 9. */
  prec: number;
}

/** Words a generated name must avoid: every keyword, and names with a meaning of their own. */
const RESERVED = new Set([...BASE_KEYWORDS, ...FUTURE_KEYWORDS, 'set', 'data', 'input']);

const OPERATORS = [
  { op: '==', name: 'equal', prec: 1 },
  { op: '!=', name: 'neq', prec: 1 },
  { op: '<', name: 'lt', prec: 1 },
  { op: '>=', name: 'gte', prec: 1 },
  { op: '|', name: 'or', prec: 2 },
  { op: '&', name: 'and', prec: 3 },
  { op: '+', name: 'plus', prec: 4 },
  { op: '-', name: 'minus', prec: 4 },
  { op: '*', name: 'mul', prec: 5 },
  { op: '%', name: 'rem', prec: 5 },
];

const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/).filter((n) => !RESERVED.has(n) && n !== '_');

const scalar: fc.Arbitrary<Gen> = fc.oneof(
  fc.constantFrom('null', 'true', 'false').map((t) => ({ text: t, tree: t, prec: 9 })),
  fc.integer({ min: -1000, max: 100000 }).map((n) => ({ text: String(n), tree: String(n), prec: 9 })),
  fc.constantFrom('0.5', '1e3', '-2.5E-3', '12.0').map((t) => ({ text: t, tree: t, prec: 9 })),
  fc
    .string({ maxLength: 8 })
    .filter((s) => !/[\ud800-\udfff]/.test(s))
    .map((s) => ({ text: JSON.stringify(s), tree: JSON.stringify(s), prec: 9 })),
);

const variable: fc.Arbitrary<Gen> = name.map((n) => ({ text: n, tree: n, prec: 9 }));

/**
 * A collection item: an item whose text starts with `a | ...` right after `[` or `{` (or after `:`)
 * reads as a comprehension, as in OPA. That happens for a `|` call and for any operator call whose
 * left operand is one (`{(a) | b == c}`), so every operator call is parenthesised there.
 */
function item(g: Gen): string {
  return g.prec < 9 ? `(${g.text})` : g.text;
}

/** How the notation shows `[x]` in a ref: a string that is a plain name becomes `.name`. */
function refPart(tree: string): string {
  const value: unknown = tree.startsWith('"') ? JSON.parse(tree) : undefined;
  return typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value) ? `.${value}` : `[${tree}]`;
}

/** Wraps a generated operand in parentheses when written bare it would bind looser than needed. */
function operand(g: Gen, min: number, bare: boolean): string {
  return bare && g.prec >= min ? g.text : `(${g.text})`;
}

const { term } = fc.letrec<{ term: Gen }>((tie) => {
  const sub = tie('term') as fc.Arbitrary<Gen>;
  const list = fc.array(sub, { minLength: 1, maxLength: 3 });
  return {
    term: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      variable,
      fc
        .tuple(name, fc.array(fc.oneof(name, fc.nat(9), sub), { minLength: 1, maxLength: 3 }))
        .map(([head, parts]) => {
          let text = head;
          for (const p of parts) {
            if (typeof p === 'string') text += `.${p}`;
            else if (typeof p === 'number') text += `[${p}]`;
            else text += `[${p.text}]`;
          }
          let tree = head;
          for (const p of parts) {
            if (typeof p === 'string') tree += `.${p}`;
            else if (typeof p === 'number') tree += `[${p}]`;
            else tree += refPart(p.tree);
          }
          return { text, tree, prec: 9 };
        }),
      fc.array(sub, { maxLength: 3 }).map((items) => ({
        text: `[${items.map(item).join(', ')}]`,
        tree: `[${items.map((i) => i.tree).join(', ')}]`,
        prec: 9,
      })),
      list.map((items) => ({
        text: `{${items.map(item).join(', ')}}`,
        tree: `{${items.map((i) => i.tree).join(', ')}}`,
        prec: 9,
      })),
      fc.array(fc.tuple(sub, sub), { maxLength: 3 }).map((entries) => ({
        text: `{${entries.map(([k, v]) => `${item(k)}: ${item(v)}`).join(', ')}}`,
        tree: `{${entries.map(([k, v]) => `${k.tree}: ${v.tree}`).join(', ')}}`,
        prec: 9,
      })),
      fc.tuple(name, fc.array(sub, { maxLength: 3 })).map(([fn, args]) => ({
        text: `${fn}(${args.map((a) => a.text).join(', ')})`,
        tree: `${fn}(${args.map((a) => a.tree).join(', ')})`,
        prec: 9,
      })),
      fc.tuple(name, sub).map(([v, value]) => ({
        text: `[${v} | ${v} := ${value.text}]`,
        tree: `[${v} | ${v} := ${value.tree}]`,
        prec: 9,
      })),
      fc.tuple(fc.constantFrom(...OPERATORS), sub, sub, fc.boolean()).map(([o, a, b, bare]) => ({
        // Left-associative: the right operand needs parentheses at equal strength.
        text: `${operand(a, o.prec, bare)} ${o.op} ${operand(b, o.prec + 1, bare)}`,
        tree: `${o.name}(${a.tree}, ${b.tree})`,
        prec: o.prec,
      })),
    ),
  };
});

describe('generated terms', () => {
  it('parse back to the tree they were generated from', () => {
    fc.assert(
      fc.property(term, (g) => {
        // A bare operator call is not a term for parseTerm; a second array item can be anything.
        const { term: parsed, errors } = parseTerm(`[0, ${g.text}]`);
        assert.deepEqual(errors, [], g.text);
        assert.equal(parsed && renderTerm(parsed), `[0, ${g.tree}]`, g.text);
      }),
      { numRuns: 1500 },
    );
  });
});
