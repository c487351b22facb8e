/**
 * The in-process Rego engine: parser, compiler, evaluator and decisions with provenance. Editor
 * features and the CLI import from here only.
 */

export { BUILTINS, lookupBuiltin } from './builtins/index';
export type { BuiltinDef, BuiltinParam } from './builtins/registry';
export { type Capabilities, type CompileOptions, parseCapabilities } from './capabilities';
export { type ClosestClause, findClosestClause } from './closest';
export { formatPath as formatRulePath, type Policy } from './compile';
export { type CoverageHits, type CoverageReport, coverageReport } from './coverage';
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
export type { EvalStats } from './eval';
export { DEFAULT_LIMITS, type EvalLimits } from './limits';
export { parseModule, parseQuery, parseTerm } from './parser';
export { checkInputSchemas, type SchemaSet } from './schema-check';
export { formatJsonValue, fromJson, type JsonValue, stringifyJson, toJson, type Value } from './value';
