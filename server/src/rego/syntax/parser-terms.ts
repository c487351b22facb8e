/**
 * Terms and operator expressions: scalars, variables, refs and calls, template strings,
 * parentheses, and the infix operators with OPA's precedence (loosest first): `in`, comparisons,
 * `|`, `&`, `+ -`, `* / %`. Collections come from parser-collections.
 *
 * The parser backtracks like OPA's (a `{` may open a set, an object or a comprehension);
 * `parseTerm` is memoised per token so re-reading a term after backtracking costs nothing.
 */

import { describeTermKind } from '../compile/term-facts';
import type { Call, Expr, Ref, Scalar, TemplateString, Term, With } from './ast';
import { CollectionParser } from './parser-collections';
import type { Token, TokenKind } from './tokens';

/** Binding strength of the binary operators (higher binds tighter) and the builtin each calls. */
const BINARY: Partial<Record<TokenKind, { prec: number; name: string }>> = {
  '==': { prec: 1, name: 'equal' },
  '!=': { prec: 1, name: 'neq' },
  '<': { prec: 1, name: 'lt' },
  '<=': { prec: 1, name: 'lte' },
  '>': { prec: 1, name: 'gt' },
  '>=': { prec: 1, name: 'gte' },
  '|': { prec: 2, name: 'or' },
  '&': { prec: 3, name: 'and' },
  '+': { prec: 4, name: 'plus' },
  '-': { prec: 4, name: 'minus' },
  '*': { prec: 5, name: 'mul' },
  '/': { prec: 5, name: 'div' },
  '%': { prec: 5, name: 'rem' },
};

const MEMBER = ['internal', 'member_2'] as const;
const MEMBER_3 = ['internal', 'member_3'] as const;

/** Terms that may start a reference (`[1, 2][0]`, `f(x).y`); scalars may not. */
const REF_HEADS = new Set<Term['type']>([
  'var',
  'array',
  'object',
  'set',
  'arraycomprehension',
  'objectcomprehension',
  'setcomprehension',
  'call',
]);

/** Decimal exponents beyond this are refused, like OPA's limit on a number's binary exponent. */
const MAX_DECIMAL_EXPONENT = 30000;

/** The term layer; bodies and literals (needed by comprehensions and templates) come from below. */
export abstract class TermParser extends CollectionParser {
  /** One expression of a body, with its `with` modifiers. */
  protected abstract parseLiteral(): Expr | undefined;

  /**
   * A term with infix operators, including `x in xs` and (when `keyVal`) `k, v in xs`. Lists
   * (arrays, sets, objects, call arguments) pass `keyVal = false` so `,` separates items.
   */
  protected override parseTermIn(keyVal: boolean): Term | undefined {
    let lhs = this.parseBinary(1);
    if (!lhs) return undefined;
    if (keyVal && this.isAt(',')) {
      const s = this.save();
      this.advance();
      const mhs = this.parseBinary(1);
      if (mhs && this.isAtInOperator()) {
        const inTok = this.tok;
        this.advance();
        const rhs = this.parseBinary(1);
        if (rhs) return this.parseInChain(this.makeOperatorCall(inTok, MEMBER_3, [lhs, mhs, rhs], 'in'));
      }
      this.restore(s);
    }
    lhs = this.parseInChain(lhs);
    return lhs;
  }

  private isAtInOperator(): boolean {
    return this.isAtKeyword('in');
  }

  private parseInChain(first: Term): Term | undefined {
    let lhs = first;
    while (this.isAtInOperator()) {
      const inTok = this.tok;
      this.advance();
      const rhs = this.parseBinary(1);
      if (!rhs) return undefined;
      lhs = this.makeOperatorCall(inTok, MEMBER, [lhs, rhs], 'in');
    }
    return lhs;
  }

  /** Binary operators binding at least as tight as `minPrec`, left-associative. */
  private parseBinary(minPrec: number): Term | undefined {
    let lhs = this.parseTerm();
    if (!lhs) return undefined;
    for (;;) {
      const opTok = this.tok;
      const op = BINARY[opTok.kind];
      if (!op || op.prec < minPrec) return lhs;
      this.advance();
      const rhs = this.parseBinary(op.prec + 1);
      if (!rhs) return undefined;
      lhs = this.makeOperatorCall(opTok, [op.name], [lhs, rhs], opTok.kind);
    }
  }

  protected makeOperatorCall(opTok: Token, path: readonly string[], args: Term[], infix: string): Call {
    const first = args[0] as Term;
    const last = args[args.length - 1] as Term;
    return {
      type: 'call',
      operator: this.makeOperatorRef(path, opTok),
      args,
      infix,
      location: this.makeLoc(first.location.start, last.location.end),
    };
  }

  /** One term with any reference or call suffix (`a.b[c]`, `f(x)`), memoised by position. */
  protected override parseTerm(): Term | undefined {
    if (this.hasMemo()) return this.replay();
    const pos = this.pos;
    const wildcard = this.wildcard;
    const errors = this.errors.length;
    this.enter();
    const term = this.parseTermUncached();
    this.leave();
    this.remember(pos, wildcard, errors, term);
    return term;
  }

  private parseTermUncached(): Term | undefined {
    const t = this.tok;
    if (t.error) {
      this.reportUnexpected();
      return undefined;
    }
    let term: Term | undefined;
    switch (t.kind) {
      case 'ident':
        term = this.parseWordTerm(t);
        break;
      case 'number':
      case '-':
      case '.':
        term = this.parseNumber();
        break;
      case 'string':
        term = { type: 'string', value: t.value ?? '', location: this.locateToken(t) };
        this.advance();
        break;
      case 'template':
        if (t.opens) term = this.parseTemplate();
        else this.reportUnexpected();
        break;
      case '[':
        term = this.parseArray();
        break;
      case '{':
        term = this.parseSetOrObject();
        break;
      case '(':
        term = this.parseParenthesised();
        break;
      default:
        this.reportUnexpected();
    }
    return term ? this.parseTermFinish(term) : undefined;
  }

  private parseWordTerm(t: Token): Term | undefined {
    if (this.isKeyword(t) && !this.isKeywordStartingRef()) {
      switch (t.text) {
        case 'null':
          this.advance();
          return { type: 'null', value: null, location: this.locateToken(t) };
        case 'true':
        case 'false':
          this.advance();
          return { type: 'boolean', value: t.text === 'true', location: this.locateToken(t) };
        case 'contains':
          // Outside rule heads `contains` is the builtin function's name.
          break;
        default:
          this.reportUnexpected();
          return undefined;
      }
    }
    this.advance();
    return this.makeVar(t);
  }

  /** Continues a term with `.x`, `[i]` or `(args)` written directly after it. */
  private parseTermFinish(term: Term): Term | undefined {
    if (this.isAtAdjacent('.') || this.isAtAdjacent('[') || this.isAtAdjacent('('))
      return this.parseRef(term, false);
    if (term.type === 'var' && (term.name === 'data' || term.name === 'input')) {
      return { type: 'ref', terms: [term], location: term.location };
    }
    return term;
  }

  /**
   * Reads reference parts and calls after `head`. Parts must touch what precedes them; rule heads
   * pass `spacedStart` because OPA allows space before the first one there (`f (x)`, `p [x]`).
   */
  protected parseRef(head: Term, spacedStart: boolean): Term | undefined {
    if (!REF_HEADS.has(head.type)) {
      this.reportAt(head.location, `illegal ref (head cannot be ${describeTermKind(head)})`);
      return undefined;
    }
    const start = head.location.start;
    let terms: Term[] = [head];
    let first = spacedStart;
    for (;;) {
      const touching = first || !this.tok.spaceBefore;
      first = false;
      if (touching && this.isAt('.')) {
        const dotEnd = this.tok.end;
        this.advance();
        const t = this.tok;
        if (t.spaceBefore) {
          // OPA reads the layout after a dot as a token of its own.
          this.reportAt(this.makeLoc(dotEnd, t.start), 'unexpected whitespace token: expected ident');
          return undefined;
        }
        if (t.kind !== 'ident') {
          this.reportUnexpected('expected ident');
          return undefined;
        }
        terms.push(this.makeString(t.text, this.locateToken(t)));
        this.advance();
      } else if (touching && this.isAt('[')) {
        this.advance();
        const index = this.parseTermIn(true);
        if (!index) return undefined;
        if (!this.isAt(']')) {
          this.reportUnexpected('expected ]');
          return undefined;
        }
        this.advance();
        terms.push(index);
      } else if (touching && this.isAt('(')) {
        const operator: Ref = { type: 'ref', terms, location: this.locateFrom(start) };
        const call = this.parseCall(operator);
        if (!call) return undefined;
        if (!this.isAtAdjacent('.') && !this.isAtAdjacent('[')) return call;
        terms = [call];
      } else {
        break;
      }
    }
    return { type: 'ref', terms, location: this.locateFrom(start) };
  }

  /** `(args)` after a function reference; `set()` is the empty set. */
  private parseCall(operator: Ref): Term | undefined {
    this.advance();
    const start = operator.location.start;
    if (this.isAt(')')) {
      this.advance();
      const only = operator.terms[0];
      if (operator.terms.length === 1 && only?.type === 'var' && only.name === 'set') {
        return { type: 'set', items: [], location: this.locateFrom(start) };
      }
      return { type: 'call', operator, args: [], location: this.locateFrom(start) };
    }
    const args = this.parseTermList(')', []);
    if (!args) return undefined;
    this.advance();
    return { type: 'call', operator, args, location: this.locateFrom(start) };
  }

  /** A number, with OPA's `-` and `.` prefixes (`-1`, `.5`), kept as written. */
  private parseNumber(): Scalar | undefined {
    const start = this.tok.start;
    let prefix = '';
    if (this.isAt('-')) {
      prefix = '-';
      this.advance();
      if (!this.isAt('number') && !this.isAt('.')) {
        this.reportUnexpected('expected number');
        return undefined;
      }
    }
    if (this.isAt('.')) {
      prefix += '.';
      this.advance();
      if (!this.isAt('number')) {
        this.reportUnexpected('expected number');
        return undefined;
      }
    }
    const t = this.tok;
    if (t.kind !== 'number' || t.error) {
      this.reportUnexpected();
      return undefined;
    }
    const lit = t.text;
    if (!prefix.endsWith('.') && lit.length > 1 && lit[0] === '0') {
      const decimal = lit[1] === '.';
      const scientific = lit.length > 2 && (lit[1] === 'e' || lit[1] === 'E');
      if (!decimal && !scientific) {
        this.reportUnexpected('expected number without leading zero');
        return undefined;
      }
    }
    const value = prefix + lit;
    if (isNumberTooBig(value)) {
      this.reportAt(this.locateToken(t), 'number too big');
      return undefined;
    }
    this.advance();
    return { type: 'number', value, location: this.locateFrom(start) };
  }

  /** `( term )`; the term's span grows to cover the parentheses. */
  private parseParenthesised(): Term | undefined {
    const start = this.tok.start;
    this.advance();
    const inner = this.parseTermIn(true);
    if (!inner) return undefined;
    if (!this.isAt(')')) {
      this.reportAt(this.locateToken(this.tok), 'non-terminated expression');
      return undefined;
    }
    this.advance();
    return { ...inner, location: this.locateFrom(start) } as Term;
  }

  /** `$"text {expr} text"`: the lexer splits it into pieces around each expression. */
  private parseTemplate(): TemplateString | undefined {
    const open = this.tok;
    const parts: Array<string | Term> = [];
    const withs = new Map<number, With[]>();
    let piece = open;
    for (;;) {
      if (piece.error) {
        this.reportUnexpected();
        return undefined;
      }
      if (piece.value) parts.push(piece.value);
      this.advance();
      if (piece.closes) break;
      const expr = this.parseLiteral();
      if (!expr) return undefined;
      const term = this.extractTemplatePart(expr);
      if (!term) return undefined;
      if (expr.with) withs.set(parts.length, expr.with);
      parts.push(term);
      piece = this.tok;
      if (piece.kind !== 'template' || piece.opens) {
        this.reportAt(this.locateToken(piece), 'expected } to end template string expression');
        return undefined;
      }
    }
    const result: TemplateString = {
      type: 'templatestring',
      parts,
      raw: open.raw === true,
      location: this.locateFrom(open.start),
    };
    if (withs.size > 0) result.partWith = parts.map((_, i) => withs.get(i));
    return result;
  }

  /** The term of a template expression; OPA allows neither negation, unification nor declarations. */
  private extractTemplatePart(expr: Expr): Term | undefined {
    const refuse = (what: string): undefined => {
      this.reportAt(expr.location, `unexpected ${what} in template-string expression`);
      return undefined;
    };
    switch (expr.type) {
      case 'term':
        return expr.term;
      case 'not':
      case 'notbody':
        return refuse("negation ('not')");
      case 'unify':
        return refuse("unification ('=')");
      case 'assign':
        return refuse("assignment (':=')");
      case 'every':
        return refuse("'every'");
      default:
        return refuse("'some'");
    }
  }
}

/** OPA refuses numbers whose exponent is huge (their text would be costly to expand). */
function isNumberTooBig(text: string): boolean {
  const m = /^-?\.?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return false;
  const exponent = m[3];
  if (exponent === undefined) return false;
  const digits = `${m[1] ?? ''}${m[2] ?? ''}`;
  if (!/[1-9]/.test(digits)) return false;
  const e = Number.parseInt(exponent, 10);
  return !Number.isFinite(e) || Math.abs(e) > MAX_DECIMAL_EXPONENT + digits.length;
}
