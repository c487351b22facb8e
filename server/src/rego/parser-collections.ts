/**
 * Collections: arrays, sets, objects and their comprehensions. As in OPA, `{a | b}` and `[a | b]`
 * are comprehensions, not collections holding `or(a, b)`: a collection first tries a single term
 * followed by `|`, `,`, `:` or its closing bracket, and only then an operator expression.
 */
import type { Term } from './ast';
import type { Snapshot } from './parser-core';
import { TermParser } from './parser-terms';
import type { Token } from './tokens';

/** The collection layer of the parser. */
export abstract class CollectionParser extends TermParser {
  protected parseArray(): Term | null {
    this.enter();
    try {
      const open = this.tok;
      this.advance();
      const finish = (items: Term[]): Term => {
        this.advance();
        return { type: 'array', items, location: this.location(open.start, this.lastEnd()) };
      };
      if (this.at(']')) return finish([]);
      let comprehension = true;
      if (this.at(',')) {
        comprehension = false;
        this.advance();
      }
      const s = this.save();
      const head = this.parseTerm();
      if (!head) return null;
      if (this.at(']')) return finish([head]);
      if (this.at(',')) {
        this.advance();
        const items = this.parseTermList(']', [head]);
        return items ? finish(items) : null;
      }
      if (this.at('|') && comprehension) {
        this.advance();
        const body = this.parseBody(']');
        if (body) {
          this.advance();
          return {
            type: 'arraycomprehension',
            term: head,
            body,
            location: this.location(open.start, this.lastEnd()),
          };
        }
        if (!this.at(',')) return null;
      }
      this.restore(s);
      const items = this.parseTermList(']');
      return items ? finish(items) : null;
    } finally {
      this.leave();
    }
  }

  protected parseSetOrObject(): Term | null {
    this.enter();
    try {
      const open = this.tok;
      this.advance();
      if (this.at('}')) {
        this.advance();
        return { type: 'object', entries: [], location: this.location(open.start, this.lastEnd()) };
      }
      let comprehension = true;
      if (this.at(',')) {
        comprehension = false;
        this.advance();
      }
      const s = this.save();
      let head = this.parseTerm();
      if (!head) return null;
      if ((this.at('|') && comprehension) || this.at('}') || this.at(',')) {
        return this.parseSet(s, head, comprehension, open);
      }
      if (this.at(':')) return this.parseObject(head, comprehension, open);
      this.restore(s);
      head = this.parseTermInfixCallInList();
      if (!head) return null;
      if (this.at('}') || this.at(',')) return this.parseSet(s, head, false, open);
      if (this.at(':')) return this.parseObject(head, comprehension, open);
      this.illegal('non-terminated set');
      return null;
    } finally {
      this.leave();
    }
  }

  private parseSet(s: Snapshot, head: Term, comprehension: boolean, open: Token): Term | null {
    const finish = (items: Term[]): Term => {
      this.advance();
      return { type: 'set', items, location: this.location(open.start, this.lastEnd()) };
    };
    if (this.at('}')) return finish([head]);
    if (this.at(',')) {
      this.advance();
      const items = this.parseTermList('}', [head]);
      return items ? finish(items) : null;
    }
    if (this.at('|')) {
      if (comprehension) {
        this.advance();
        const body = this.parseBody('}');
        if (body) {
          this.advance();
          const location = this.location(open.start, this.lastEnd());
          return { type: 'setcomprehension', term: head, body, location } as Term;
        }
        if (!this.at(',')) return null;
      }
      this.restore(s);
      const items = this.parseTermList('}');
      return items ? finish(items) : null;
    }
    return null;
  }

  private parseObject(key: Term, comprehension: boolean, open: Token): Term | null {
    this.advance();
    const s = this.save();
    const value = this.parseTerm();
    if (!value) return null;
    let relation = true;
    if (comprehension && (this.at('}') || this.at(',') || this.at('|'))) {
      if (!this.at('|')) relation = false;
      const done = this.parseObjectFinish(key, value, true, open);
      if (done) return done;
    }
    this.restore(s);
    if (relation) {
      const v = this.parseTermInfixCallInList();
      if (!v) return null;
      if (this.at('}') || this.at(',')) return this.parseObjectFinish(key, v, false, open);
    }
    this.illegal('non-terminated object');
    return null;
  }

  private parseObjectFinish(key: Term, value: Term, comprehension: boolean, open: Token): Term | null {
    const location = () => this.location(open.start, this.lastEnd());
    if (this.at('}')) {
      this.advance();
      return { type: 'object', entries: [{ key, value }], location: location() };
    }
    if (this.at('|')) {
      if (!comprehension) {
        this.illegal('non-terminated object');
        return null;
      }
      this.advance();
      const body = this.parseBody('}');
      if (!body) return null;
      this.advance();
      return { type: 'objectcomprehension', key, value, body, location: location() };
    }
    if (this.at(',')) {
      this.advance();
      const entries = this.parseTermPairList([{ key, value }]);
      if (!entries) return null;
      this.advance();
      return { type: 'object', entries, location: location() };
    }
    return null;
  }

  private parseTermPairList(entries: Array<{ key: Term; value: Term }>) {
    if (this.at('}')) return entries;
    for (;;) {
      const key = this.parseTermInfixCallInList();
      if (!key) return null;
      if (!this.at(':')) {
        this.illegal('expected ":"');
        return null;
      }
      this.advance();
      const value = this.parseTermInfixCallInList();
      if (!value) return null;
      entries.push({ key, value });
      if (this.at('}')) return entries;
      if (this.at(',')) {
        this.advance();
        if (this.at('}')) return entries;
        continue;
      }
      this.illegal('expected "," or "}"');
      return null;
    }
  }
}
