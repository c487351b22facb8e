/** Every lint rule, listed once: the CLI, the language server, the docs and the tests read this list. */
import constantCondition from './rules/bugs/constant-condition';
import deprecatedBuiltin from './rules/bugs/deprecated-builtin';
import duplicateRule from './rules/bugs/duplicate-rule';
import ifEmptyObject from './rules/bugs/if-empty-object';
import inconsistentArgs from './rules/bugs/inconsistent-args';
import notEqualsInLoop from './rules/bugs/not-equals-in-loop';
import redundantExistenceCheck from './rules/bugs/redundant-existence-check';
import ruleNamedIf from './rules/bugs/rule-named-if';
import ruleShadowsBuiltin from './rules/bugs/rule-shadows-builtin';
import sprintfArgumentsMismatch from './rules/bugs/sprintf-arguments-mismatch';
import timeNowNsTwice from './rules/bugs/time-now-ns-twice';
import topLevelIteration from './rules/bugs/top-level-iteration';
import varShadowsBuiltin from './rules/bugs/var-shadows-builtin';
import zeroArityFunction from './rules/bugs/zero-arity-function';
import booleanAssignment from './rules/idiomatic/boolean-assignment';
import nonRawRegexPattern from './rules/idiomatic/non-raw-regex-pattern';
import singleItemIn from './rules/idiomatic/single-item-in';
import useInOperator from './rules/idiomatic/use-in-operator';
import useObjectKeys from './rules/idiomatic/use-object-keys';
import useStringsCount from './rules/idiomatic/use-strings-count';
import avoidImportingInput from './rules/imports/avoid-importing-input';
import implicitFutureKeywords from './rules/imports/implicit-future-keywords';
import importAfterRule from './rules/imports/import-after-rule';
import importShadowsBuiltin from './rules/imports/import-shadows-builtin';
import importShadowsImport from './rules/imports/import-shadows-import';
import pointlessImport from './rules/imports/pointless-import';
import redundantAlias from './rules/imports/redundant-alias';
import redundantDataImport from './rules/imports/redundant-data-import';
import useRegoV1 from './rules/imports/use-rego-v1';
import walkNoPath from './rules/performance/walk-no-path';
import withOutsideTestContext from './rules/performance/with-outside-test-context';
import avoidGetAndListPrefix from './rules/style/avoid-get-and-list-prefix';
import chainedRuleBody from './rules/style/chained-rule-body';
import defaultOverElse from './rules/style/default-over-else';
import detachedMetadata from './rules/style/detached-metadata';
import doubleNegative from './rules/style/double-negative';
import fileLength from './rules/style/file-length';
import functionArgReturn from './rules/style/function-arg-return';
import lineLength from './rules/style/line-length';
import messyRule from './rules/style/messy-rule';
import noWhitespaceComment from './rules/style/no-whitespace-comment';
import opaFmt from './rules/style/opa-fmt';
import preferSnakeCase from './rules/style/prefer-snake-case';
import preferSomeInIteration from './rules/style/prefer-some-in-iteration';
import ruleLength from './rules/style/rule-length';
import todoComment from './rules/style/todo-comment';
import trailingDefaultRule from './rules/style/trailing-default-rule';
import unconditionalAssignment from './rules/style/unconditional-assignment';
import useAssignmentOperator from './rules/style/use-assignment-operator';
import yodaCondition from './rules/style/yoda-condition';
import dubiousPrintSprintf from './rules/testing/dubious-print-sprintf';
import fileMissingTestSuffix from './rules/testing/file-missing-test-suffix';
import identicallyNamedTests from './rules/testing/identically-named-tests';
import printOrTraceCall from './rules/testing/print-or-trace-call';
import testOutsideTestPackage from './rules/testing/test-outside-test-package';
import todoTest from './rules/testing/todo-test';
import type { LintRule } from './types';

/** All rules, by category then id. */
export const LINT_RULES: readonly LintRule[] = [
  constantCondition,
  deprecatedBuiltin,
  duplicateRule,
  ifEmptyObject,
  inconsistentArgs,
  notEqualsInLoop,
  redundantExistenceCheck,
  ruleNamedIf,
  ruleShadowsBuiltin,
  sprintfArgumentsMismatch,
  timeNowNsTwice,
  topLevelIteration,
  varShadowsBuiltin,
  zeroArityFunction,
  booleanAssignment,
  nonRawRegexPattern,
  singleItemIn,
  useInOperator,
  useObjectKeys,
  useStringsCount,
  avoidGetAndListPrefix,
  chainedRuleBody,
  defaultOverElse,
  detachedMetadata,
  doubleNegative,
  fileLength,
  functionArgReturn,
  lineLength,
  messyRule,
  noWhitespaceComment,
  opaFmt,
  preferSnakeCase,
  preferSomeInIteration,
  ruleLength,
  todoComment,
  trailingDefaultRule,
  unconditionalAssignment,
  useAssignmentOperator,
  yodaCondition,
  avoidImportingInput,
  implicitFutureKeywords,
  importAfterRule,
  importShadowsBuiltin,
  importShadowsImport,
  pointlessImport,
  redundantAlias,
  redundantDataImport,
  useRegoV1,
  dubiousPrintSprintf,
  fileMissingTestSuffix,
  identicallyNamedTests,
  printOrTraceCall,
  testOutsideTestPackage,
  todoTest,
  walkNoPath,
  withOutsideTestContext,
];

/** Finds a rule by id. */
export function lookupLintRule(id: string): LintRule | undefined {
  return LINT_RULES.find((r) => r.id === id);
}
