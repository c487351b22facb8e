/**
 * Terms as `opa fmt` lays them out: collections stay on one line unless
 * their items were on several lines (then one source line per output line, with a trailing
 * comma), infix calls nested in other calls get parentheses, refs use dots where they can.
 */
import type { Body, Call, Expr, NodeBase, Ref, Term } from '../syntax/ast';
import { BASE_KEYWORDS, FUTURE_KEYWORDS } from '../syntax/tokens';
import { LineWriter, UnexpectedComment } from './writer';

/** Builtins written as infix operators, by name. */
export const INFIX: Record<string, string> = {
  plus: '+',
  minus: '-',
  mul: '*',
  div: '/',
  rem: '%',
  and: '&',
  or: '|',
  equal: '==',
  neq: '!=',
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
  eq: '=',
  assign: ':=',
};

/** The `in` operator's builtins (`x in xs`, `k, v in xs`). */
export const MEMBER_2 = 'internal.member_2';
/** See MEMBER_2. */
export const MEMBER_3 = 'internal.member_3';
const KEYWORDS = new Set([...BASE_KEYWORDS, ...FUTURE_KEYWORDS]);
const VAR_LIKE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A row to compare against, for items whose source position decides the layout. */
type Located = NodeBase;

/** An item of a list being written: a term, or an object entry located at its key. */
type Item = { location: NodeBase['location']; term: Term; value?: Term };

/** The dotted name of a call's operator (`count`, `io.jwt.decode`, `internal.member_2`). */
export function operatorName(call: Call): string {
  return call.operator.terms
    .map((t) => (t.type === 'var' ? t.name : t.type === 'string' ? t.value : '?'))
    .join('.');
}

/** True for an operator call written inside parentheses (its span starts before its first operand). */
function wasParenthesised(call: Call): boolean {
  const first = call.args[0];
  return !!call.infix && !!first && call.location.start.offset < first.location.start.offset;
}

/** True for a call to `or` (`a | b`), which needs parentheses inside collections. */
export function isUnionCall(t: Term): boolean {
  return t.type === 'call' && operatorName(t) === 'or';
}

/** Writes terms, expressions and bodies; the module layer builds on it. */
export abstract class TermWriter extends LineWriter {
  /** `not { body }` is syntax here (`import future.keywords.not`), so `not {x}` would be a body. */
  protected notBodies = false;
  /** An expression to wrap in parentheses when it is written (the first of a `not { }` body). */
  protected parenExpr: Expr | undefined;
  /** The `with` value being written, whose opening line break does not make it multi-line. */
  protected withValue: Term | undefined;

  /** Every row a term of the text ends on, for `with` placement. */
  protected endRow(n: Located): number {
    return n.location.end.line;
  }

  /** Writes a term; comments that cannot be placed make it fall back to its source text. */
  protected writeTerm(term: Term): void {
    if (this.comments.length === 0) {
      this.writeTermParens(false, term);
      return;
    }
    const len = this.buf.length;
    const level = this.level;
    const saved = [...this.comments];
    try {
      this.writeTermParens(false, term);
    } catch (e) {
      if (!(e instanceof UnexpectedComment)) throw e;
      this.buf = this.buf.slice(0, len);
      this.level = level;
      const be = this.beforeEnd;
      if (be && be.row >= this.row(term) && be.row <= term.location.end.line) this.beforeEnd = undefined;
      this.writeUnformatted(term, saved);
      throw e;
    }
  }

  /** `writeTerm` for callers that carry on after a fallback to source text. */
  protected writeTermTolerant(term: Term): void {
    try {
      this.writeTerm(term);
    } catch (e) {
      if (!(e instanceof UnexpectedComment)) throw e;
    }
  }

  protected writeTermParens(parens: boolean, term: Term): void {
    this.insertComments(this.row(term));
    if (!this.inline) this.startLine();
    switch (term.type) {
      case 'ref':
        this.writeRef(term);
        break;
      case 'object':
        this.write('{');
        this.writeIterable(
          term.entries.map((e) => ({ location: e.key.location, term: e.key, value: e.value })),
          term,
          term.location.end.line,
          (item) => this.writeObjectEntry(item),
        );
        this.write('}');
        break;
      case 'array':
        this.write('[');
        this.writeIterable(this.items(term.items), term, term.location.end.line, (i) =>
          this.writeListItem(i, true),
        );
        this.write(']');
        break;
      case 'set':
        if (term.items.length === 0) {
          this.write('set()');
          this.insertComments(term.location.end.line);
          break;
        }
        this.write('{');
        this.writeIterable(this.items(term.items), term, term.location.end.line, (i) =>
          this.writeListItem(i, true),
        );
        this.write('}');
        break;
      case 'arraycomprehension':
        this.write('[');
        this.writeComprehension(term.term, term.body, term);
        this.write(']');
        break;
      case 'setcomprehension':
        this.write('{');
        this.writeComprehension(term.term, term.body, term);
        this.write('}');
        break;
      case 'objectcomprehension': {
        // `opa fmt` keeps the key beside the brace; a body below the brace goes on its own lines.
        this.write('{');
        const paren = isUnionCall(term.key);
        if (paren) this.write('(');
        this.writeTerm(term.key);
        if (paren) this.write(')');
        this.write(': ');
        this.writeComprehension(term.value, term.body, term, this.row(term));
        this.write('}');
        break;
      }
      case 'string': {
        const text = this.text(term);
        this.write(text.startsWith('"') || text.startsWith('`') ? text : JSON.stringify(term.value));
        break;
      }
      case 'number':
        this.write(String(term.value));
        break;
      case 'boolean':
        this.write(term.value ? 'true' : 'false');
        break;
      case 'null':
        this.write('null');
        break;
      case 'var':
        this.write(term.generated ? '_' : term.name);
        break;
      case 'call':
        this.writeCall(parens, term);
        break;
      case 'templatestring':
        this.write(this.text(term));
        break;
    }
    if (!this.inline) this.startLine();
  }

  private items(terms: Term[]): Item[] {
    return terms.map((t) => ({ location: t.location, term: t }));
  }

  private writeObjectEntry(item: Item): void {
    const paren = isUnionCall(item.term);
    if (paren) this.write('(');
    this.writeTerm(item.term);
    if (paren) this.write(')');
    this.write(': ');
    const value = item.value as Term;
    const vp = isUnionCall(value);
    if (vp) this.write('(');
    this.writeTerm(value);
    if (vp) this.write(')');
  }

  private writeListItem(item: Item, parenUnion: boolean): void {
    const t = item.term;
    const paren = isUnionCall(t) && (parenUnion || this.text(t).startsWith('('));
    if (paren) this.write('(');
    try {
      this.writeTerm(t);
    } finally {
      if (paren) this.write(')');
    }
  }

  /** `a.b["c d"][x]`: string segments as dots when they can be. */
  protected writeRef(ref: Ref): void {
    const [head, ...path] = ref.terms;
    if (!head) return;
    const parens = head.type === 'call' && this.text(head).startsWith('(');
    this.writeTermParens(parens, head);
    for (const t of path) {
      if (t.type === 'string') this.writeRefString(t.value as string, this.text(t));
      else if (t.type === 'var') this.write(`[${t.generated ? '_' : t.name}]`);
      else {
        this.write('[');
        try {
          this.writeTerm(t);
        } catch (e) {
          if (!(e instanceof UnexpectedComment)) throw e;
          this.write('\n');
        }
        this.write(']');
      }
    }
  }

  /** One string segment of a ref; `source` is how it was written (`b` or `"b"`). */
  protected writeRefString(value: string, source: string): void {
    const bracket = !VAR_LIKE.test(value) || (KEYWORDS.has(value) && source.startsWith('"'));
    this.write(bracket ? `[${JSON.stringify(value)}]` : `.${value}`);
  }

  private writeCall(parens: boolean, call: Call): void {
    const name = operatorName(call);
    if (name === MEMBER_2 || name === MEMBER_3) {
      this.writeIn(true, call.args, parens ? call : undefined);
      return;
    }
    const op = INFIX[name];
    if (!op || call.args.length !== 2) {
      this.writeCallPlain(call);
      return;
    }
    if (parens) this.write('(');
    this.writeTermParens(true, call.args[0] as Term);
    this.write(` ${op} `);
    this.writeTermParens(true, call.args[1] as Term);
    if (parens) this.write(')');
  }

  protected writeIn(parens: boolean, operands: Term[], source?: Call): void {
    if (operands.length === 2) {
      // `opa fmt` drops these parentheses, which changes `a, (b in c) in d`; we keep written ones.
      const keep = parens && source !== undefined && wasParenthesised(source);
      if (keep) this.write('(');
      this.writeTermParens(true, operands[0] as Term);
      this.write(' in ');
      this.writeTermParens(true, operands[1] as Term);
      if (keep) this.write(')');
      return;
    }
    if (parens) this.write('(');
    this.writeTermParens(true, operands[0] as Term);
    this.write(', ');
    this.writeTermParens(true, operands[1] as Term);
    this.write(' in ');
    this.writeTermParens(true, operands[2] as Term);
    if (parens) this.write(')');
  }

  protected writeCallPlain(call: Call): void {
    this.writeRef(call.operator);
    this.write('(');
    // The closing parenthesis is not located by `opa fmt` for calls (row -1).
    // An argument that fell back to its source text (a comment it could not place) is written:
    // the rest of the call and of its expression (`with` modifiers) must follow, or formatting
    // would drop code (as `opa fmt` keeps the `with` chain after such a value, OPA issue #8765).
    this.writeIterable(this.items(call.args), call.operator, -1, (i) => {
      try {
        this.writeListItem(i, false);
      } catch (e) {
        if (!(e instanceof UnexpectedComment)) throw e;
      }
    });
    this.write(')');
  }

  /**
   * Writes list items: on one line if they were on one source line, else one output line per
   * source line, indented, each ending in a comma.
   */
  protected writeIterable(
    items: Item[],
    container: Located,
    closeRow: number,
    each: (i: Item) => void,
  ): void {
    const lines = this.groupByRow(items, this.row(container));
    let newlinePrecedesItem = false;
    if (lines.length === 1) {
      const startRow = this.row(container);
      for (const c of this.comments) {
        if (c.row > startRow && c.row < closeRow) throw new UnexpectedComment(c.text);
      }
      const first = items[0];
      if (first) {
        const before = this.src.slice(container.location.start.offset, first.location.start.offset);
        // Only items inside the container's own text count (a call's container is its name).
        const inside =
          first.location.start.offset > container.location.start.offset &&
          first.location.start.offset < container.location.end.offset;
        newlinePrecedesItem = inside && before.includes('\n') && container !== this.withValue;
      }
    }
    const multiline = lines.length > 1 || (lines.length === 1 && newlinePrecedesItem);
    if (multiline) {
      this.delayBeforeEnd();
      this.startMultilineSeq();
    }
    lines.forEach((line, i) => {
      line.forEach((item, j) => {
        if (j > 0) this.write(', ');
        each(item);
      });
      if (i < lines.length - 1) {
        this.write(',');
        this.endLine();
        this.startLine();
      }
    });
    if (multiline) {
      this.write(',');
      this.endLine();
      this.insertComments(closeRow);
      this.down();
      this.startLine();
    }
  }

  /** Splits located items into runs that started on the same source row. */
  protected groupByRow<T extends Located>(items: T[], _firstRow: number): T[][] {
    const sorted = [...items].sort(
      (a, b) =>
        a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column,
    );
    const lines: T[][] = [];
    let cur: T[] = [];
    let lastRow = 0;
    sorted.forEach((item, i) => {
      if (i > 0 && item.location.start.line > lastRow) {
        lines.push(cur);
        cur = [];
      }
      lastRow = item.location.start.line;
      cur.push(item);
    });
    lines.push(cur);
    return lines;
  }

  /** `[term | body]` and its kin, after the opening bracket. */
  private writeComprehension(term: Term, body: Body, compr: Term, termRow = this.row(term)): void {
    if (termRow - this.row(compr) >= 1) {
      this.endLine();
      this.startLine();
    }
    // The flag goes to the call itself: an infix call writes its own parentheses.
    const parens = term.type === 'call' && (isUnionCall(term) || this.text(term).startsWith('('));
    this.writeTermParens(parens, term);
    this.write(' |');
    this.writeComprehensionBody(body, termRow, compr.location.end.line);
  }

  /** A body inside braces or brackets (comprehensions, `every`, `not { }`): the expression layer writes it. */
  protected abstract writeComprehensionBody(body: Body, termRow: number, closeRow: number): void;
}
