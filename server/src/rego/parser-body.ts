/**
 * Bodies and their expressions: `x := v`, `a = b`, plain terms and calls, `not`, `not { ... }`,
 * `some x, y`, `some k, v in xs`, `every k, v in xs { ... }` and `with ... as ...` modifiers.
 * Expressions in a body are separated by `;` or a line break.
 */
import type { Body, EveryExpr, Expr, NotBodyExpr, SomeDeclExpr, SomeInExpr, Term, Var, With } from './ast';
import { CollectionParser } from './parser-collections';
import type { Token } from './tokens';

/** The body layer of the parser. */
export abstract class BodyParser extends CollectionParser {
  /** Expressions up to `end` (`}` of a rule, `]`/`}` of a comprehension); the cursor stays on `end`. */
  protected parseBody(end: ']' | '}'): Body | null {
    this.enter();
    try {
      if (this.at(end)) {
        this.errorAt(this.tokenLocation(this.tok), 'found empty body');
        return null;
      }
      const exprs: Expr[] = [];
      for (;;) {
        const expr = this.parseLiteral();
        if (!expr) return null;
        exprs.push(expr);
        if (this.at(';')) {
          this.advance();
          continue;
        }
        if (this.at(end)) break;
        if (!this.tok.newlineBefore) {
          this.illegal(`expected \\n or ; or ${end}`);
          return null;
        }
      }
      return { exprs, location: this.spanOf(exprs) };
    } finally {
      this.leave();
    }
  }

  /** `{ body }` starting at the current `{`; the body's location includes the braces. */
  protected parseBraceBody(): Body | null {
    const open = this.tok;
    this.advance();
    const body = this.parseBody('}');
    if (!body) return null;
    this.advance();
    return { exprs: body.exprs, location: this.location(open.start, this.lastEnd()) };
  }

  /** Expressions joined by `;` (a query, or a module statement that is not a rule). */
  protected parseQueryStatement(): [Expr, ...Expr[]] | null {
    const first = this.parseLiteral();
    if (!first) return null;
    const exprs: [Expr, ...Expr[]] = [first];
    while (this.at(';')) {
      this.advance();
      const expr = this.parseLiteral();
      if (!expr) return null;
      exprs.push(expr);
    }
    return exprs;
  }

  protected spanOf(exprs: Expr[]) {
    const first = exprs[0];
    const last = exprs[exprs.length - 1];
    if (!first || !last) return this.location(this.tok.start, this.tok.start);
    return this.location(first.location.start.offset, last.location.end.offset);
  }

  /** One expression of a body. */
  protected parseLiteral(): Expr | null {
    const start = this.tok;
    if (this.isKeywordToken(start) && this.keywordStartsRef()) return this.parseLiteralExpr(start, false);
    let negated = false;
    if (this.atKeyword('not')) {
      this.advance();
      negated = true;
      if (this.notBodies && this.at('{')) return this.parseNotBody(start);
    }
    if (this.atKeyword('some')) {
      if (negated) {
        this.illegal("illegal negation of 'some'");
        return null;
      }
      return this.parseSome(start);
    }
    if (this.atKeyword('every')) {
      if (negated) {
        this.illegal("illegal negation of 'every'");
        return null;
      }
      return this.parseEvery(start);
    }
    return this.parseLiteralExpr(start, negated);
  }

  private parseLiteralExpr(start: Token, negated: boolean): Expr | null {
    const inner = this.parseExpr();
    if (!inner) return null;
    let withs: With[] | undefined;
    if (this.atKeyword('with')) {
      const parsed = this.parseWith();
      if (!parsed) return null;
      withs = parsed;
    }
    const location = this.location(start.start, this.lastEnd());
    if (negated) {
      const expr: Expr = { type: 'not', expr: inner, location };
      if (withs) expr.with = withs;
      return expr;
    }
    if (withs) return { ...inner, with: withs, location };
    return inner;
  }

  private parseExpr(): Expr | null {
    const left = this.parseTermInfixCall();
    if (!left) return null;
    if (this.at(':=') || this.at('=')) {
      const type = this.at(':=') ? 'assign' : 'unify';
      this.advance();
      const right = this.parseTermInfixCall();
      if (!right) return null;
      const location = this.location(left.location.start.offset, right.location.end.offset);
      return { type, left, right, location };
    }
    return { type: 'term', term: left, location: left.location };
  }

  private parseNotBody(start: Token): Expr | null {
    const body = this.parseBraceBody();
    if (!body) return null;
    const expr: NotBodyExpr = { type: 'notbody', body, location: this.location(start.start, this.lastEnd()) };
    return this.withModifiers(expr, start);
  }

  private withModifiers(expr: Expr, start: Token): Expr | null {
    if (!this.atKeyword('with')) return expr;
    const withs = this.parseWith();
    if (!withs) return null;
    return { ...expr, with: withs, location: this.location(start.start, this.lastEnd()) };
  }

  private parseSome(start: Token): Expr | null {
    const s = this.save();
    this.advance();
    const term = this.parseTermInfixCall();
    if (term?.type === 'call') {
      if (term.infix !== 'in') {
        this.illegal('expected `x in xs` or `x, y in xs` expression');
        return null;
      }
      const [a, b, c] = term.args as [Term, Term, Term | undefined];
      const location = this.location(start.start, this.lastEnd());
      const expr: SomeInExpr = c
        ? { type: 'somein', key: a, value: b, collection: c, location }
        : { type: 'somein', value: a, collection: b, location };
      return this.withModifiers(expr, start);
    }
    this.restore(s);
    const vars: Var[] = [];
    for (;;) {
      this.advance();
      const t = this.tok;
      if (t.kind !== 'ident' || this.isKeywordToken(t)) {
        this.illegal('expected var');
        return null;
      }
      vars.push(this.makeVar(t));
      this.advance();
      if (!this.at(',')) break;
    }
    const decl: SomeDeclExpr = {
      type: 'somedecl',
      vars,
      location: this.location(start.start, this.lastEnd()),
    };
    return decl;
  }

  private parseEvery(start: Token): Expr | null {
    this.advance();
    const term = this.parseTermInfixCall();
    if (!term) return null;
    if (term.type !== 'call' || term.infix !== 'in') {
      this.illegal('expected `x[, y] in xs { ... }` expression');
      return null;
    }
    const [a, b, c] = term.args as [Term, Term, Term | undefined];
    const key = c ? a : undefined;
    const value = c ? b : a;
    const collection = c ?? b;
    if (key && key.type !== 'var') {
      this.illegal('expected key to be a variable');
      return null;
    }
    if (value.type !== 'var') {
      this.illegal('expected value to be a variable');
      return null;
    }
    if (!this.at('{')) {
      this.illegal('missing body');
      return null;
    }
    const body = this.parseBraceBody();
    if (!body) return null;
    const location = this.location(start.start, this.lastEnd());
    const expr: EveryExpr = key
      ? { type: 'every', key, value, collection, body, location }
      : { type: 'every', value, collection, body, location };
    return this.withModifiers(expr, start);
  }

  private parseWith(): With[] | null {
    const withs: With[] = [];
    while (this.atKeyword('with')) {
      const start = this.tok;
      this.advance();
      if (!this.at('ident') || (this.isKeywordToken(this.tok) && !this.keywordStartsRef())) {
        this.illegal('expected ident');
        return null;
      }
      const target = this.parseTerm();
      if (!target) return null;
      if (target.type !== 'var' && target.type !== 'ref') {
        this.illegal('expected with target path');
        return null;
      }
      if (!this.atKeyword('as')) {
        this.illegal('expected as keyword');
        return null;
      }
      this.advance();
      const value = this.parseTermInfixCall();
      if (!value) return null;
      const ref =
        target.type === 'ref' ? target : { type: 'ref' as const, terms: [target], location: target.location };
      withs.push({ target: ref, value, location: this.location(start.start, this.lastEnd()) });
    }
    return withs;
  }
}
