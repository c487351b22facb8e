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
}

/** The answer to `runTestsRequest`. */
export interface RunTestsResponse {
  results: WireTestResult[];
}

/** The parameters of `evaluateRequest`: the input as a value, or as a JSON/YAML file. */
export interface EvaluateParams {
  query: string;
  input?: unknown;
  inputUri?: string;
  explain?: boolean;
}

/** The answer to `evaluateRequest`. */
export interface EvaluateResponse {
  query: string;
  defined: boolean;
  value?: unknown;
  output: string[];
  durationMs: number;
  errors: string[];
  trace?: Array<{ uri: string; range: Range; held: boolean; failing?: string; operands?: string[] }>;
  /** The whole result as Markdown, for a results panel. */
  markdown: string;
}
