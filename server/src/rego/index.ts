/**
 * The in-process Rego engine: parser, compiler, evaluator and decisions with provenance. Editor
 * features and the CLI import from here only.
 */

export { BUILTINS, lookupBuiltin } from './builtins/index';
export type { BuiltinDef, BuiltinParam } from './builtins/registry';
export { type Capabilities, type CompileOptions, parseCapabilities } from './compile/capabilities';
export { formatPath as formatRulePath, type Policy } from './compile/compile';
export { checkInputSchemas, type SchemaSet } from './compile/schema-check';
export { type Decision, type DecisionBranch, evaluateDecision, type RuleRef } from './decision';
export {
  compilePolicy,
  type EvalOptions,
  type EvalValues,
  evaluateQuery,
  evaluateQueryValues,
  type PreparedQuery,
  prepareQuery,
  type QueryResult,
} from './engine';
export { type ClosestClause, findClosestClause } from './eval/closest';
export { type CoverageHits, type CoverageReport, coverageReport } from './eval/coverage';
export type { EvalStats } from './eval/eval';
export { DEFAULT_LIMITS, type EvalLimits } from './eval/limits';
export { type ExplainMode, filterTrace, type TraceEvent, Tracer } from './eval/trace';
export { type FailureExpr, type PrettyTraceOptions, prettyFailure, prettyTrace } from './eval/trace-format';
export { parseModule, parseQuery, parseTerm } from './syntax/parser';
export { formatJsonValue, fromJson, type JsonValue, stringifyJson, toJson, type Value } from './value/value';
