/**
 * The messages between the extension and the server for running policies where they are written:
 * listing and running tests (the Test Explorer) and evaluating a rule (the Evaluate lens). Shared
 * by both sides so the shapes cannot drift.
 */
import type { Range } from 'vscode-languageserver-types';

/** Request: every test rule of the workspace. */
export const listTestsRequest = 'clearance/rego/tests';
/** Request: run tests, chosen by id, file or package (none: all). */
export const runTestsRequest = 'clearance/rego/runTests';
/** Request: evaluate a rule or package with an input. */
export const evaluateRequest = 'clearance/rego/evaluate';
/** The client command the Evaluate lens runs: `[uri, query]`. */
export const evaluateCommand = 'clearance.rego.evaluate';
/** The client command the Explain lens runs: `[uri, query]`. */
export const explainCommand = 'clearance.rego.explain';
/** The client command a call's hover link and code action run: `[uri, position]` of the call. */
export const evaluateCallCommand = 'clearance.rego.evaluateCall';
/** Request: the call sites of the open source documents, to evaluate a rule with one's input. */
export const callSitesRequest = 'clearance/rego/callSites';

/** A call in application code, as the Rego side offers it for its input. */
export interface WireCallSite {
  /** `DELETE /api/orders/{id} · orders.ts:12`. */
  label: string;
  uri: string;
  position: { line: number; character: number };
  /** The entrypoint its decision used. */
  entrypoint: string;
}

/** The answer to `callSitesRequest`. */
export interface CallSitesResponse {
  sites: WireCallSite[];
}

/** One test rule. */
export interface WireTest {
  id: string;
  name: string;
  package: string;
  uri: string;
  range: Range;
  skip: boolean;
}

/** The answer to `listTestsRequest`. */
export interface ListTestsResponse {
  tests: WireTest[];
}

/** The parameters of `runTestsRequest`. */
export interface RunTestsParams {
  ids?: string[];
  uris?: string[];
  packages?: string[];
}

/** One test's outcome. */
export interface WireTestResult {
  id: string;
  outcome: 'passed' | 'failed' | 'errored' | 'skipped';
  durationMs: number;
  message?: string;
  location?: { uri: string; range: Range };
  values?: Array<{ label: string; value?: unknown }>;
  output: string[];
  /** A parameterised test's cases (`test_x[name] if …`), each with its own outcome. */
  cases?: Array<{
    name: string;
    outcome: 'passed' | 'failed';
    message?: string;
    location?: { uri: string; range: Range };
    values?: Array<{ label: string; value?: unknown }>;
  }>;
}

/** The answer to `runTestsRequest`. */
export interface RunTestsResponse {
  results: WireTestResult[];
}

/**
 * The parameters of `evaluateRequest`: the input as a value, as a JSON/YAML file, or as the exact
 * input a call site's decision used (then `query` defaults to that decision's entrypoint).
 */
export interface EvaluateParams {
  query?: string;
  input?: unknown;
  inputUri?: string;
  call?: { uri: string; position: { line: number; character: number } };
  explain?: boolean;
}

/** One step of the trace: an expression, where it is. */
export interface WireTraceStep {
  text: string;
  uri: string;
  range: Range;
}

/** One clause's trace: held or not, the steps that held, and the one that failed. */
export interface WireClauseTrace {
  uri: string;
  range: Range;
  /** The clause's head as written. */
  head: string;
  held: boolean;
  steps: WireTraceStep[];
  failing?: WireTraceStep & { operands: string[] };
}

/** The answer to `evaluateRequest`. */
export interface EvaluateResponse {
  query: string;
  defined: boolean;
  value?: unknown;
  output: string[];
  durationMs: number;
  errors: string[];
  /** What the input was: a file, a call site (`DELETE /api/orders/{id} (orders.ts:12) as alice`), none. */
  inputLabel?: string;
  /** The input itself, when it came from a call site (as JSON, for the panel). */
  input?: unknown;
  /** For a call site's input: the paths the code leaves unknown (evaluated here as absent). */
  unknowns?: string[];
  trace?: WireClauseTrace[];
  /** The whole result as Markdown, for a results panel. */
  markdown: string;
}
