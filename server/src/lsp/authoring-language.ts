/**
 * The LSP side of the Rego language features: converts positions and results between the LSP and
 * the pure authoring module, and registers the handlers. server.ts calls `regoHover` and
 * `regoCompletion` from its own hover and completion handlers for `.rego` documents.
 */
import {
  type CompletionItem,
  CompletionItemKind,
  type Connection,
  DocumentHighlightKind,
  type Hover,
  InlayHintKind,
  InsertTextFormat,
  type Location,
  MarkupKind,
  type Position,
  type SelectionRange,
  SemanticTokensBuilder,
  type ServerCapabilities,
  SymbolKind,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import * as authoring from '../authoring';
import type { Location as Span } from '../errors';
import { ruleValueLine } from './authoring-evaluate';
import type { AuthoringState } from './authoring-project';
import { toPath, toRange, toUri } from './convert';

/** The capabilities the Rego language features add (server.ts spreads them into its own). */
export const authoringCapabilities: ServerCapabilities = {
  definitionProvider: true,
  referencesProvider: true,
  renameProvider: { prepareProvider: true },
  documentSymbolProvider: true,
  workspaceSymbolProvider: true,
  signatureHelpProvider: { triggerCharacters: ['(', ','] },
  inlayHintProvider: true,
  foldingRangeProvider: true,
  selectionRangeProvider: true,
  documentHighlightProvider: true,
  semanticTokensProvider: {
    legend: { tokenTypes: [...authoring.TOKEN_TYPES], tokenModifiers: [...authoring.TOKEN_MODIFIERS] },
    full: true,
  },
};

/** The trigger characters completion needs in `.rego` files. */
export const regoCompletionTriggers = ['.'];

/**
 * A request's file and offset once the policy's files are parsed (never waiting for the policy's
 * compile); undefined outside `.rego` files.
 */
async function locate(
  state: AuthoringState,
  uri: string,
  position?: Position,
): Promise<{ file: string; offset: number; root?: string } | undefined> {
  const file = toPath(uri);
  if (!file?.endsWith('.rego')) return undefined;
  const root = (await state.parsed())?.root;
  const entry = state.project.entry(file);
  if (!entry) return undefined;
  const at = { file, ...(root !== undefined ? { root } : {}) };
  if (!position) return { ...at, offset: 0 };
  const lineStart = entry.starts[position.line];
  if (lineStart === undefined) return { ...at, offset: entry.text.length };
  const lineEnd = entry.starts[position.line + 1] ?? entry.text.length + 1;
  return { ...at, offset: Math.min(lineStart + position.character, lineEnd - 1) };
}

const uris = new Map<string, string>();

/** An LSP location; file URIs are memoised, as a search across the workspace returns thousands. */
function toLocation(span: Span): Location {
  let uri = uris.get(span.file);
  if (uri === undefined) {
    uri = toUri(span.file);
    if (uris.size > 10_000) uris.clear();
    uris.set(span.file, uri);
  }
  return { uri, range: toRange(span) };
}

const completionKinds: Record<authoring.CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  snippet: CompletionItemKind.Snippet,
  builtin: CompletionItemKind.Function,
  namespace: CompletionItemKind.Module,
  rule: CompletionItemKind.Field,
  function: CompletionItemKind.Method,
  package: CompletionItemKind.Module,
  variable: CompletionItemKind.Variable,
  property: CompletionItemKind.Property,
};

/** Completion in a `.rego` document, or undefined for other documents. */
export async function regoCompletion(
  state: AuthoringState,
  uri: string,
  position: Position,
): Promise<CompletionItem[] | undefined> {
  const at = await locate(state, uri, position);
  if (!at) return undefined;
  const { items } = authoring.complete(state.project, at.file, at.offset);
  return items.map((i) => ({
    label: i.label,
    kind: completionKinds[i.kind],
    ...(i.detail ? { detail: i.detail } : {}),
    ...(i.documentation ? { documentation: { kind: MarkupKind.Markdown, value: i.documentation } } : {}),
    ...(i.insertText ? { insertText: i.insertText } : {}),
    ...(i.snippet ? { insertTextFormat: InsertTextFormat.Snippet } : {}),
    sortText: `${i.rank ?? 5}${i.label}`,
  }));
}

/** Hover in a `.rego` document (null where there is nothing), or undefined for other documents. */
export async function regoHover(
  state: AuthoringState,
  uri: string,
  position: Position,
): Promise<Hover | null | undefined> {
  const at = await locate(state, uri, position);
  if (!at) return undefined;
  const found = authoring.hover(state.project, at.file, at.offset, at.root);
  if (!found) return null;
  // A rule's hover adds its current value for the chosen input (or the example beside the policy).
  const value = found.rule ? await ruleValueLine(state, at.file, found.rule) : undefined;
  const markdown = value ? `${found.markdown}\n\n${value}` : found.markdown;
  return { contents: { kind: MarkupKind.Markdown, value: markdown }, range: toRange(found.span) };
}

function workspaceEdit(edits: Map<string, Array<{ span: Span; text: string }>>): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const [file, list] of edits)
    changes[toUri(file)] = list.map((e) => ({ range: toRange(e.span), newText: e.text }));
  return { changes };
}

const symbolKinds: Record<authoring.OutlineSymbol['kind'], SymbolKind> = {
  package: SymbolKind.Package,
  rule: SymbolKind.Boolean,
  function: SymbolKind.Function,
  test: SymbolKind.Method,
};

function toSelectionRange(spans: Span[]): SelectionRange | undefined {
  let parent: SelectionRange | undefined;
  for (const span of [...spans].reverse())
    parent = parent ? { range: toRange(span), parent } : { range: toRange(span) };
  return parent;
}

/** Registers the Rego language feature handlers other than hover and completion. */
export function registerAuthoringLanguage(connection: Connection, state: AuthoringState): void {
  const p = () => state.project;
  connection.onDefinition(async ({ textDocument, position }) => {
    const at = await locate(state, textDocument.uri, position);
    return at ? authoring.definition(p(), at.file, at.offset).map(toLocation) : null;
  });
  connection.onReferences(async ({ textDocument, position, context }) => {
    const at = await locate(state, textDocument.uri, position);
    if (!at) return null;
    const compute = () =>
      authoring.references(p(), at.file, at.offset, context.includeDeclaration).map(toLocation);
    // The answer for a symbol is kept until the next edit: asking again (from another of its uses) converts nothing.
    const key = authoring.symbolKeyAt(p(), at.file, at.offset);
    return key === undefined
      ? compute()
      : p().memo(`references:${key}:${context.includeDeclaration}`, compute);
  });
  connection.onPrepareRename(async ({ textDocument, position }) => {
    const at = await locate(state, textDocument.uri, position);
    if (!at) return null;
    const found = authoring.prepareRename(p(), at.file, at.offset);
    if ('error' in found) throw new Error(found.error);
    return { range: toRange(found.span), placeholder: found.placeholder };
  });
  connection.onRenameRequest(async ({ textDocument, position, newName }) => {
    const at = await locate(state, textDocument.uri, position);
    if (!at) return null;
    const result = authoring.rename(p(), at.file, at.offset, newName);
    if ('error' in result) throw new Error(result.error);
    return workspaceEdit(result.edits);
  });
  connection.onDocumentSymbol(async ({ textDocument }) => {
    const at = await locate(state, textDocument.uri);
    if (!at) return null;
    const convert = (s: authoring.OutlineSymbol): import('vscode-languageserver').DocumentSymbol => ({
      name: s.name,
      detail: s.detail,
      kind: symbolKinds[s.kind],
      range: toRange(s.span),
      selectionRange: toRange(s.selection),
      ...(s.children ? { children: s.children.map(convert) } : {}),
    });
    return authoring.documentSymbols(p(), at.file).map(convert);
  });
  connection.onWorkspaceSymbol(async ({ query }) => {
    await state.parsed();
    return authoring.workspaceSymbols(p(), query).map((s) => ({
      name: s.name,
      kind: symbolKinds[s.kind],
      containerName: s.container,
      location: toLocation(s.selection),
    }));
  });
  connection.onSignatureHelp(async ({ textDocument, position }) => {
    const at = await locate(state, textDocument.uri, position);
    const sig = at && authoring.signatureHelp(p(), at.file, at.offset);
    if (!sig) return null;
    return {
      signatures: [
        {
          label: sig.label,
          ...(sig.documentation
            ? { documentation: { kind: MarkupKind.Markdown, value: sig.documentation } }
            : {}),
          parameters: sig.params.map((x) => ({
            label: x.label,
            ...(x.documentation ? { documentation: x.documentation } : {}),
          })),
        },
      ],
      activeSignature: 0,
      activeParameter: sig.active,
    };
  });
  connection.languages.inlayHint.on(async ({ textDocument, range }) => {
    const at = await locate(state, textDocument.uri);
    const entry = at && p().entry(at.file);
    if (!at || !entry) return null;
    const from = entry.starts[range.start.line] ?? 0;
    const to = entry.starts[range.end.line + 1] ?? entry.text.length;
    return authoring.inlayHints(p(), at.file, from, to).map((h) => ({
      position: toRange(h.at).start,
      label: h.label,
      kind: InlayHintKind.Parameter,
      paddingRight: true,
    }));
  });
  connection.onFoldingRanges(async ({ textDocument }) => {
    const at = await locate(state, textDocument.uri);
    if (!at) return null;
    return authoring.foldingRanges(p(), at.file).map((r) => ({
      startLine: r.startLine - 1,
      endLine: r.endLine - 1,
      ...(r.kind === 'comment' ? { kind: 'comment' } : r.kind === 'imports' ? { kind: 'imports' } : {}),
    }));
  });
  connection.onSelectionRanges(async ({ textDocument, positions }) => {
    const result: SelectionRange[] = [];
    for (const position of positions) {
      const at = await locate(state, textDocument.uri, position);
      const range = at && toSelectionRange(authoring.selectionRanges(p(), at.file, at.offset));
      result.push(range ?? { range: { start: position, end: position } });
    }
    return result;
  });
  connection.onDocumentHighlight(async ({ textDocument, position }) => {
    const at = await locate(state, textDocument.uri, position);
    if (!at) return null;
    return authoring.highlights(p(), at.file, at.offset).map((o) => ({
      range: toRange(o.span),
      kind: o.definition ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
    }));
  });
  connection.languages.semanticTokens.on(async ({ textDocument }) => {
    const builder = new SemanticTokensBuilder();
    const at = await locate(state, textDocument.uri);
    if (at)
      for (const t of authoring.semanticTokens(p(), at.file))
        builder.push(t.line - 1, t.column - 1, t.length, t.type, t.modifiers);
    return builder.build();
  });
}
