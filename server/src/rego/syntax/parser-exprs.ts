/**
 * Bodies and their expressions: plain terms and calls, `x := v`, `a = b`, `not expr`,
 * `not { body }` (with `import future.keywords.not`), `some x, y`, `some k, v in xs`,
 * `every k, v in xs { body }`, `a and b` / `a or b` (with `import future.keywords.and` / `.or`)
 * and `with target as value` modifiers. Expressions in a body are separated by `;` or a line break.
 */

import type { Position } from '../../errors';
import type { Body, Expr, LogicalOperand, Term, Var, With } from './ast';
import { TermParser } from './parser-terms';
import type { TokenKind } from './tokens';

/** The expression layer of the parser. */
export class ExprParser extends TermParser {
  protected override parseBody(end: TokenKind): Body | undefined {
    this.enter();
    const body = this.parseBodyUncounted(end);
    this.leave();
    return body;
  }

  private parseBodyUncounted(end: TokenKind): Body | undefined {
    if (this.isAt(end)) {
      this.reportAt(this.locateToken(this.tok), 'found empty body');
      return undefined;
    }
    const exprs: Expr[] = [];
    for (;;) {
      const expr = this.parseLiteral();
      if (!expr) return undefined;
      exprs.push(expr);
      if (this.isAt(';')) {
        this.advance();
        continue;
      }
      if (this.isAt(end)) break;
      if (!this.tok.newlineBefore) {
        this.reportUnexpected(`expected \\n or ; or ${end}`);
        return undefined;
      }
    }
    const first = exprs[0] as Expr;
    const last = exprs[exprs.length - 1] as Expr;
    return { exprs, location: this.makeLoc(first.location.start, last.location.end) };
  }

  /** `{ body }`; the body's span includes the braces. */
  protected parseBracedBody(): Body | undefined {
    const start = this.tok.start;
    this.advance();
    const body = this.parseBody('}');
    if (!body) return undefined;
    this.advance();
    body.location = this.locateFrom(start);
    return body;
  }

  protected parseLiteral(): Expr | undefined {
    const start = this.tok.start;
    if (this.logical.size === 0) return this.parseUnit(start, true);
    const expr = this.parseDisjunction(start);
    return expr && this.withModifiers(expr, start);
  }

  /**
   * One expression without `and` / `or`: `some`, `every`, `not ...` or a plain one. `withs`: it
   * takes its own `with` modifiers (in a logical expression they belong to the whole of it).
   */
  private parseUnit(start: Position, withs: boolean): Expr | undefined {
    if (this.isKeywordStartingRef()) return this.parseLiteralExpr(false, start, withs);
    let negated = false;
    if (this.isAtKeyword('not')) {
      this.advance();
      negated = true;
    }
    if (this.isAtKeyword('some')) {
      if (negated) {
        this.reportUnexpected("illegal negation of 'some'");
        return undefined;
      }
      return this.parseSome();
    }
    if (this.isAtKeyword('every')) {
      if (negated) {
        this.reportUnexpected("illegal negation of 'every'");
        return undefined;
      }
      return this.parseEvery();
    }
    if (negated && this.notBodies && this.isAt('{')) {
      const s = this.save();
      const body = this.parseBracedBody();
      if (body) {
        const expr: Expr = { type: 'notbody', body, location: this.locateFrom(start) };
        return withs ? this.withModifiers(expr, start) : expr;
      }
      this.restore(s);
    }
    if (negated && this.isGroupAt(this.pos)) {
      // `not (a or b)`: the negation of a parenthesised logical expression.
      const inner = this.parseGroup();
      if (!inner) return undefined;
      const expr: Expr = { type: 'not', expr: inner, location: this.locateFrom(start) };
      return withs ? this.withModifiers(expr, start) : expr;
    }
    return this.parseLiteralExpr(negated, start, withs);
  }

  private parseLiteralExpr(negated: boolean, start: Position, withs: boolean): Expr | undefined {
    const inner = this.parseExpr();
    if (!inner) return undefined;
    const expr: Expr = negated ? { type: 'not', expr: inner, location: this.locateFrom(start) } : inner;
    return withs ? this.withModifiers(expr, start) : expr;
  }

  // ---------------------------------------------------------------- `and` / `or`

  /** The token is the active infix keyword `op` continuing the expression (not on a new line). */
  private isAtLogical(op: 'and' | 'or'): boolean {
    const t = this.tok;
    return t.kind === 'ident' && t.text === op && this.logical.has(op) && !t.newlineBefore;
  }

  /** `a or b or ...`: `or` binds loosest. */
  private parseDisjunction(start: Position): Expr | undefined {
    const first = this.parseConjunction(start, false);
    if (!first) return undefined;
    const operands = [first];
    while (this.isAtLogical('or')) {
      this.advance();
      const next = this.parseConjunction(this.tok.start, true);
      if (!next) return undefined;
      operands.push(next);
    }
    if (operands.length === 1) return this.exprOf(first);
    return { type: 'logical', op: 'or', operands, location: this.locateFrom(start) };
  }

  /** `a and b and ...`: `and` binds tighter than `or`, `not` tighter than both. */
  private parseConjunction(start: Position, rhs: boolean): LogicalOperand | undefined {
    const first = this.parseOperand(rhs);
    if (!first) return undefined;
    const operands = [first];
    while (this.isAtLogical('and')) {
      this.advance();
      const next = this.parseOperand(true);
      if (!next) return undefined;
      operands.push(next);
    }
    if (operands.length === 1) return first;
    return this.operandOf({ type: 'logical', op: 'and', operands, location: this.locateFrom(start) });
  }

  /**
   * One operand: `{ body }` (after an operator, or before one: elsewhere braces are a set or an
   * object), a `( group )` holding `and` / `or` / `not`, or an expression.
   */
  private parseOperand(rhs: boolean): LogicalOperand | undefined {
    const start = this.tok.start;
    if (this.isAt('{') && (rhs || this.continuesLogical(this.closerOf(this.pos)))) {
      const body = this.parseBracedBody();
      return body && { body, form: 'braces' };
    }
    if (this.isGroupAt(this.pos)) {
      const inner = this.parseGroup();
      return inner && { body: { exprs: [inner], location: this.locateFrom(start) }, form: 'parens' };
    }
    const expr = this.parseUnit(start, false);
    return expr && this.operandOf(expr);
  }

  /** `( a or b )`: the inner logical expression, with any `with` modifiers written inside. */
  private parseGroup(): Expr | undefined {
    this.advance();
    const start = this.tok.start;
    // Groups nest without a body in between: the depth guard counts them too.
    this.enter();
    const inner = this.parseDisjunction(start);
    this.leave();
    const expr = inner && this.withModifiers(inner, start);
    if (!expr) return undefined;
    if (!this.isAt(')')) {
      this.reportUnexpected('expected )');
      return undefined;
    }
    this.advance();
    return expr;
  }

  /** The `{` at `index` opens the braced left operand of an `and` / `or`, not a body or a set. */
  protected bracedOperandAt(index: number): boolean {
    return this.tokens[index]?.kind === '{' && this.continuesLogical(this.closerOf(index));
  }

  /** The token after the bracket closing at `closer` is an active `and` / `or` on the same line. */
  private continuesLogical(closer: number): boolean {
    const next = closer >= 0 ? this.tokens[closer + 1] : undefined;
    return next?.kind === 'ident' && this.logical.has(next.text) && !next.newlineBefore;
  }

  /**
   * A `(` at `index` opens a logical group rather than a parenthesised term: it holds an active
   * `and` / `or` outside nested brackets, or starts with `not`.
   */
  private isGroupAt(index: number): boolean {
    if (this.logical.size === 0 || this.tokens[index]?.kind !== '(') return false;
    const closer = this.closerOf(index);
    if (closer < 0) return false;
    const first = this.tokens[index + 1];
    if (first && this.isKeyword(first) && first.text === 'not') return true;
    for (let i = index + 1; i < closer; i++) {
      const t = this.tokens[i] as (typeof this.tokens)[number];
      if (t.kind === '(' || t.kind === '[' || t.kind === '{') {
        const c = this.closerOf(i);
        if (c < 0) return false;
        i = c;
      } else if (t.kind === 'ident' && this.logical.has(t.text)) return true;
    }
    return false;
  }

  /** An expression as an operand. */
  private operandOf(expr: Expr): LogicalOperand {
    return { body: { exprs: [expr], location: expr.location }, form: 'expr' };
  }

  /** An operand standing alone (no operator followed it) as the expression it holds. */
  private exprOf(operand: LogicalOperand): Expr | undefined {
    const only = operand.body.exprs[0];
    if (operand.form !== 'braces' && operand.body.exprs.length === 1 && only) return only;
    this.reportAt(operand.body.location, 'expected `and` or `or` after a braced operand');
    return undefined;
  }

  /** `lhs`, `lhs := rhs` or `lhs = rhs`. */
  private parseExpr(): Expr | undefined {
    const left = this.parseTermIn(true);
    if (!left) return undefined;
    if (this.isAt(':=') || this.isAt('=')) {
      const assign = this.isAt(':=');
      this.advance();
      const right = this.parseTermIn(true);
      if (!right) return undefined;
      const location = this.makeLoc(left.location.start, right.location.end);
      return assign ? { type: 'assign', left, right, location } : { type: 'unify', left, right, location };
    }
    return { type: 'term', term: left, location: left.location };
  }

  /** Attaches trailing `with` modifiers; the expression's span then covers them too. */
  private withModifiers(expr: Expr, start: Position): Expr | undefined {
    if (!this.isAtKeyword('with')) return expr;
    const withs = this.parseWith();
    if (!withs) return undefined;
    expr.with = withs;
    expr.location = this.locateFrom(start);
    return expr;
  }

  private parseWith(): With[] | undefined {
    const withs: With[] = [];
    while (this.isAtKeyword('with')) {
      const start = this.tok.start;
      this.advance();
      if (!this.isPlainIdent(this.tok) && !this.isKeywordStartingRef()) {
        this.reportUnexpected('expected ident');
        return undefined;
      }
      const target = this.parseTerm();
      if (!target) return undefined;
      if (target.type !== 'ref' && target.type !== 'var') {
        this.reportUnexpected('expected with target path');
        return undefined;
      }
      if (!this.isAtKeyword('as')) {
        this.reportUnexpected('expected as keyword');
        return undefined;
      }
      this.advance();
      const value = this.parseTermIn(true);
      if (!value) return undefined;
      const ref =
        target.type === 'ref' ? target : { type: 'ref' as const, terms: [target], location: target.location };
      withs.push({ target: ref, value, location: this.locateFrom(start) });
    }
    return withs;
  }

  /** `some x, y` or `some [k,] v in xs`: the `in` form is tried first, as in OPA. */
  private parseSome(): Expr | undefined {
    const start = this.tok.start;
    const s = this.save();
    this.advance();
    const term = this.parseTermIn(true);
    if (term?.type === 'call') {
      if (term.infix !== 'in') {
        this.reportUnexpected('expected `x in xs` or `x, y in xs` expression');
        return undefined;
      }
      const [a, b, c] = term.args as [Term, Term, Term | undefined];
      const expr: Expr = c
        ? { type: 'somein', key: a, value: b, collection: c, location: this.locateFrom(start) }
        : { type: 'somein', value: a, collection: b, location: this.locateFrom(start) };
      return this.withModifiers(expr, start);
    }
    this.restore(s);
    const vars: Var[] = [];
    do {
      this.advance();
      if (!this.isPlainIdent(this.tok)) {
        this.reportUnexpected('expected var');
        return undefined;
      }
      vars.push(this.makeVar(this.tok));
      this.advance();
    } while (this.isAt(','));
    return { type: 'somedecl', vars, location: this.locateFrom(start) };
  }

  /** `every [k,] v in xs { body }`. */
  private parseEvery(): Expr | undefined {
    const start = this.tok.start;
    this.advance();
    const term = this.parseTermIn(true);
    if (!term) return undefined;
    if (term.type !== 'call' || term.infix !== 'in') {
      this.reportUnexpected('expected `x[, y] in xs { ... }` expression');
      return undefined;
    }
    const [a, b, c] = term.args as [Term, Term, Term | undefined];
    const key = c ? a : undefined;
    const value = c ? b : a;
    const collection = c ?? b;
    if (key && key.type !== 'var') {
      this.reportUnexpected('expected key to be a variable');
      return undefined;
    }
    if (value.type !== 'var') {
      this.reportUnexpected('expected value to be a variable');
      return undefined;
    }
    if (!this.isAt('{')) {
      this.reportUnexpected('missing body');
      return undefined;
    }
    const body = this.parseBracedBody();
    if (!body) return undefined;
    const expr: Expr = key
      ? { type: 'every', key, value, collection, body, location: this.locateFrom(start) }
      : { type: 'every', value, collection, body, location: this.locateFrom(start) };
    return this.withModifiers(expr, start);
  }
}
