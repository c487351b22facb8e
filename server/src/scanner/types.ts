/**
 * The scanner's data: what it finds in application code (HTTP calls with their method and URL as
 * written) and the options that shape a scan. Everything here is plain data so the language server,
 * the CLI and tests can pass it around and compare it.
 */

import type { ClearanceError, Location } from '../errors';

/** The grammars the scanner parses with; JSX is part of the `javascript` grammar. */
export type ScanLanguage = 'typescript' | 'tsx' | 'javascript';

/** The HTTP client library a recogniser matched; grows as recognisers are added. */
export type HttpClient = 'fetch';

/** A literal piece of a URL, with escape sequences decoded. */
export interface LiteralSegment {
  kind: 'literal';
  text: string;
}

/** An interpolated piece of a URL: the expression's source text as written. */
export interface ExpressionSegment {
  kind: 'expr';
  source: string;
}

/** One piece of a URL template. */
export type UrlSegment = LiteralSegment | ExpressionSegment;

/**
 * A URL as the code writes it. For a string or template literal `source` is the text between the
 * quotes or backticks, raw (escapes not decoded); for `'/a/' + id` it is the equivalent template
 * text `/a/${id}`. When the URL is any other expression, `known` is false, `source` is that
 * expression's text and `segments` holds it as a single expression.
 */
export interface UrlTemplate {
  source: string;
  segments: UrlSegment[];
  known: boolean;
}

/** One HTTP call found in source code. */
export interface HttpCall {
  kind: 'http';
  client: HttpClient;
  /** Upper case; undefined when the method is not a literal. */
  method: string | undefined;
  url: UrlTemplate;
  /** The whole call expression. */
  location: Location;
  /** The callee's name (`fetch`): hovers anchor here. */
  calleeLocation: Location;
  /** The call's source text, cut to about 200 characters. */
  text: string;
}

/** What one scan found, and the problems that kept it from finding more. */
export interface ScanResult {
  calls: HttpCall[];
  errors: ClearanceError[];
}

/** Options for `createScanner`. */
export interface ScannerOptions {
  /**
   * Folder holding `tree-sitter.wasm` and the grammar files. By default the scanner looks in a
   * `wasm` folder beside its own code (the bundled extension) and then in `node_modules`.
   */
  wasmDir?: string;
  /** Files bigger than this many UTF-8 bytes are skipped with a `file_too_large` error. */
  maxFileBytes?: number;
  /** A parse that runs longer than this many milliseconds is abandoned with a `scan_timeout` error. */
  parseTimeoutMs?: number;
}

/** Finds the HTTP calls in source text. */
export interface Scanner {
  /** Scans one file's text; `language` defaults to the one `languageForPath(file)` picks. */
  scanText(file: string, text: string, language?: ScanLanguage): Promise<ScanResult>;
}

/**
 * The resource a URL names: `type` is the singular of its last collection segment, `id` the literal
 * segment after it. `idKnown` is false when there is no id or it is computed at run time;
 * `collection` is true when the URL names the collection itself rather than one member.
 */
export interface ResourceRef {
  type: string;
  id?: string;
  idKnown: boolean;
  collection: boolean;
  /** The URL's path without origin, query or fragment; expressions appear as `{name}`. */
  path: string;
}
