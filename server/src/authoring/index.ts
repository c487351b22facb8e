/**
 * Policy authoring: the Rego language features and running policies where they are written. Pure
 * functions of the engine's AST, the workspace's modules (`AuthoringProject`) and a position, with
 * no editor types; `server/src/lsp/authoring-*.ts` adapt them to the LSP. Each feature is listed
 * here once. The formatter and the linter live in their own modules.
 */
export { type AuthoringAction, codeActions, type FileEdit } from './code-actions';
export { type CompletionEntry, type CompletionKind, complete } from './completion';
export {
  type EvaluationResult,
  evaluateRule,
  formatEvaluation,
  formatRuleValue,
  hoverLimits,
  limitsForHover,
  ruleValueMarkdown,
} from './evaluate';
export { type FoldingRange, foldingRanges } from './folding';
export { type HoverResult, hover } from './hover';
export { type InlayHint, inlayHints } from './inlay-hints';
export {
  definition,
  highlights,
  indexReferences,
  prepareRename,
  references,
  rename,
  symbolKeyAt,
} from './navigation';
export { AuthoringProject, type SchemaNode } from './project';
export { selectionRanges } from './selection-ranges';
export { type SemanticToken, semanticTokens, TOKEN_MODIFIERS, TOKEN_TYPES } from './semantic-tokens';
export { type SignatureResult, signatureHelp } from './signature-help';
export { documentSymbols, type OutlineSymbol, workspaceSymbols } from './symbols';
export {
  type CaseOutcome,
  formatOperand,
  listTests,
  runTests,
  selectTests,
  type TestCaseInfo,
  type TestOutcome,
  type TestSelection,
} from './tests';
