/**
 * The parser's shared state: the token cursor, backtracking snapshots, the term memo that keeps
 * backtracking linear, error collection in OPA's wording, the active keywords and the depth guard.
 * The term, expression and rule layers extend it (parser-terms, parser-exprs, parser-rules).
 */
import type { ClearanceError, Location, Position } from '../../errors';
import type { Ref, Scalar, Term, Var } from './ast';
import { makeKeywordSet, type Token, type TokenKind } from './tokens';

/** OPA's code for every syntax error. */
export const PARSE_ERROR_CODE = 'rego_parse_error';

/** Nesting deeper than this (terms inside terms, bodies inside bodies) is an error, not a crash. */
export const MAX_DEPTH = 1000;

/** The message of the error reported when nesting is too deep. */
export const DEPTH_MESSAGE = 'max parsing recursion depth exceeded';

/** Thrown past the depth limit; the statement loop catches it and reports a parse error. */
export class DepthExceeded extends Error {}

/** What `restore` needs to undo a speculative parse. */
export interface Snapshot {
  pos: number;
  errors: number;
  wildcard: number;
}

/**
 * Memoised `parseTerm` outcomes by token position, in flat arrays (terms are parsed by the hundred
 * thousand, so one object per entry would be felt). An entry counts only in the generation that
 * wrote it; `clear` starts a new generation instead of wiping the arrays.
 */
class TermMemo {
  private generation = 1;
  private readonly stamp: Int32Array;
  private readonly wildcardBefore: Int32Array;
  private readonly endPos: Int32Array;
  private readonly wildcardAfter: Int32Array;
  private readonly terms: Array<Term | undefined>;
  private readonly errors = new Map<number, ClearanceError[]>();

  constructor(size: number) {
    this.stamp = new Int32Array(size);
    this.wildcardBefore = new Int32Array(size);
    this.endPos = new Int32Array(size);
    this.wildcardAfter = new Int32Array(size);
    this.terms = new Array<Term | undefined>(size);
  }

  clear(): void {
    this.generation++;
    this.errors.clear();
  }

  has(pos: number, wildcard: number): boolean {
    return this.stamp[pos] === this.generation && this.wildcardBefore[pos] === wildcard;
  }

  set(
    pos: number,
    wildcard: number,
    term: Term | undefined,
    end: number,
    wildcardEnd: number,
    errors: ClearanceError[],
  ): void {
    this.stamp[pos] = this.generation;
    this.wildcardBefore[pos] = wildcard;
    this.endPos[pos] = end;
    this.wildcardAfter[pos] = wildcardEnd;
    this.terms[pos] = term;
    if (errors.length > 0) this.errors.set(pos, errors);
    else this.errors.delete(pos);
  }

  getTerm(pos: number): Term | undefined {
    return this.terms[pos];
  }

  getEnd(pos: number): number {
    return this.endPos[pos] as number;
  }

  getWildcardEnd(pos: number): number {
    return this.wildcardAfter[pos] as number;
  }

  getErrors(pos: number): ClearanceError[] | undefined {
    return this.errors.get(pos);
  }
}

/** The builtin each infix operator and assignment symbol stands for (`+` is `plus`). */
export const SYMBOL_NAMES: Partial<Record<TokenKind, string>> = {
  ':=': 'assign',
  '=': 'eq',
  '==': 'equal',
  '!=': 'neq',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
  '+': 'plus',
  '-': 'minus',
  '*': 'mul',
  '/': 'div',
  '%': 'rem',
  '&': 'and',
  '|': 'or',
};

/** The cursor and bookkeeping every parsing layer builds on. */
export class ParserState {
  protected pos = 0;
  protected wildcard = 0;
  protected depth = 0;
  /** Words acting as keywords right now (imports can add some mid-module). */
  protected keywords: Set<string>;
  /** `import future.keywords.not` switches on `not { ... }` bodies. */
  protected notBodies = false;
  /** `and` / `or` switched on as infix keywords (they stay usable as the set builtins' names). */
  protected logical = new Set<string>();
  /** For each opening bracket token, the index of its closing one (computed on first use). */
  private closers: Int32Array | undefined;
  private readonly memo: TermMemo;

  /** Errors found so far, in source order of discovery. */
  readonly errors: ClearanceError[] = [];

  constructor(
    protected readonly tokens: Token[],
    protected readonly file: string,
    regoVersion: 0 | 1,
  ) {
    this.keywords = makeKeywordSet(regoVersion);
    this.memo = new TermMemo(tokens.length);
  }

  // ---------------------------------------------------------------- cursor

  /** The current token (the final `eof` token repeats forever). */
  protected get tok(): Token {
    return this.tokens[this.pos] as Token;
  }

  /** The token after the current one. */
  protected peek(): Token {
    return this.tokens[Math.min(this.pos + 1, this.tokens.length - 1)] as Token;
  }

  protected advance(): void {
    if (this.pos < this.tokens.length - 1) this.pos++;
  }

  protected isAt(kind: TokenKind): boolean {
    return this.tok.kind === kind;
  }

  /** The current token is `kind` written directly after the previous token (`a.b`, `f(x)`, `a[0]`). */
  protected isAtAdjacent(kind: TokenKind): boolean {
    const t = this.tok;
    return t.kind === kind && !t.spaceBefore;
  }

  /** The current token is the active keyword `word` (and does not start a ref like `if.x`). */
  protected isAtKeyword(word: string): boolean {
    const t = this.tok;
    if (t.kind !== 'ident' || t.text !== word || !this.keywords.has(word)) return false;
    const next = this.peek();
    return next.spaceBefore || (next.kind !== '.' && next.kind !== '[');
  }

  /** The token is a word that is an active keyword. */
  protected isKeyword(t: Token): boolean {
    return t.kind === 'ident' && this.keywords.has(t.text);
  }

  /** The token is a word usable as a variable name. */
  protected isPlainIdent(t: Token): boolean {
    return t.kind === 'ident' && !this.keywords.has(t.text);
  }

  /** A keyword directly followed by `.` or `[` starts a reference, as OPA allows (`input.if`, `not.x`). */
  protected isKeywordStartingRef(): boolean {
    if (!this.isKeyword(this.tok)) return false;
    const next = this.peek();
    return !next.spaceBefore && (next.kind === '.' || next.kind === '[');
  }

  /** Makes words keywords from here on, as `import future.keywords...` and `import rego.v1` do. */
  protected enableKeywords(words: Iterable<string>): void {
    for (const w of words) {
      if (w === 'not') {
        this.notBodies = true;
        continue;
      }
      if (w === 'and' || w === 'or') {
        this.logical.add(w);
        continue;
      }
      this.keywords.add(w);
      if (w === 'every') this.keywords.add('in');
    }
    this.memo.clear();
  }

  /** The index of the token closing the bracket at `index` (-1 if unclosed): one linear pass for all. */
  protected closerOf(index: number): number {
    if (!this.closers) {
      const closers = new Int32Array(this.tokens.length).fill(-1);
      const open: number[] = [];
      const pairs: Partial<Record<TokenKind, TokenKind>> = { ')': '(', ']': '[', '}': '{' };
      this.tokens.forEach((t, i) => {
        if (t.kind === '(' || t.kind === '[' || t.kind === '{') open.push(i);
        else if (pairs[t.kind]) {
          const at = open.pop();
          if (at !== undefined && this.tokens[at]?.kind === pairs[t.kind]) closers[at] = i;
        }
      });
      this.closers = closers;
    }
    return this.closers[index] ?? -1;
  }

  // ---------------------------------------------------------------- backtracking

  protected save(): Snapshot {
    return { pos: this.pos, errors: this.errors.length, wildcard: this.wildcard };
  }

  protected restore(s: Snapshot): void {
    this.pos = s.pos;
    this.errors.length = s.errors;
    this.wildcard = s.wildcard;
  }

  /** Forgets memoised terms; called between statements since they are never revisited. */
  protected clearMemo(): void {
    this.memo.clear();
  }

  /** Whether `parseTerm` already ran at this position (with the same wildcard numbering). */
  protected hasMemo(): boolean {
    return this.memo.has(this.pos, this.wildcard);
  }

  /** Replays the memoised `parseTerm` at this position: moves the cursor and re-adds its errors. */
  protected replay(): Term | undefined {
    const at = this.pos;
    this.pos = this.memo.getEnd(at);
    this.wildcard = this.memo.getWildcardEnd(at);
    for (const e of this.memo.getErrors(at) ?? []) this.errors.push(e);
    return this.memo.getTerm(at);
  }

  /** Memoises the outcome of `parseTerm` started at `pos` (with `wildcard` and `errors` then). */
  protected remember(pos: number, wildcard: number, errors: number, term: Term | undefined): void {
    const produced = errors < this.errors.length ? this.errors.slice(errors) : [];
    this.memo.set(pos, wildcard, term, this.pos, this.wildcard, produced);
  }

  /** Counts one level of nesting; past `MAX_DEPTH` it throws `DepthExceeded`. Pair with `leave`. */
  protected enter(): void {
    if (++this.depth > MAX_DEPTH) throw new DepthExceeded(DEPTH_MESSAGE);
  }

  protected leave(): void {
    this.depth--;
  }

  // ---------------------------------------------------------------- locations

  protected makeLoc(start: Position, end: Position): Location {
    return { file: this.file, start, end };
  }

  protected locateToken(t: Token): Location {
    return { file: this.file, start: t.start, end: t.end };
  }

  /** The end of the last consumed token. */
  protected getPrevEnd(): Position {
    return this.pos > 0 ? (this.tokens[this.pos - 1] as Token).end : (this.tokens[0] as Token).start;
  }

  /** A location from `start` to the end of the last consumed token. */
  protected locateFrom(start: Position): Location {
    return { file: this.file, start, end: this.getPrevEnd() };
  }

  // ---------------------------------------------------------------- errors

  protected reportAt(location: Location, message: string): void {
    this.errors.push({ code: PARSE_ERROR_CODE, message, location });
  }

  /** Reports the current token as OPA does: `unexpected <name> token|keyword[: note]`. */
  protected reportUnexpected(note?: string): void {
    const t = this.tok;
    if (t.kind === 'illegal' || t.error) {
      this.reportAt(this.locateToken(t), t.error ?? 'illegal token');
      return;
    }
    const keyword = this.isKeyword(t);
    const name = keyword ? t.text : describeToken(t);
    const message = `unexpected ${name} ${keyword ? 'keyword' : 'token'}`;
    this.reportAt(this.locateToken(t), note ? `${message}: ${note}` : message);
  }

  // ---------------------------------------------------------------- node constructors

  /** A variable from an identifier token; `_` becomes a fresh generated name (`$0`, `$1`, ...). */
  protected makeVar(t: Token): Var {
    if (t.text === '_')
      return { type: 'var', name: `$${this.wildcard++}`, generated: true, location: this.locateToken(t) };
    return { type: 'var', name: t.text, location: this.locateToken(t) };
  }

  protected makeString(value: string, location: Location): Scalar {
    return { type: 'string', value, location };
  }

  /** The reference naming a builtin operator: `plus`, or `internal.member_2` for `in`. */
  protected makeOperatorRef(path: readonly string[], t: Token): Ref {
    const location = this.locateToken(t);
    const terms: Term[] = path.map((name, i) =>
      i === 0 ? ({ type: 'var', name, location } as Var) : this.makeString(name, location),
    );
    return { type: 'ref', terms, location };
  }
}

/** Names a token the way OPA's error messages do (`ident`, `eof`, `assign`, `}`). */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'ident':
      return 'ident';
    case 'template':
      return t.closes ? 'template-string-end' : 'template-string-part';
    case 'illegal':
      return 'illegal';
    default:
      return SYMBOL_NAMES[t.kind] ?? t.kind;
  }
}
