/**
 * Parser state shared by the term, body and module parsers: the token cursor, backtracking
 * snapshots, error collection in OPA's wording, keyword activation and the recursion guard.
 */
import type { ClearanceError, Location } from '../errors';
import type { Call, Ref, Scalar, Term, Var } from './ast';
import { LineIndex } from './line-index';
import { BASE_KEYWORDS, describeTokenKind, type Token, type TokenKind, V0_FUTURE_KEYWORDS } from './tokens';

/** OPA's code for every syntax error. */
export const PARSE_ERROR_CODE = 'rego_parse_error';

/** Nesting deeper than this is refused instead of risking the JavaScript stack. */
export const DEFAULT_MAX_DEPTH = 1000;

const NO_ERRORS: readonly ClearanceError[] = [];

/** What `restore` needs to undo a failed attempt. */
export interface Snapshot {
  pos: number;
  errors: number;
  wildcard: number;
}

/** Settings shared by all parse entry points. */
export interface CoreOptions {
  file: string;
  regoVersion: 0 | 1;
  maxDepth: number;
}

/** A memoised `parseTerm` outcome; replaying it restores the cursor, names and errors it produced. */
interface CachedTerm {
  term: Term | null;
  end: Snapshot;
  errors: readonly ClearanceError[];
}

/** Why the parser gave up: nesting too deep. Caught at the entry points, never escapes them. */
export class DepthExceeded extends Error {}

/** The cursor and bookkeeping every parsing layer builds on. */
export class ParserCore {
  protected pos = 0;
  protected errors: ClearanceError[] = [];
  protected wildcard = 0;
  protected depth = 0;
  /** Words currently acting as keywords. */
  protected keywords: Set<string>;
  /** `import future.keywords.not` (or all future keywords) switches on `not { ... }` bodies. */
  protected notBodies = false;
  protected readonly lines: LineIndex;
  private termCache = new Map<number, CachedTerm>();

  constructor(
    protected readonly text: string,
    protected readonly tokens: Token[],
    protected readonly options: CoreOptions,
  ) {
    this.lines = new LineIndex(text, options.file);
    this.keywords = new Set(BASE_KEYWORDS);
    if (options.regoVersion === 1) for (const kw of V0_FUTURE_KEYWORDS) this.keywords.add(kw);
  }

  /** The current token. */
  protected get tok(): Token {
    return this.tokens[this.pos] as Token;
  }

  /** The token `n` places ahead (the final `eof` repeats). */
  protected peek(n = 1): Token {
    return this.tokens[Math.min(this.pos + n, this.tokens.length - 1)] as Token;
  }

  protected advance(): void {
    if (this.pos < this.tokens.length - 1) this.pos++;
  }

  protected at(kind: TokenKind): boolean {
    return this.tok.kind === kind;
  }

  /**
   * The current token is the keyword `word`: an active keyword, and not the start of a ref such
   * as `if.foo` (OPA allows keywords in refs, so `with.x` on a new line is an expression).
   */
  protected atKeyword(word: string): boolean {
    const t = this.tok;
    return t.kind === 'ident' && t.text === word && this.keywords.has(word) && !this.keywordStartsRef();
  }

  /** The token is an active keyword. */
  protected isKeywordToken(t: Token): boolean {
    return t.kind === 'ident' && this.keywords.has(t.text);
  }

  /**
   * A keyword directly followed by `.` or `[` starts a reference instead (`input.if`, `not[x]`),
   * as OPA allows keywords in refs.
   */
  protected keywordStartsRef(): boolean {
    const next = this.peek();
    return !next.spaceBefore && (next.kind === '.' || next.kind === '[');
  }

  /** Enables keywords, as a `future.keywords` or `rego.v1` import does from that point on. */
  protected enableKeywords(words: Iterable<string>): void {
    for (const w of words) {
      if (w === 'not') this.notBodies = true;
      else this.keywords.add(w);
      if (w === 'every') this.keywords.add('in');
    }
    this.termCache.clear();
  }

  protected save(): Snapshot {
    return { pos: this.pos, errors: this.errors.length, wildcard: this.wildcard };
  }

  protected restore(s: Snapshot): void {
    this.pos = s.pos;
    this.errors.length = s.errors;
    this.wildcard = s.wildcard;
  }

  /** Guards recursion (pair with `leave` in a `finally`); throws `DepthExceeded` past the limit. */
  protected enter(): void {
    this.depth++;
    if (this.depth > this.options.maxDepth) throw new DepthExceeded('max parsing recursion depth exceeded');
  }

  protected leave(): void {
    this.depth--;
  }

  protected cachedTerm(): CachedTerm | undefined {
    return this.termCache.get(this.pos);
  }

  protected replayCachedTerm(entry: CachedTerm): Term | null {
    this.pos = entry.end.pos;
    this.wildcard = entry.end.wildcard;
    this.errors.push(...entry.errors);
    return entry.term;
  }

  protected cacheTerm(start: Snapshot, term: Term | null): void {
    const errors = this.errors.length > start.errors ? this.errors.slice(start.errors) : NO_ERRORS;
    this.termCache.set(start.pos, { term, end: this.save(), errors });
  }

  // ---------------------------------------------------------------- locations

  protected location(start: number, end: number): Location {
    return this.lines.locationOf(start, end);
  }

  protected tokenLocation(t: Token): Location {
    return this.lines.locationOf(t.start, t.end);
  }

  /** End offset of the last consumed token. */
  protected lastEnd(): number {
    return this.pos > 0 ? (this.tokens[this.pos - 1] as Token).end : 0;
  }

  // ---------------------------------------------------------------- errors

  protected errorAt(location: Location, message: string): void {
    this.errors.push({ code: PARSE_ERROR_CODE, message, location });
  }

  /** `unexpected <token> token: <note>`, or the scanner's reason for an illegal token. */
  protected illegal(note?: string): void {
    const t = this.tok;
    if (t.kind === 'illegal') {
      this.errorAt(this.tokenLocation(t), t.error ?? 'illegal token');
      return;
    }
    const keyword = t.kind === 'ident' && this.isKeywordLike(t.text);
    const name = keyword ? t.text : describeTokenKind(t);
    const what = keyword ? 'keyword' : 'token';
    const message = note ? `unexpected ${name} ${what}: ${note}` : `unexpected ${name} ${what}`;
    this.errorAt(this.tokenLocation(t), message);
  }

  private isKeywordLike(word: string): boolean {
    return this.keywords.has(word);
  }

  // ---------------------------------------------------------------- node constructors

  protected makeVar(t: Token): Var {
    if (t.text === '_') {
      return { type: 'var', name: `$${this.wildcard++}`, generated: true, location: this.tokenLocation(t) };
    }
    return { type: 'var', name: t.text, location: this.tokenLocation(t) };
  }

  protected makeString(value: string, location: Location): Scalar {
    return { type: 'string', value, location };
  }

  /** A call of a builtin spelled as an operator: `a + b` is `plus(a, b)`. */
  protected makeOperatorCall(opTok: Token, path: string[], args: Term[], infix: string): Call {
    const opLoc = this.tokenLocation(opTok);
    const [head, ...rest] = path;
    const operator: Ref = {
      type: 'ref',
      terms: [
        { type: 'var', name: head ?? '', location: opLoc },
        ...rest.map((p) => this.makeString(p, opLoc)),
      ],
      location: opLoc,
    };
    const first = args[0];
    const last = args[args.length - 1];
    const start = first ? first.location.start.offset : opTok.start;
    const end = last ? last.location.end.offset : opTok.end;
    return { type: 'call', operator, args, infix, location: this.location(start, end) };
  }
}
