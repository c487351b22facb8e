/**
 * Bodies and their expressions: plain terms and calls, `x := v`, `a = b`, `not expr`,
 * `not { body }` (with `import future.keywords.not`), `some x, y`, `some k, v in xs`,
 * `every k, v in xs { body }`, and `with target as value` modifiers. Expressions in a body are
 * separated by `;` or a line break.
 */

import type { Position } from '../../errors';
import type { Body, Expr, Term, Var, With } from './ast';
import { TermParser } from './parser-terms';
import { LOGICAL_KEYWORDS_UNSUPPORTED, type TokenKind } from './tokens';

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
        if (this.tok.kind === 'ident' && (this.tok.text === 'and' || this.tok.text === 'or')) {
          // `a or b` / `a and b`: OPA 1.20's logical keywords, not a stray name.
          this.reportAt(this.locateToken(this.tok), LOGICAL_KEYWORDS_UNSUPPORTED);
          return undefined;
        }
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
    if (this.isKeywordStartingRef()) return this.parseLiteralExpr(false, start);
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
      if (body) return this.withModifiers({ type: 'notbody', body, location: this.locateFrom(start) }, start);
      this.restore(s);
    }
    return this.parseLiteralExpr(negated, start);
  }

  private parseLiteralExpr(negated: boolean, start: Position): Expr | undefined {
    const inner = this.parseExpr();
    if (!inner) return undefined;
    const expr: Expr = negated ? { type: 'not', expr: inner, location: this.locateFrom(start) } : inner;
    return this.withModifiers(expr, start);
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
