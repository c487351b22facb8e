/**
 * `.clearance.yaml` in the editor, for both language servers (the desktop's and the web worker's):
 * completion of its keys and values, and its diagnostics (the problems found reading it against
 * `schemas/clearance.schema.json`, and a hint when it maps nothing), and those of the documents it
 * names (`openapi:`, `graphql.documents`). Each server sends them with its own URIs.
 */
import { readFileSync, statSync } from 'node:fs';
import {
  type CompletionItem,
  CompletionItemKind,
  type Diagnostic,
  DiagnosticSeverity,
} from 'vscode-languageserver/node';
import { completeClearanceYaml } from '../config/clearance-yaml-completion';
import { EMPTY_PROJECT_CONFIG_MESSAGE, projectConfigMapsNothing } from '../config/mistakes';
import { toDiagnostic } from './convert';
import type { SharedWorkspace } from './shared-workspace';

/**
 * Completion in the workspace's `.clearance.yaml` at `offset` of `text`; undefined when `path` is
 * not that file.
 */
export function projectConfigCompletion(
  ws: SharedWorkspace,
  path: string,
  text: string,
  offset: number,
): CompletionItem[] | undefined {
  if (path !== ws.projectConfigPath) return undefined;
  return completeClearanceYaml(text, offset).map((item) => ({
    label: item.label,
    kind: item.kind === 'key' ? CompletionItemKind.Property : CompletionItemKind.Value,
    ...(item.detail === undefined ? {} : { detail: item.detail }),
    ...(item.insertText === undefined ? {} : { insertText: item.insertText }),
  }));
}

/**
 * The diagnostics of `.clearance.yaml` and of the documents it names, by file path, as last read: a
 * problem inside a document (a syntax error, at its line and column) is shown in the document; every
 * other problem (one of `.clearance.yaml` itself, a document missing, unreadable or too large, at the
 * entry that names it) on `.clearance.yaml`, with the hint when it maps nothing.
 */
export function projectConfigDiagnostics(ws: SharedWorkspace): Map<string, Diagnostic[]> {
  const byFile = new Map<string, Diagnostic[]>([[ws.projectConfigPath, buildEmptyProjectConfigHints(ws)]]);
  for (const error of ws.projectConfigErrors) {
    const file = error.location?.file ?? ws.projectConfigPath;
    byFile.set(file, [...(byFile.get(file) ?? []), toDiagnostic(error)]);
  }
  return byFile;
}

/**
 * Publishes `projectConfigDiagnostics` through `publish` (each server with its own URIs), and
 * clears a document's once it has none. `owns(path)` says whether a document's diagnostics are the
 * configuration's (its own, published last time), so that closing it in an editor keeps them.
 */
export function createProjectConfigPublisher(publish: (path: string, diagnostics: Diagnostic[]) => void): {
  publish(ws: SharedWorkspace): void;
  owns(path: string): boolean;
} {
  let documents = new Set<string>();
  return {
    publish(ws) {
      const byFile = projectConfigDiagnostics(ws);
      for (const path of documents) if (!byFile.has(path)) publish(path, []);
      documents = new Set([...byFile.keys()].filter((path) => path !== ws.projectConfigPath));
      for (const [path, diagnostics] of byFile) publish(path, diagnostics);
    },
    owns: (path) => documents.has(path),
  };
}

/** A file's text, if it exists and is under 1 MB (in the web build, from the workspace snapshot). */
function readSmallFile(path: string): string | undefined {
  try {
    return statSync(path).size > 1024 * 1024 ? undefined : readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * A hint on a `.clearance.yaml` that reads without errors but maps nothing (no base URL, route,
 * client or action): it changes nothing, which is rarely what its author meant.
 */
export function buildEmptyProjectConfigHints(ws: SharedWorkspace): Diagnostic[] {
  const text = ws.documents.get(ws.projectConfigPath)?.text ?? readSmallFile(ws.projectConfigPath);
  if (!projectConfigMapsNothing(ws.projectConfig, text, ws.projectConfigErrors.length > 0)) return [];
  return [
    {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Information,
      source: 'clearance',
      code: 'config_empty',
      message: EMPTY_PROJECT_CONFIG_MESSAGE,
    },
  ];
}
