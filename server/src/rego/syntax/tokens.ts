/**
 * The vocabulary shared by the lexer, the parser and the editor's semantic tokens: token kinds,
 * the token record, and which words are Rego keywords in each version.
 */
import type { Position } from '../../errors';

/** Punctuation and operators, spelled as in the source (a list, so that tests can enumerate them). */
export const SYMBOLS = [
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  ',',
  ':',
  ';',
  '.',
  ':=',
  '=',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
] as const;

/** One punctuation or operator token kind. */
export type SymbolKind = (typeof SYMBOLS)[number];

/** Every kind of token; `template` is one piece of a template string (see `Token.opens`). */
export type TokenKind =
  | 'ident'
  | 'number'
  | 'string'
  | 'template'
  | 'comment'
  | 'illegal'
  | 'eof'
  | SymbolKind;

/** One token, with the layout facts Rego's grammar depends on (refs need adjacency, bodies newlines). */
export interface Token {
  kind: TokenKind;
  /** The exact source text. */
  text: string;
  start: Position;
  end: Position;
  /** Whitespace or a comment separates this token from the previous one. */
  spaceBefore: boolean;
  /** A line break separates this token from the previous one. */
  newlineBefore: boolean;
  /** Strings and template pieces: the decoded text. Comments: the text after `#`. */
  value?: string;
  /** A backquoted string or template. */
  raw?: boolean;
  /** Template pieces: starts with `$"`/`` $` `` (else with the `}` closing an expression). */
  opens?: boolean;
  /** Template pieces: ends the template string (else ends with the `{` opening an expression). */
  closes?: boolean;
  /** Why the token cannot be used (`non-terminated string`, `illegal escape sequence`, ...). */
  error?: string;
}

/** Keywords in every Rego version. */
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

/** Keywords Rego v1 adds, which Rego v0 only has after `import future.keywords` or `import rego.v1`. */
export const FUTURE_KEYWORDS: readonly string[] = ['in', 'every', 'contains', 'if'];

/** Returns the words that are keywords in a Rego version before any import. */
export function makeKeywordSet(regoVersion: 0 | 1): Set<string> {
  return new Set(regoVersion === 1 ? [...BASE_KEYWORDS, ...FUTURE_KEYWORDS] : BASE_KEYWORDS);
}

/** OPA 1.20's infix keywords: `import future.keywords.and` / `.or` (or `future.keywords`) enable them. */
export const LOGICAL_KEYWORDS: readonly string[] = ['and', 'or'];
