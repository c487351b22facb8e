/**
 * The Rego lexer: turns source text into tokens and comments, following the rules of OPA's scanner
 * (`v1/ast/internal/scanner`): ASCII identifiers, JSON-style strings, backquoted raw strings,
 * `$"..."` template strings, and the same scanner error messages.
 *
 * Bad input never throws: problems become `illegal` tokens carrying the scanner's reason, and the
 * parser reports them where it meets them.
 */
import type { CommentToken, SymbolKind, Token, TokenKind } from './tokens';

/** The tokens of a text (always ending with one `eof` token) and its comments. */
export interface LexResult {
  tokens: Token[];
  comments: CommentToken[];
}

/** A template string whose expression part the lexer is inside: `depth` counts open `{`. */
interface TemplateFrame {
  raw: boolean;
  depth: number;
}

const SINGLE_SYMBOLS: Record<string, SymbolKind> = {
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

const JSON_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

const UNICODE_DIGIT = /^\p{Nd}$/u;

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isDecimal(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Splits `text` into tokens. Runs in time linear in the length of the text. */
export function tokenize(text: string): LexResult {
  return new Lexer(text).run();
}

class Lexer {
  private pos = 0;
  private readonly tokens: Token[] = [];
  private readonly comments: CommentToken[] = [];
  private readonly templates: TemplateFrame[] = [];
  private spaceBefore = false;
  private newlineBefore = false;

  constructor(private readonly text: string) {}

  run(): LexResult {
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1;
    for (;;) {
      this.skipTrivia();
      if (this.pos >= this.text.length) {
        this.push('eof', this.pos, this.pos);
        return { tokens: this.tokens, comments: this.comments };
      }
      this.scanToken();
    }
  }

  private skipTrivia(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 13) {
        this.spaceBefore = true;
        this.pos++;
      } else if (c === 10) {
        this.spaceBefore = true;
        this.newlineBefore = true;
        this.pos++;
      } else if (c === 35) {
        const start = this.pos;
        let end = text.indexOf('\n', start);
        if (end < 0) end = text.length;
        this.pos = end;
        const bodyEnd = end > start + 1 && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
        this.comments.push({ text: text.slice(start + 1, bodyEnd), start, end: bodyEnd });
        this.spaceBefore = true;
      } else {
        return;
      }
    }
  }

  private push(kind: TokenKind, start: number, end: number, extra?: Partial<Token>): Token {
    const prev = start > 0 ? this.text.charCodeAt(start - 1) : 10;
    const token: Token = {
      kind,
      text: this.text.slice(start, end),
      start,
      end,
      spaceBefore: this.spaceBefore,
      newlineBefore: this.newlineBefore,
      lineStart: prev === 10 || prev === 13 || (start === 1 && prev === 0xfeff),
      ...extra,
    };
    this.tokens.push(token);
    this.spaceBefore = false;
    this.newlineBefore = false;
    return token;
  }

  private scanToken(): void {
    const text = this.text;
    const start = this.pos;
    const c = text.charCodeAt(start);
    if (isLetter(c)) {
      this.pos = this.scanIdentifierEnd(start + 1);
      this.push('ident', start, this.pos);
      return;
    }
    if (isDecimal(c)) {
      this.scanNumber(start);
      return;
    }
    const ch = text[start] ?? '';
    const next = text[start + 1];
    switch (ch) {
      case '"':
        this.scanString(start);
        return;
      case '`':
        this.scanRawString(start);
        return;
      case '$':
        if (next === '"' || next === '`') {
          this.pos = start + 2;
          this.scanTemplatePiece(start, next === '`');
        } else {
          this.pos = start + 1;
          this.push('illegal', start, this.pos, { error: 'illegal $ character' });
        }
        return;
      case '{':
        this.pos = start + 1;
        this.push('{', start, this.pos);
        if (this.templates.length > 0) this.templateTop().depth++;
        return;
      case '}':
        this.pos = start + 1;
        this.push('}', start, this.pos);
        this.closeBrace();
        return;
      case ':':
      case '=':
      case '<':
      case '>':
      case '!':
        this.scanComparison(start, ch, next);
        return;
      default:
        break;
    }
    const symbol = SINGLE_SYMBOLS[ch];
    if (symbol) {
      this.pos = start + 1;
      this.push(symbol, start, this.pos);
      return;
    }
    this.scanIllegal(start, c);
  }

  private templateTop(): TemplateFrame {
    return this.templates[this.templates.length - 1] as TemplateFrame;
  }

  /** A `}` either closes a nested brace or ends a template expression, after which the string goes on. */
  private closeBrace(): void {
    if (this.templates.length === 0) return;
    const top = this.templateTop();
    if (top.depth > 0) {
      top.depth--;
      return;
    }
    this.templates.pop();
    this.scanTemplatePiece(this.pos, top.raw);
  }

  private scanComparison(start: number, ch: string, next: string | undefined): void {
    const two: Record<string, SymbolKind> = { ':': ':=', '=': '==', '<': '<=', '>': '>=', '!': '!=' };
    const one: Record<string, SymbolKind | undefined> = { ':': ':', '=': '=', '<': '<', '>': '>' };
    if (next === '=') {
      this.pos = start + 2;
      this.push(two[ch] as SymbolKind, start, this.pos);
      return;
    }
    this.pos = start + 1;
    const single = one[ch];
    if (single) this.push(single, start, this.pos);
    else this.push('illegal', start, this.pos, { error: 'illegal ! character' });
  }

  private scanIllegal(start: number, c: number): void {
    const cp = this.text.codePointAt(start) ?? c;
    this.pos = start + (cp > 0xffff ? 2 : 1);
    let error: string | undefined;
    if (c === 0) error = 'illegal null character';
    else if (c === 0xfeff) error = 'illegal byte-order mark';
    this.push('illegal', start, this.pos, error ? { error } : undefined);
  }

  private scanIdentifierEnd(from: number): number {
    const text = this.text;
    let i = from;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (isLetter(c) || isDecimal(c)) {
        i++;
        continue;
      }
      if (c < 128) break;
      const cp = text.codePointAt(i) ?? c;
      const ch = String.fromCodePoint(cp);
      if (!UNICODE_DIGIT.test(ch)) break;
      i += ch.length;
    }
    return i;
  }

  private scanNumber(start: number): void {
    const text = this.text;
    let i = start;
    let error: string | undefined;
    while (isDecimal(text.charCodeAt(i))) i++;
    if (text[i] === '.') {
      i++;
      const digits = i;
      while (isDecimal(text.charCodeAt(i))) i++;
      if (i === digits) error = 'expected fraction';
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      const digits = i;
      while (isDecimal(text.charCodeAt(i))) i++;
      if (i === digits) error ??= 'expected exponent';
    }
    if (isLetter(text.charCodeAt(i))) {
      error ??= 'illegal number format';
      i = this.scanIdentifierEnd(i);
    }
    this.pos = i;
    if (error) this.push('illegal', start, i, { error });
    else this.push('number', start, i);
  }

  private scanString(start: number): void {
    const text = this.text;
    let i = start + 1;
    let error: string | undefined;
    for (;;) {
      if (i >= text.length || text.charCodeAt(i) === 10) {
        error ??= 'non-terminated string';
        break;
      }
      const ch = text[i];
      i++;
      if (ch === '"') break;
      if (ch === '\\') {
        const esc = text[i];
        if (esc !== undefined && esc in JSON_ESCAPES) i++;
        else if (esc === 'u') i += 5;
        else error ??= 'illegal escape sequence';
      }
    }
    this.pos = Math.min(i, text.length);
    if (error) this.push('illegal', start, this.pos, { error });
    else this.push('string', start, this.pos);
  }

  private scanRawString(start: number): void {
    const end = this.text.indexOf('`', start + 1);
    if (end < 0) {
      this.pos = this.text.length;
      this.push('illegal', start, this.pos, { error: 'non-terminated string' });
      return;
    }
    this.pos = end + 1;
    this.push('string', start, this.pos, { raw: true });
  }

  /**
   * Scans one piece of a template string from `this.pos`: up to an unescaped `{` (an expression
   * follows; the lexer then tracks braces to find the `}` that ends it) or the closing quote.
   */
  private scanTemplatePiece(start: number, raw: boolean): void {
    const text = this.text;
    const quote = raw ? '`' : '"';
    let i = this.pos;
    let value = '';
    let valid = true;
    let error: string | undefined;
    let open = false;
    for (;;) {
      if (i >= text.length || (!raw && text.charCodeAt(i) === 10)) {
        error = 'non-terminated string';
        break;
      }
      const ch = text[i] as string;
      i++;
      if (ch === quote) break;
      if (ch === '{') {
        open = true;
        break;
      }
      if (ch !== '\\') {
        value += ch;
        continue;
      }
      const esc = text[i];
      if (esc === '{') {
        value += '{';
        i++;
      } else if (raw) {
        value += ch;
      } else if (esc !== undefined && esc in JSON_ESCAPES) {
        value += JSON_ESCAPES[esc];
        i++;
      } else if (esc === 'u') {
        const decoded = decodeUnicodeEscape(text, i - 1);
        if (decoded === undefined) valid = false;
        else value += decoded.text;
        i = decoded ? i - 1 + decoded.length : i + 5;
      } else {
        error ??= 'illegal escape sequence';
      }
    }
    this.pos = Math.min(i, text.length);
    if (error) {
      this.push('illegal', start, this.pos, { error });
      return;
    }
    this.push('template', start, this.pos, {
      open,
      raw,
      ...(valid ? { value: joinSurrogates(value) } : {}),
    });
    if (open) this.templates.push({ raw, depth: 0 });
  }
}

/** Decodes `\uXXXX` at `at` (the backslash); undefined when the four characters are not hex digits. */
function decodeUnicodeEscape(text: string, at: number): { text: string; length: number } | undefined {
  const hex = text.slice(at + 2, at + 6);
  if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
  return { text: String.fromCharCode(Number.parseInt(hex, 16)), length: 6 };
}

/** JSON decoding turns an unpaired surrogate into U+FFFD, as Go's decoder (used by OPA) does. */
function joinSurrogates(value: string): string {
  return value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/**
 * Decodes the text of a double-quoted string literal (quotes included) the way OPA does: text
 * without a backslash is taken as is; otherwise it must be a valid JSON string.
 */
export function decodeStringLiteral(literal: string): string | undefined {
  const inner = literal.slice(1, -1);
  if (!inner.includes('\\')) return inner;
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === 'string' ? joinSurrogates(value) : undefined;
  } catch {
    return undefined;
  }
}
