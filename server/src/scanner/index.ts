/**
 * The code scanner: finds the HTTP calls application code makes, parsing it with tree-sitter, and
 * maps each call's method and URL to a policy action and resource. Pure: no editor or LSP imports.
 */

export { parseAnnotation, parseResource } from './annotations';
export { languageForPath } from './languages';
export { actionForMethod, resourceForUrl } from './resource';
export {
  createScanner,
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_PARSE_STEPS_PER_KB,
  DEFAULT_PARSE_TIMEOUT_MS,
  MIN_PARSE_STEPS,
  parseStepBudget,
  scanLimitError,
} from './scanner';
export { isSingleFileComponent } from './single-file-components';
export type {
  CallOrigin,
  CallResource,
  CallValue,
  ClientMapping,
  ExpressionSegment,
  HttpCall,
  HttpClient,
  LiteralSegment,
  ResourceRef,
  ScanLanguage,
  Scanner,
  ScannerOptions,
  ScanResult,
  UrlSegment,
  UrlTemplate,
} from './types';
