/** Which grammar parses which file, by file-name extension. */

import type { ScanLanguage } from './types';

const LANGUAGE_BY_EXTENSION: ReadonlyMap<string, ScanLanguage> = new Map([
  ['.ts', 'typescript'],
  ['.mts', 'typescript'],
  ['.cts', 'typescript'],
  ['.tsx', 'tsx'],
  ['.js', 'javascript'],
  ['.mjs', 'javascript'],
  ['.cjs', 'javascript'],
  ['.jsx', 'javascript'],
  ['.py', 'python'],
  ['.go', 'go'],
  // Single-file components: their script blocks (JavaScript or TypeScript) are read with the
  // TypeScript grammar, the rest blanked (single-file-components.ts).
  ['.vue', 'typescript'],
  ['.svelte', 'typescript'],
]);

/** The grammar file (in `tree-sitter-wasms/out/` or the bundled wasm folder) for each language. */
export const GRAMMAR_FILES: Readonly<Record<ScanLanguage, string>> = {
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript.wasm',
  python: 'tree-sitter-python.wasm',
  go: 'tree-sitter-go.wasm',
};

/** The JavaScript-family languages, which share one grammar shape and the JavaScript recognisers. */
export const JS_LANGUAGES: readonly ScanLanguage[] = ['typescript', 'tsx', 'javascript'];

/** The syntax node types of a function call, per language. */
export const CALL_NODE_TYPE: Readonly<Record<ScanLanguage, string>> = {
  typescript: 'call_expression',
  tsx: 'call_expression',
  javascript: 'call_expression',
  python: 'call',
  go: 'call_expression',
};

/** Picks the language for a file path or URI from its extension; undefined when not scannable. */
export function languageForPath(path: string): ScanLanguage | undefined {
  // A URI may carry a query or fragment after the name; a plain path may legally contain `#`.
  const name = /^[a-z][a-z0-9+.-]+:\/\//i.test(path) ? path.replace(/[?#].*$/s, '') : path;
  const slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  const base = name.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined;
  // Minified bundles are build output, not the project's code.
  if (/[.-](?:min|bundle|chunk)\.[cm]?js$/i.test(base)) return undefined;
  return LANGUAGE_BY_EXTENSION.get(base.slice(dot).toLowerCase());
}
