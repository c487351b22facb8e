/**
 * Collections: arrays, sets and objects, and their comprehensions. A `[` or `{` is ambiguous until
 * its first item is read (`{x}` set, `{x: y}` object, `{x | body}` comprehension), so these
 * parsers try the plain-term reading first and backtrack, as OPA's parser does.
 */
import type { Body, ObjectTerm, Term } from './ast';
import { ParserState, type Snapshot } from './parser-state';
import type { Token, TokenKind } from './tokens';

/** The collection layer; terms and bodies come from the layers built on it. */
export abstract class CollectionParser extends ParserState {
  /** One term with its reference or call suffix. */
  protected abstract parseTerm(): Term | undefined;

  /** A term with infix operators (see TermParser). */
  protected abstract parseTermIn(keyVal: boolean): Term | undefined;

  /** Expressions up to `end`, separated by `;` or line breaks; the cursor stays on `end`. */
  protected abstract parseBody(end: TokenKind): Body | undefined;

  /** Comma-separated terms up to `end` (a trailing comma is allowed); the cursor stays on `end`. */
  protected parseTermList(end: TokenKind, items: Term[]): Term[] | undefined {
    if (this.isAt(end)) return items;
    for (;;) {
      const term = this.parseTermIn(false);
      if (!term) return undefined;
      items.push(term);
      if (this.isAt(end)) return items;
      if (!this.isAt(',')) {
        this.reportUnexpected(`expected "," or "${end}"`);
        return undefined;
      }
      this.advance();
      if (this.isAt(end)) return items;
    }
  }

  /** `[a, b]` or `[x | body]`. */
  protected parseArray(): Term | undefined {
    const start = this.tok.start;
    this.advance();
    if (this.isAt(']')) {
      this.advance();
      return { type: 'array', items: [], location: this.locateFrom(start) };
    }
    // OPA still accepts a leading comma (`[, x]`), but then it is never a comprehension.
    let maybeComprehension = true;
    if (this.isAt(',')) {
      maybeComprehension = false;
      this.advance();
    }
    const s = this.save();
    // A plain term first, so that `[x | body]` wins over an array holding `x | y`.
    const head = this.parseTerm();
    if (!head) return undefined;
    if (this.isAt(']')) {
      this.advance();
      return { type: 'array', items: [head], location: this.locateFrom(start) };
    }
    if (this.isAt(',')) {
      this.advance();
      const items = this.parseTermList(']', [head]);
      if (!items) return undefined;
      this.advance();
      return { type: 'array', items, location: this.locateFrom(start) };
    }
    if (this.isAt('|') && maybeComprehension) {
      this.advance();
      const body = this.parseBody(']');
      if (body) {
        this.advance();
        return { type: 'arraycomprehension', term: head, body, location: this.locateFrom(start) };
      }
      if (!this.isAt(',')) return undefined;
    }
    this.restore(s);
    const items = this.parseTermList(']', []);
    if (!items) return undefined;
    this.advance();
    return { type: 'array', items, location: this.locateFrom(start) };
  }

  /** `{}`, `{a, b}`, `{k: v}` or one of their comprehensions. */
  protected parseSetOrObject(): Term | undefined {
    const start = this.tok.start;
    this.advance();
    if (this.isAt('}')) {
      this.advance();
      return { type: 'object', entries: [], location: this.locateFrom(start) };
    }
    let maybeComprehension = true;
    if (this.isAt(',')) {
      maybeComprehension = false;
      this.advance();
    }
    const s = this.save();
    let head = this.parseTerm();
    if (!head) return undefined;
    if ((this.isAt('|') && maybeComprehension) || this.isAt('}') || this.isAt(',')) {
      return this.parseSet(s, head, maybeComprehension, start);
    }
    if (this.isAt(':')) return this.parseObject(head, maybeComprehension, start);
    this.restore(s);
    head = this.parseTermIn(false);
    if (!head) return undefined;
    if (this.isAt('}') || this.isAt(',')) return this.parseSet(s, head, false, start);
    if (this.isAt(':')) return this.parseObject(head, maybeComprehension, start);
    this.reportUnexpected('non-terminated set');
    return undefined;
  }

  private parseSet(
    s: Snapshot,
    head: Term,
    maybeComprehension: boolean,
    start: Token['start'],
  ): Term | undefined {
    if (this.isAt('}')) {
      this.advance();
      return { type: 'set', items: [head], location: this.locateFrom(start) };
    }
    if (this.isAt(',')) {
      this.advance();
      const items = this.parseTermList('}', [head]);
      if (!items) return undefined;
      this.advance();
      return { type: 'set', items, location: this.locateFrom(start) };
    }
    if (!this.isAt('|')) return undefined;
    if (maybeComprehension) {
      this.advance();
      const body = this.parseBody('}');
      if (body) {
        this.advance();
        return { type: 'setcomprehension', term: head, body, location: this.locateFrom(start) };
      }
      if (!this.isAt(',')) return undefined;
    }
    this.restore(s);
    const items = this.parseTermList('}', []);
    if (!items) return undefined;
    this.advance();
    return { type: 'set', items, location: this.locateFrom(start) };
  }

  private parseObject(key: Term, maybeComprehension: boolean, start: Token['start']): Term | undefined {
    this.advance();
    const s = this.save();
    const value = this.parseTerm();
    if (!value) return undefined;
    if (maybeComprehension && (this.isAt('}') || this.isAt(',') || this.isAt('|'))) {
      const ended = !this.isAt('|');
      const term = this.parseObjectFinish(key, value, true, start);
      // After `}` or `,` the value was complete, so reading it again with operators cannot help.
      if (term || ended) return term;
    }
    this.restore(s);
    const full = this.parseTermIn(false);
    if (!full) return undefined;
    if (this.isAt('}') || this.isAt(',')) return this.parseObjectFinish(key, full, false, start);
    this.reportUnexpected('non-terminated object');
    return undefined;
  }

  private parseObjectFinish(
    key: Term,
    value: Term,
    maybeComprehension: boolean,
    start: Token['start'],
  ): Term | undefined {
    if (this.isAt('}')) {
      this.advance();
      return { type: 'object', entries: [{ key, value }], location: this.locateFrom(start) };
    }
    if (this.isAt('|')) {
      if (!maybeComprehension) {
        this.reportUnexpected('non-terminated object');
        return undefined;
      }
      this.advance();
      const body = this.parseBody('}');
      if (!body) return undefined;
      this.advance();
      return { type: 'objectcomprehension', key, value, body, location: this.locateFrom(start) };
    }
    if (!this.isAt(',')) return undefined;
    this.advance();
    const entries = this.parseTermPairList([{ key, value }]);
    if (!entries) return undefined;
    this.advance();
    return { type: 'object', entries, location: this.locateFrom(start) };
  }

  private parseTermPairList(entries: ObjectTerm['entries']): ObjectTerm['entries'] | undefined {
    if (this.isAt('}')) return entries;
    for (;;) {
      const key = this.parseTermIn(false);
      if (!key) return undefined;
      if (!this.isAt(':')) {
        this.reportUnexpected('expected ":"');
        return undefined;
      }
      this.advance();
      const value = this.parseTermIn(false);
      if (!value) return undefined;
      entries.push({ key, value });
      if (this.isAt('}')) return entries;
      if (!this.isAt(',')) {
        this.reportUnexpected('expected "," or "}"');
        return undefined;
      }
      this.advance();
      if (this.isAt('}')) return entries;
    }
  }
}
