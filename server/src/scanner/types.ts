/**
 * The scanner's data: what it finds in application code (HTTP calls with their method and URL as
 * written) and the options that shape a scan. Everything here is plain data so the language server,
 * the CLI and tests can pass it around and compare it.
 */

import type { ClearanceError, Location } from '../errors';
import type { FileFacts, ProjectView } from './project/types';

/** The grammars the scanner parses with; JSX is part of the `javascript` grammar. */
export type ScanLanguage = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go';

/**
 * The HTTP client library a recogniser matched. `custom` is a project's own function: a call named
 * by a `.clearance.yaml` client mapping, or any call an annotation comment declares. `shape` is a
 * call taken for a request by its shape alone, its client unknown (see recognizers/shape-calls.ts).
 */
export type HttpClient =
  | 'fetch'
  | 'axios'
  | 'got'
  | 'ky'
  | 'superagent'
  | 'ofetch'
  | 'undici'
  | 'fetch-event-source'
  | 'expo-file-system'
  | 'openapi-fetch'
  | 'openapi-client'
  | 'angular'
  | 'graphql'
  | 'requests'
  | 'httpx'
  | 'aiohttp'
  | 'urllib3'
  | 'net/http'
  | 'resty'
  | 'node-http'
  | 'xhr'
  | 'jquery'
  | 'beacon'
  | 'eventsource'
  | 'urllib'
  | 'http.client'
  | 'shape'
  | 'custom';

/**
 * How a call was found: by a client recogniser, by an annotation comment, by a client mapping, or
 * inferred by the project pass as a call site of the project's own client (a wrapper).
 */
export type CallOrigin = 'recognised' | 'annotation' | 'mapping' | 'inferred';

/** The project's own client an inferred call goes through: `OrdersClient._get` (orders/client.py:41). */
export interface CallProvenance {
  /** `Owner.name` or `name`. */
  name: string;
  file: string;
  /** 1-based line of the wrapper's definition. */
  line: number;
}

/**
 * A value the code may or may not show: a literal (`known`), or the source of what computes it at
 * run time (an expression, or a `{name}` placeholder of an annotation or mapping).
 */
export type CallValue = { known: true; value: string } | { known: false; source: string };

/** The resource an annotation or a client mapping fixes for a call. */
export interface CallResource {
  type: string;
  id?: CallValue;
}

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
  /** How the call was found; absent means `recognised`. */
  origin?: CallOrigin;
  /** The policy action an annotation or client mapping fixes; it wins over the method's action. */
  action?: string;
  /** The resource an annotation or client mapping fixes; it wins over the one read from the URL. */
  resource?: CallResource;
  /** True when `// clearance: ignore` sits on the line above: the call is not to be reported. */
  suppressed?: boolean;
  /** For an inferred call: the project client it goes through. */
  via?: CallProvenance;
  /** When the method is not a literal: the source of the expression giving it (`method`). */
  methodSource?: string;
  /**
   * For a GraphQL call: the operation as far as the file shows it (type, name, first root field), or,
   * when its document is not written in the file, the expression naming it (`GetOrderDocument`)
   * and, for an import of a `.graphql` file, that import's specifier (`documentFile`).
   */
  graphql?: { type?: string; name?: string; field?: string; document?: string; documentFile?: string };
  /** For a call of a generated OpenAPI client: the operation it calls and the document naming it. */
  operation?: { id: string; document: string };
  /**
   * For a call taken for a request by its shape (`client: shape`): a method argument beside an API
   * path (`method-argument`), or a callee named for a verb called with one (`verb-name`).
   */
  shape?: 'method-argument' | 'verb-name';
}

/** A project's own client function that makes an HTTP call, from `.clearance.yaml` `clients`. */
export interface ClientMapping {
  /** The callee as written: `ordersClient.remove` or `removeOrder`. */
  callee: string;
  /** The parameter names in `ordersClient.remove($id)`, without `$`, in argument order. */
  params: string[];
  action?: string;
  /** `id` may be `{ known: false, source: '$id' }`: the argument in that parameter's position. */
  resource?: CallResource;
  /** Where the mapping is written, for messages. */
  pattern: string;
  /**
   * Set for the operations of `.clearance.yaml` `openapi` documents: a generated client's method,
   * matched by the generated-client rule (see recognizers/openapi-clients.ts), not by `callee`.
   */
  operation?: ApiOperation;
}

/** An OpenAPI operation as generated clients expose it (see recognizers/openapi-clients.ts). */
export interface ApiOperation {
  /** The operationId, or the one generators derive from path and method (`petsPetIdGet`). */
  id: string;
  /** Upper case. */
  method: string;
  /** The path template: `/pets/{petId}`. */
  path: string;
  /** The method's name in each generator convention. */
  names: { camel: string; snake: string; pascal: string };
  /** The generated API classes it is a method of, without suffix: `Pet` for tag `pet`, else `Default`. */
  groups: string[];
  /** The path parameters' names, in path order. */
  pathParams: string[];
  /** The required parameters' names in declaration order: the generated method's positional arguments. */
  positional: string[];
  /** The document as `.clearance.yaml` names it. */
  document: string;
  /** Modules the generated client is imported from (`openapi[].client`); `./` paths made absolute. */
  modules: string[];
}

/** What one scan found, and the problems that kept it from finding more. */
export interface ScanResult {
  calls: HttpCall[];
  errors: ClearanceError[];
  /** What this file tells the project pass: its wrappers, client instances, classes and fields. */
  facts?: FileFacts;
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
  /**
   * A parse that takes more than this many of the parser's progress steps per kB of the file (at least
   * `MIN_PARSE_STEPS`) is abandoned with a `file_too_complex` error where the parser had got to.
   * Steps are the parser's own work, not time: the result does not depend on the machine's load.
   */
  parseStepsPerKb?: number;
  /**
   * A guard against a parse that would hang: one running longer than this many milliseconds is
   * abandoned with a `scan_timeout` error. Far above what a file within its steps takes.
   */
  parseTimeoutMs?: number;
  /** A project's own client functions to report as calls (from `.clearance.yaml`). */
  clientMappings?: readonly ClientMapping[];
}

/** What the project pass knows when it scans a file again (see `scanner/project`). */
export interface ScanExtras {
  project?: ProjectView;
  /** Collect the file's facts for the project pass (`ScanResult.facts`). */
  collectFacts?: boolean;
  /**
   * Trees kept between scans of the same text (the project pass's rounds): a file's tree is parsed
   * once and reused while its text is unchanged. The owner deletes them (`releaseTrees`).
   */
  trees?: TreeCache;
  /**
   * Whether this scan's tree goes into `trees` (default yes): the project pass's first round keeps
   * only the trees of files a later round may scan again (`project/later-rounds.ts`).
   */
  keepTree?: boolean;
}

/** Parsed trees by file, for scans that look at the same files again; see `ScanExtras.trees`. */
export interface TreeCache {
  entries: Map<string, { text: string; tree: import('web-tree-sitter').Tree }>;
  /** Source characters the cache may still take (trees cost several times their source). */
  budget: number;
  /**
   * Per file, what the recognisers that do not read the project view found in its text on its first
   * scan: a later round of the same text runs only the view's recognisers (filled by the scanner).
   */
  recognised?: Map<string, RecognisedCalls>;
}

/** The calls and errors of a file's view-independent recognisers, for one text of the file. */
export interface RecognisedCalls {
  text: string;
  calls: HttpCall[];
  errors: ClearanceError[];
}

/** Finds the HTTP calls in source text. */
export interface Scanner {
  /** Scans one file's text; `language` defaults to the one `languageForPath(file)` picks. */
  scanText(file: string, text: string, language?: ScanLanguage, extras?: ScanExtras): Promise<ScanResult>;
  /**
   * Makes `view` (the workspace index's view of the project's own clients) apply to every later
   * scan that does not bring its own, so an open document's calls include inferred ones.
   */
  useProjectView?(view: ProjectView): void;
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
  /** The action an RPC-style last segment names (`/invite/new` → `create`); see resource.ts. */
  action?: string;
}
