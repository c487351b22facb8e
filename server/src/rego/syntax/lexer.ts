/**
 * The Rego lexer: source text to tokens, following OPA's scanner (ASCII identifiers, JSON-style
 * strings, backquoted raw strings, `$"..."` and `` $`...` `` template strings, `#` comments).
 *
 * Words are always `ident` tokens: whether `if` or `contains` is a keyword depends on the Rego
 * version and on the imports met so far, so the parser decides (with the keyword sets of tokens.ts).
 * Bad input never throws: a token that cannot be read carries an `error` and the lexer goes on.
 */
import type { ClearanceError, Position } from '../../errors';
import type { SymbolKind, Token, TokenKind } from './tokens';

const SINGLE: Record<string, SymbolKind> = {
  '[': '[',
  ']': ']',
  '{': '{',
  '}': '}',
  '(': '(',
  ')': ')',
  ',': ',',
  ';': ';',
  '.': '.',
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '%': '%',
  '&': '&',
  '|': '|',
};

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

const NON_ASCII_DIGIT = /\p{Nd}/u;

/** The expression part of a template string the lexer is in: `depth` counts the `{` still open. */
interface TemplateFrame {
  raw: boolean;
  depth: number;
}

/** Tokenizes Rego source: every token including comments, always ending with one `eof` token. */
export function tokenize(text: string, file: string): { tokens: Token[]; errors: ClearanceError[] } {
  const lexer = new Lexer(text);
  lexer.run();
  const errors: ClearanceError[] = [];
  for (const t of lexer.tokens) {
    if (t.error) {
      errors.push({
        code: 'rego_parse_error',
        message: t.error,
        location: { file, start: t.start, end: t.end },
      });
    }
  }
  return { tokens: lexer.tokens, errors };
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isDecimal(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return isDecimal(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Scans one text; `run` fills `tokens`. */
class Lexer {
  readonly tokens: Token[] = [];
  private i = 0;
  private line = 1;
  private lineStart = 0;
  private space = false;
  private newline = false;
  private readonly frames: TemplateFrame[] = [];

  constructor(private readonly text: string) {}

  run(): void {
    const text = this.text;
    if (text.charCodeAt(0) === 0xfeff) this.i = 1;
    for (;;) {
      this.skipWhitespace();
      if (this.i >= text.length) {
        this.push('eof', this.i, this.makePosition(this.i));
        return;
      }
      this.scanToken();
    }
  }

  private makePosition(offset: number): Position {
    return { line: this.line, column: offset - this.lineStart + 1, offset };
  }

  /** Moves past a line break at `i` (`\n`, `\r\n` or a lone `\r`), keeping line numbers right. */
  private breakLine(): void {
    if (this.text.charCodeAt(this.i) === 13 && this.text.charCodeAt(this.i + 1) === 10) this.i++;
    this.i++;
    this.line++;
    this.lineStart = this.i;
  }

  private skipWhitespace(): void {
    const text = this.text;
    while (this.i < text.length) {
      const c = text.charCodeAt(this.i);
      if (c === 32 || c === 9) {
        this.i++;
        this.space = true;
      } else if (c === 10 || c === 13) {
        this.breakLine();
        this.space = true;
        this.newline = true;
      } else {
        return;
      }
    }
  }

  /** Records a token from `from` to the cursor; callers fill in the optional fields afterwards. */
  private push(kind: TokenKind, from: number, start: Position, error?: string): Token {
    // Every token gets the same fields in the same order: one object shape keeps this path fast.
    const token: Token = {
      kind,
      text: this.text.slice(from, this.i),
      start,
      end: this.makePosition(this.i),
      spaceBefore: this.space,
      newlineBefore: this.newline,
      value: undefined,
      raw: undefined,
      opens: undefined,
      closes: undefined,
      error,
    };
    this.tokens.push(token);
    this.space = false;
    this.newline = false;
    return token;
  }

  private scanToken(): void {
    const text = this.text;
    const from = this.i;
    // Positions are immutable, so a token touching the previous one shares its end position.
    const previous = this.tokens[this.tokens.length - 1];
    const start =
      previous !== undefined && previous.end.offset === from ? previous.end : this.makePosition(from);
    const c = text.charCodeAt(from);
    if (isLetter(c)) {
      this.i++;
      this.skipWordChars();
      this.push('ident', from, start);
      return;
    }
    if (isDecimal(c)) {
      this.scanNumber(from, start);
      return;
    }
    const ch = text[from] as string;
    const next = text[from + 1];
    switch (ch) {
      case '#':
        this.scanComment(from, start);
        return;
      case '"':
        this.scanString(from, start);
        return;
      case '`':
        this.scanRawString(from, start);
        return;
      case '$':
        if (next === '"' || next === '`') {
          this.i += 2;
          this.scanTemplatePiece(from, start, next === '`', true);
        } else {
          this.i++;
          this.push('illegal', from, start, 'illegal $ character');
        }
        return;
      case ':':
      case '=':
      case '<':
      case '>':
      case '!': {
        this.scanComparison(ch, next, from, start);
        return;
      }
      case '{':
        this.i++;
        if (this.frames.length > 0) (this.frames[this.frames.length - 1] as TemplateFrame).depth++;
        this.push('{', from, start);
        return;
      case '}': {
        const frame = this.frames[this.frames.length - 1];
        this.i++;
        if (frame && frame.depth === 0) {
          this.frames.pop();
          this.scanTemplatePiece(from, start, frame.raw, false);
          return;
        }
        if (frame) frame.depth--;
        this.push('}', from, start);
        return;
      }
    }
    const single = SINGLE[ch];
    if (single) {
      this.i++;
      this.push(single, from, start);
      return;
    }
    this.scanIllegal(c, from, start);
  }

  private skipWordChars(): void {
    const text = this.text;
    while (this.i < text.length) {
      const c = text.charCodeAt(this.i);
      if (isLetter(c) || isDecimal(c)) {
        this.i++;
      } else if (c >= 128 && NON_ASCII_DIGIT.test(text[this.i] as string)) {
        this.i++;
      } else {
        return;
      }
    }
  }

  private scanComparison(ch: string, next: string | undefined, from: number, start: Position): void {
    this.i++;
    if (next === '=') {
      this.i++;
      const kind: SymbolKind =
        ch === ':' ? ':=' : ch === '=' ? '==' : ch === '<' ? '<=' : ch === '>' ? '>=' : '!=';
      this.push(kind, from, start);
      return;
    }
    if (ch === '!') {
      this.push('illegal', from, start, 'illegal ! character');
      return;
    }
    this.push(ch as SymbolKind, from, start);
  }

  private scanIllegal(c: number, from: number, start: Position): void {
    const isHighSurrogate = c >= 0xd800 && c <= 0xdbff;
    const low = this.text.charCodeAt(from + 1);
    this.i += isHighSurrogate && low >= 0xdc00 && low <= 0xdfff ? 2 : 1;
    let error = 'illegal token';
    if (c === 0) error = 'illegal null character';
    else if (c === 0xfeff) error = 'illegal byte-order mark';
    this.push('illegal', from, start, error);
  }

  private scanNumber(from: number, start: Position): void {
    const text = this.text;
    let error: string | undefined;
    while (isDecimal(text.charCodeAt(this.i))) this.i++;
    if (text[this.i] === '.') {
      this.i++;
      const digits = this.i;
      while (isDecimal(text.charCodeAt(this.i))) this.i++;
      if (this.i === digits) error = 'expected fraction';
    }
    const e = text[this.i];
    if (e === 'e' || e === 'E') {
      this.i++;
      if (text[this.i] === '+' || text[this.i] === '-') this.i++;
      const digits = this.i;
      while (isDecimal(text.charCodeAt(this.i))) this.i++;
      if (this.i === digits) error ??= 'expected exponent';
    }
    // Like OPA, `0a2b` is one bad number rather than a number followed by an identifier.
    if (isLetter(text.charCodeAt(this.i))) {
      error ??= 'illegal number format';
      this.skipWordChars();
    }
    this.push(error ? 'illegal' : 'number', from, start, error);
  }

  private scanComment(from: number, start: Position): void {
    const text = this.text;
    this.i++;
    while (this.i < text.length) {
      const c = text.charCodeAt(this.i);
      if (c === 10 || c === 13) break;
      this.i++;
    }
    this.push('comment', from, start).value = text.slice(from + 1, this.i);
    // A comment is layout: the next token counts as separated from the previous one.
    this.space = true;
  }

  private scanString(from: number, start: Position): void {
    const text = this.text;
    this.i++;
    let value = '';
    let error: string | undefined;
    let chunk = this.i;
    for (;;) {
      const c = text.charCodeAt(this.i);
      if (this.i >= text.length || c === 10 || c === 13) {
        error = 'non-terminated string';
        value += text.slice(chunk, this.i);
        break;
      }
      if (c === 34) {
        value += text.slice(chunk, this.i);
        this.i++;
        break;
      }
      if (c === 92) {
        value += text.slice(chunk, this.i);
        const escaped = this.readEscape(false);
        if (escaped === undefined) error ??= 'illegal escape sequence';
        else value += escaped;
        chunk = this.i;
        continue;
      }
      this.i++;
    }
    this.push('string', from, start, error).value = value;
  }

  /**
   * Reads the escape sequence at `i` (a backslash) and returns its text, or undefined when it is not
   * one Rego (JSON) allows. `\u` escapes pair surrogates; a lone surrogate becomes U+FFFD, as in Go.
   */
  private readEscape(template: boolean): string | undefined {
    const text = this.text;
    const letter = text[this.i + 1];
    if (letter === undefined || letter === '\n' || letter === '\r') {
      this.i++;
      return undefined;
    }
    const simple = SIMPLE_ESCAPES[letter];
    if (simple !== undefined) {
      this.i += 2;
      return simple;
    }
    if (template && letter === '{') {
      this.i += 2;
      return '{';
    }
    if (letter !== 'u') {
      this.i += 2;
      return undefined;
    }
    const unit = this.readHex4(this.i + 2);
    if (unit === undefined) {
      this.i += 2;
      return undefined;
    }
    this.i += 6;
    if (unit >= 0xd800 && unit <= 0xdbff && text[this.i] === '\\' && text[this.i + 1] === 'u') {
      const low = this.readHex4(this.i + 2);
      if (low !== undefined && low >= 0xdc00 && low <= 0xdfff) {
        this.i += 6;
        return String.fromCharCode(unit, low);
      }
    }
    if (unit >= 0xd800 && unit <= 0xdfff) return '\ufffd';
    return String.fromCharCode(unit);
  }

  private readHex4(at: number): number | undefined {
    for (let k = at; k < at + 4; k++) if (!isHex(this.text.charCodeAt(k))) return undefined;
    return Number.parseInt(this.text.slice(at, at + 4), 16);
  }

  private scanRawString(from: number, start: Position): void {
    const text = this.text;
    this.i++;
    let error: string | undefined;
    for (;;) {
      if (this.i >= text.length) {
        error = 'non-terminated string';
        break;
      }
      const c = text.charCodeAt(this.i);
      if (c === 96) {
        this.i++;
        break;
      }
      if (c === 10 || c === 13) this.breakLine();
      else this.i++;
    }
    const token = this.push('string', from, start, error);
    token.value = text.slice(from + 1, error ? this.i : this.i - 1);
    token.raw = true;
  }

  /**
   * Scans template text up to the closing quote or an expression's opening `{`; the cursor is just
   * past `$"` / `` $` `` (`opens`) or past the `}` that closed the previous expression.
   */
  private scanTemplatePiece(from: number, start: Position, raw: boolean, opens: boolean): void {
    const text = this.text;
    const quote = raw ? 96 : 34;
    let value = '';
    let error: string | undefined;
    let closes = false;
    let chunk = this.i;
    for (;;) {
      if (this.i >= text.length) {
        error = 'non-terminated string';
        closes = true;
        value += text.slice(chunk, this.i);
        break;
      }
      const c = text.charCodeAt(this.i);
      if (c === quote) {
        value += text.slice(chunk, this.i);
        this.i++;
        closes = true;
        break;
      }
      if (c === 123) {
        value += text.slice(chunk, this.i);
        this.i++;
        this.frames.push({ raw, depth: 0 });
        break;
      }
      if (c === 10 || c === 13) {
        if (!raw) {
          error = 'non-terminated string';
          closes = true;
          value += text.slice(chunk, this.i);
          break;
        }
        this.breakLine();
        continue;
      }
      if (c === 92) {
        if (raw) {
          if (text[this.i + 1] === '{') {
            value += `${text.slice(chunk, this.i)}{`;
            this.i += 2;
            chunk = this.i;
          } else {
            this.i++;
          }
          continue;
        }
        value += text.slice(chunk, this.i);
        const escaped = this.readEscape(true);
        if (escaped === undefined) error ??= 'illegal escape sequence';
        else value += escaped;
        chunk = this.i;
        continue;
      }
      this.i++;
    }
    const token = this.push('template', from, start, error);
    token.value = value;
    token.raw = raw;
    token.opens = opens;
    token.closes = closes;
  }
}
