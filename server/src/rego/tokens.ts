/**
 * Rego tokens as the lexer produces them and the names OPA's parser uses for them in error
 * messages (`unexpected eof token: expected ident`).
 *
 * Words are always `ident` tokens: whether `if`, `contains`, `in` or `every` is a keyword depends on
 * the Rego version and on `future.keywords` imports met while parsing, so the parser decides.
 */

/** Punctuation and operator tokens, spelled as in the source. */
export type SymbolKind =
  | '['
  | ']'
  | '{'
  | '}'
  | '('
  | ')'
  | ','
  | ':'
  | ';'
  | '.'
  | ':='
  | '='
  | '=='
  | '!='
  | '<'
  | '>'
  | '<='
  | '>='
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '&'
  | '|';

/** Every kind of token. `template` is one piece of a `$"..."` / `` $`...` `` template string. */
export type TokenKind = 'ident' | 'number' | 'string' | 'template' | 'eof' | 'illegal' | SymbolKind;

/** One token with the whitespace facts the parser needs (Rego refs and bodies are layout-aware). */
export interface Token {
  kind: TokenKind;
  /** The exact source text of the token. */
  text: string;
  /** 0-based UTF-16 offsets: `[start, end)`. */
  start: number;
  end: number;
  /** Whitespace or a comment separates this token from the previous one. */
  spaceBefore: boolean;
  /** A line feed separates this token from the previous one (expressions may end at a newline). */
  newlineBefore: boolean;
  /** The token is the first thing on its line, in column 1 (where error recovery resumes). */
  lineStart: boolean;
  /** Template pieces: the text with escapes resolved, or undefined when an escape is invalid. */
  value?: string;
  /** Template pieces: the piece ends at `{`, so an expression follows. */
  open?: boolean;
  /** Template pieces and strings: written with backquotes. */
  raw?: boolean;
  /** Illegal tokens: the scanner's reason (`non-terminated string`), if it has one. */
  error?: string;
}

/** A `#` comment; `text` is what follows the `#`, without a trailing carriage return. */
export interface CommentToken {
  text: string;
  start: number;
  end: number;
}

/** Words that are keywords in every Rego version. */
export const BASE_KEYWORDS: readonly string[] = [
  'package',
  'import',
  'as',
  'default',
  'else',
  'not',
  'some',
  'with',
  'null',
  'true',
  'false',
];

/** Keywords that Rego v0 needed `import future.keywords` (or `import rego.v1`) for; v1 has them built in. */
export const V0_FUTURE_KEYWORDS: readonly string[] = ['contains', 'every', 'if', 'in'];

/**
 * Keywords `import future.keywords.<name>` may name. `not` (OPA 1.17) does not add a keyword but
 * switches on `not { ... }` bodies and the stricter negation semantics.
 */
export const IMPORTABLE_FUTURE_KEYWORDS: readonly string[] = ['contains', 'every', 'if', 'in', 'not'];

/** All keywords of Rego v1, used where OPA checks a name against the language's keyword list. */
export const V1_KEYWORDS: ReadonlySet<string> = new Set([...BASE_KEYWORDS, ...V0_FUTURE_KEYWORDS]);

const SYMBOL_NAMES: Record<SymbolKind, string> = {
  '[': '[',
  ']': ']',
  '{': '{',
  '}': '}',
  '(': '(',
  ')': ')',
  ',': ',',
  ':': ':',
  ';': ';',
  '.': '.',
  ':=': 'assign',
  '=': 'eq',
  '==': 'equal',
  '!=': 'neq',
  '<': 'lt',
  '>': 'gt',
  '<=': 'lte',
  '>=': 'gte',
  '+': 'plus',
  '-': 'minus',
  '*': 'mul',
  '/': 'div',
  '%': 'rem',
  '&': 'and',
  '|': 'or',
};

/** Names the token as OPA's error messages do: `ident`, `eof`, `assign`, `[`, `template-string-end`. */
export function describeTokenKind(token: Token): string {
  switch (token.kind) {
    case 'ident':
      return 'ident';
    case 'number':
    case 'string':
    case 'eof':
    case 'illegal':
      return token.kind;
    case 'template':
      return token.open ? 'template-string-part' : 'template-string-end';
    default:
      return SYMBOL_NAMES[token.kind];
  }
}

/** The builtin function an infix operator calls (`+` is `plus`); undefined for non-operators. */
export function operatorFunctionName(kind: TokenKind): string | undefined {
  switch (kind) {
    case '==':
    case '!=':
    case '<':
    case '>':
    case '<=':
    case '>=':
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '&':
    case '|':
      return SYMBOL_NAMES[kind];
    default:
      return undefined;
  }
}
