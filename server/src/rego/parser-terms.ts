/**
 * Terms: scalars, variables, refs, calls, template strings and the infix operators, with OPA's
 * precedence (loosest first), all left-associative:
 *   `in`  <  `== != < > <= >=`  <  `|`  <  `&`  <  `+ -`  <  `* / %`
 * A `.x`, `[x]` or `(args)` continues a term only when written without a space before it.
 */
import type { Body, Call, Expr, Ref, Scalar, TemplateString, Term } from './ast';
import { decodeStringLiteral } from './lexer';
import { ParserCore } from './parser-core';
import { valueName } from './term-text';
import { operatorFunctionName, type Token, type TokenKind } from './tokens';

const BINARY_LEVELS: readonly (readonly TokenKind[])[] = [
  ['==', '!=', '<', '>', '<=', '>='],
  ['|'],
  ['&'],
  ['+', '-'],
  ['*', '/', '%'],
];

const REF_HEAD_TYPES = new Set([
  'var',
  'array',
  'object',
  'set',
  'arraycomprehension',
  'setcomprehension',
  'objectcomprehension',
  'call',
]);

const VALID_NUMBER = /^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Decimal exponents beyond this exceed OPA's limit of 2^100000 on number literals. */
const MAX_DECIMAL_EXPONENT = 30_000;

/** The term layer of the parser; later layers supply collections, literals and bodies. */
export abstract class TermParser extends ParserCore {
  /** Parses one body expression (template strings embed them). */
  protected abstract parseLiteral(): Expr | null;

  /** Parses body expressions up to `end`, leaving the cursor on it. */
  protected abstract parseBody(end: ']' | '}'): Body | null;

  /** Parses `[...]`: an array or an array comprehension. */
  protected abstract parseArray(): Term | null;

  /** Parses `{...}`: a set, an object, or a set or object comprehension. */
  protected abstract parseSetOrObject(): Term | null;

  /** A term with operators, where `k, v in xs` is allowed (expressions, values). */
  protected parseTermInfixCall(): Term | null {
    return this.parseTermIn(true);
  }

  /** A term with operators inside a list, where `,` separates items. */
  protected parseTermInfixCallInList(): Term | null {
    return this.parseTermIn(false);
  }

  /** The current token is the `in` operator (not a ref such as `in.x`). */
  protected atInOperator(): boolean {
    return this.atKeyword('in');
  }

  private parseTermIn(keyValue: boolean): Term | null {
    this.enter();
    try {
      let lhs = this.parseBinary(0);
      if (!lhs) return null;
      if (keyValue && this.at(',')) {
        const s = this.save();
        this.advance();
        const mhs = this.parseBinary(0);
        if (mhs && this.atInOperator()) {
          const op = this.tok;
          this.advance();
          const rhs = this.parseBinary(0);
          if (rhs) {
            lhs = this.makeOperatorCall(op, ['internal', 'member_3'], [lhs, mhs, rhs], 'in');
            if (!this.atInOperator()) return lhs;
          } else {
            this.restore(s);
          }
        } else {
          this.restore(s);
        }
      }
      while (this.atInOperator()) {
        const op = this.tok;
        this.advance();
        const rhs = this.parseBinary(0);
        if (!rhs) return null;
        lhs = this.makeOperatorCall(op, ['internal', 'member_2'], [lhs, rhs], 'in');
      }
      return lhs;
    } finally {
      this.leave();
    }
  }

  private parseBinary(level: number): Term | null {
    const ops = BINARY_LEVELS[level];
    if (!ops) return this.parseTerm();
    let lhs = this.parseBinary(level + 1);
    if (!lhs) return null;
    while (ops.includes(this.tok.kind)) {
      const op = this.tok;
      this.advance();
      const rhs = this.parseBinary(level + 1);
      if (!rhs) return null;
      lhs = this.makeOperatorCall(op, [operatorFunctionName(op.kind) ?? op.text], [lhs, rhs], op.text);
    }
    return lhs;
  }

  /** One term without infix operators, with any ref/call suffix written directly after it. */
  protected parseTerm(): Term | null {
    this.enter();
    try {
      const cached = this.cachedTerm();
      if (cached) return this.replayCachedTerm(cached);
      const start = this.save();
      let term = this.parseTermHead();
      if (term) term = this.parseTermFinish(term);
      this.cacheTerm(start, term);
      return term;
    } finally {
      this.leave();
    }
  }

  private parseTermHead(): Term | null {
    const t = this.tok;
    switch (t.kind) {
      case 'ident':
        return this.parseWordTerm(t);
      case 'number':
      case '-':
      case '.':
        return this.parseNumber();
      case 'string':
        return this.parseString();
      case 'template':
        return this.parseTemplateString();
      case '[':
        return this.parseArray();
      case '{':
        return this.parseSetOrObject();
      case '(':
        return this.parseParenthesised();
      default:
        this.illegal();
        return null;
    }
  }

  private parseWordTerm(t: Token): Term | null {
    if (this.keywords.has(t.text) && !this.keywordStartsRef()) {
      const location = this.tokenLocation(t);
      switch (t.text) {
        case 'true':
        case 'false':
          this.advance();
          return { type: 'boolean', value: t.text === 'true', location };
        case 'null':
          this.advance();
          return { type: 'null', value: null, location };
        case 'contains':
          break;
        default:
          this.illegal();
          return null;
      }
    }
    this.advance();
    return this.makeVar(t);
  }

  private parseParenthesised(): Term | null {
    const open = this.tok;
    this.advance();
    const inner = this.parseTermInfixCall();
    if (!inner) return null;
    if (!this.at(')')) {
      this.errorAt(this.tokenLocation(this.tok), 'non-terminated expression');
      return null;
    }
    const close = this.tok;
    this.advance();
    return { ...inner, location: this.location(open.start, close.end) } as Term;
  }

  /** A `.x`, `[x]` or `(args)` written without a space after `head` continues it as a ref/call. */
  protected parseTermFinish(head: Term): Term | null {
    const next = this.tok;
    if (!next.spaceBefore && (next.kind === '.' || next.kind === '[' || next.kind === '(')) {
      return this.parseRef(head);
    }
    return this.rootRef(head);
  }

  /** `data` and `input` on their own are refs to the root documents. */
  protected rootRef(term: Term): Term {
    if (term.type === 'var' && (term.name === 'data' || term.name === 'input')) {
      return { type: 'ref', terms: [term], location: term.location };
    }
    return term;
  }

  /** Parses the ref/call suffixes of `head`; the current token is the first suffix. */
  protected parseRef(head: Term): Term | null {
    this.enter();
    try {
      if (!REF_HEAD_TYPES.has(head.type)) {
        this.errorAt(head.location, `illegal ref (head cannot be ${valueName(head)})`);
        return null;
      }
      const startOffset = head.location.start.offset;
      const terms: Term[] = [head];
      for (;;) {
        const t = this.tok;
        if (t.kind === '.') {
          this.advance();
          const id = this.tok;
          if (id.spaceBefore) {
            this.errorAt(this.location(t.end, id.start), 'unexpected whitespace token: expected ident');
            return null;
          }
          if (id.kind !== 'ident') {
            this.illegal('expected ident');
            return null;
          }
          terms.push(this.makeString(id.text, this.tokenLocation(id)));
          this.advance();
        } else if (t.kind === '[') {
          this.advance();
          const key = this.parseTermInfixCall();
          if (!key) return null;
          if (!this.at(']')) {
            this.illegal('expected ]');
            return null;
          }
          this.advance();
          terms.push(key);
        } else if (t.kind === '(') {
          const operator: Ref = { type: 'ref', terms, location: this.location(startOffset, t.start) };
          const call = this.parseCall(operator, startOffset);
          if (!call) return null;
          const after = this.tok;
          if (!after.spaceBefore && (after.kind === '.' || after.kind === '[')) return this.parseRef(call);
          return call;
        }
        const next = this.tok;
        if (next.spaceBefore || !(next.kind === '.' || next.kind === '[' || next.kind === '(')) break;
      }
      return { type: 'ref', terms, location: this.location(startOffset, this.lastEnd()) };
    } finally {
      this.leave();
    }
  }

  private parseCall(operator: Ref, startOffset: number): Term | null {
    this.advance();
    let args: Term[] | null = [];
    if (!this.at(')')) args = this.parseTermList(')');
    if (!args) return null;
    this.advance();
    const location = this.location(startOffset, this.lastEnd());
    const only = operator.terms[0];
    if (args.length === 0 && operator.terms.length === 1 && only?.type === 'var' && only.name === 'set') {
      return { type: 'set', items: [], location };
    }
    const call: Call = { type: 'call', operator, args, location };
    return call;
  }

  /** Comma-separated terms up to `end` (a trailing comma is allowed); leaves the cursor on `end`. */
  protected parseTermList(end: ')' | ']' | '}', initial: Term[] = []): Term[] | null {
    const items = initial;
    if (this.at(end)) return items;
    for (;;) {
      const term = this.parseTermInfixCallInList();
      if (!term) return null;
      items.push(term);
      if (this.at(end)) return items;
      if (this.at(',')) {
        this.advance();
        if (this.at(end)) return items;
        continue;
      }
      this.illegal(`expected "," or "${end}"`);
      return null;
    }
  }

  private parseNumber(): Term | null {
    const first = this.tok;
    let prefix = '';
    if (this.at('-')) {
      prefix = '-';
      this.advance();
      if (!this.at('number') && !this.at('.')) {
        this.illegal('expected number');
        return null;
      }
    }
    if (this.at('.')) {
      prefix += '.';
      this.advance();
      if (!this.at('number')) {
        this.illegal('expected number');
        return null;
      }
    }
    const lit = this.tok.text;
    if (!prefix.endsWith('.') && lit.length > 1 && lit[0] === '0') {
      const decimal = lit[1] === '.';
      const scientific = lit.length > 2 && (lit[1] === 'e' || lit[1] === 'E');
      if (!decimal && !scientific) {
        this.illegal('expected number without leading zero');
        return null;
      }
    }
    const value = prefix + lit;
    if (!VALID_NUMBER.test(value)) {
      this.illegal('invalid float');
      return null;
    }
    if (decimalMagnitude(value) > MAX_DECIMAL_EXPONENT) {
      this.errorAt(this.tokenLocation(this.tok), 'number too big');
      return null;
    }
    this.advance();
    const number: Scalar = { type: 'number', value, location: this.location(first.start, this.lastEnd()) };
    return number;
  }

  private parseString(): Term | null {
    const t = this.tok;
    const location = this.tokenLocation(t);
    const value = t.raw ? t.text.slice(1, -1) : decodeStringLiteral(t.text);
    if (value === undefined) {
      this.errorAt(location, `illegal string literal: ${t.text}`);
      return null;
    }
    this.advance();
    return this.makeString(value, location);
  }

  private parseTemplateString(): Term | null {
    const first = this.tok;
    const parts: TemplateString['parts'] = [];
    for (;;) {
      const piece = this.tok;
      if (piece.kind !== 'template') {
        this.illegal();
        return null;
      }
      if (piece.value === undefined) {
        this.errorAt(this.tokenLocation(piece), `illegal template-string part: ${piece.text}`);
        return null;
      }
      if (piece.value !== '') parts.push(piece.value);
      this.advance();
      if (!piece.open) break;
      const expr = this.parseLiteral();
      if (!expr) {
        this.errorAt(this.tokenLocation(this.tok), 'invalid template-string expression');
        return null;
      }
      const term = this.templateTerm(expr);
      if (!term) return null;
      parts.push(term);
      if (!this.at('}')) {
        this.errorAt(this.tokenLocation(this.tok), 'expected } to end template string expression');
        return null;
      }
      this.advance();
    }
    const location = this.location(first.start, this.lastEnd());
    return { type: 'templatestring', parts, raw: first.raw === true, location };
  }

  private templateTerm(expr: Expr): Term | null {
    let what: string | undefined;
    if (expr.with && expr.with.length > 0) what = "'with'";
    switch (expr.type) {
      case 'term':
        if (!what) return expr.term;
        break;
      case 'not':
      case 'notbody':
        what = "negation ('not')";
        break;
      case 'unify':
        what = "unification ('=')";
        break;
      case 'assign':
        what = "assignment (':=')";
        break;
      case 'every':
        what = "'every'";
        break;
      case 'somedecl':
      case 'somein':
        what = "'some'";
        break;
    }
    this.errorAt(expr.location, `unexpected ${what} in template-string expression`);
    return null;
  }
}

/** Roughly log10 of a number literal's magnitude (0 for zero). */
function decimalMagnitude(literal: string): number {
  const m = /^-?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!m) return 0;
  const intDigits = (m[1] ?? '').replace(/^0+/, '');
  const frac = m[2] ?? '';
  const exponent = Number(m[3] ?? '0');
  let magnitude: number;
  if (intDigits.length > 0) magnitude = intDigits.length;
  else {
    const lead = /^0*/.exec(frac)?.[0].length ?? 0;
    if (lead === frac.length) return 0;
    magnitude = -lead;
  }
  return Math.abs(magnitude + exponent);
}
