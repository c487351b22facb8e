/**
 * The documents `.clearance.yaml` names, read into the web worker's snapshot through the client's
 * `workspace.fs`: the `openapi:` documents and the `graphql.documents` files and folders. The core
 * (`parseProjectConfigIn`) then reads them from the snapshot as the desktop reads them from disk, so
 * an open document gets the same generated-client operations, routes and GraphQL operations. Only
 * paths inside the workspace folder are asked for, with the core's own size limits, and folders are
 * walked by the core's bounds (depth, count, skipped folders). A document that cannot be read is
 * recorded in the snapshot with why, so the core's error says what the desktop's says.
 */
import { join } from 'node:path';
import { CLEARANCE_YAML, parseProjectConfig } from '../../config/clearance-yaml';
import {
  graphqlDocumentLimits,
  isGraphqlDocumentName,
  isWalkedGraphqlFolder,
} from '../../config/graphql-documents';
import { OPENAPI_MAX_BYTES } from '../../config/openapi';
import { utf8Length } from '../../files/file-access';
import type { MemoryFiles } from '../../files/memory-files';
import type { ReadProblem } from '../../identity/read-problem';
import type { WatchedDocuments } from '../config-watch';
import type { ReadDirectoryResult, ReadFileResult } from './fs-protocol';

/**
 * What the web build reads beyond the core's own limits: a `.clearance.yaml` (1 MB) could name
 * thousands of 10 MB documents, each a request through the client, so past these the rest are
 * reported as not read rather than asked for.
 */
export const configDocumentLimits = { openapiDocuments: 100, totalBytes: 50_000_000 };

/** The client's two file requests, as the walk needs them (a `Connection` in the server, a stub in tests). */
export interface WorkspaceReader {
  readDirectory(path: string): Promise<ReadDirectoryResult>;
  readFile(path: string, limitBytes: number): Promise<ReadFileResult>;
}

/**
 * What `.clearance.yaml` names, as the files and folders the snapshot holds for it (watched as
 * `../config-watch.ts` says).
 */
export interface ConfigDocuments extends WatchedDocuments {
  files: Set<string>;
  folders: string[];
  /** The entries as written: a text naming the same ones needs no new reads. */
  key: string;
  /** The bytes read so far, against `configDocumentLimits.totalBytes`. */
  bytes: number;
}

/** No documents: what a `.clearance.yaml` without `openapi:` or `graphql.documents` names. */
export const noConfigDocuments: ConfigDocuments = { files: new Set(), folders: [], key: '', bytes: 0 };

/**
 * Reads into `snapshot` the documents the `.clearance.yaml` text `text` (of folder `root`) names.
 * A text that does not parse names nothing (its own errors are reported by the core). When it names
 * the same entries as `previous`, nothing is read again (typing in `.clearance.yaml` costs no reads):
 * `previous` is left out after a file event or a refresh.
 */
export async function readConfigDocuments(
  reader: WorkspaceReader,
  root: string,
  text: string,
  snapshot: MemoryFiles,
  previous?: ConfigDocuments,
): Promise<ConfigDocuments> {
  const { config } = parseProjectConfig(text, join(root, CLEARANCE_YAML));
  if (config === undefined) return previous ?? noConfigDocuments;
  const key = JSON.stringify([
    (config.openapi ?? []).map((source) => source.document),
    config.graphql?.documents ?? [],
  ]);
  if (previous?.key === key) return previous;
  const documents: ConfigDocuments = { files: new Set(), folders: [], key, bytes: 0 };
  const most = configDocumentLimits.openapiDocuments;
  for (const [index, source] of (config.openapi ?? []).entries()) {
    const path = join(root, source.document);
    // Outside the folder: not asked for; the core reports it where `.clearance.yaml` names it.
    if (!snapshot.contains(root, path)) continue;
    if (index < most) await readDocument(reader, path, OPENAPI_MAX_BYTES, snapshot, documents);
    else
      leaveUnread(
        path,
        `more than ${most} OpenAPI documents are named; the web build reads the first ${most}`,
        snapshot,
        documents,
      );
  }
  let budget = graphqlDocumentLimits.files;
  for (const entry of config.graphql?.documents ?? []) {
    const path = join(root, entry);
    if (!snapshot.contains(root, path) || budget <= 0) continue;
    if (isGraphqlDocumentName(path)) {
      budget--;
      await readDocument(reader, path, graphqlDocumentLimits.bytes, snapshot, documents);
    } else {
      documents.folders.push(path);
      budget = await walkFolder(reader, path, 0, budget, snapshot, documents);
    }
  }
  return documents;
}

// Lists a folder as the core's walk does (`collectDocuments`); returns the files still allowed.
async function walkFolder(
  reader: WorkspaceReader,
  dir: string,
  depth: number,
  budget: number,
  snapshot: MemoryFiles,
  documents: ConfigDocuments,
): Promise<number> {
  if (budget <= 0 || depth > graphqlDocumentLimits.depth) return budget;
  const listed = await reader.readDirectory(dir);
  // A folder that cannot be listed stays out of the snapshot: the core says so for a listed one.
  if ('error' in listed) return budget;
  snapshot.setFolder(dir);
  let left = budget;
  for (const entry of listed.entries.slice().sort((a, b) => a.name.localeCompare(b.name))) {
    if (left <= 0) break;
    const path = join(dir, entry.name);
    if (entry.kind === 'directory' && isWalkedGraphqlFolder(entry.name))
      left = await walkFolder(reader, path, depth + 1, left, snapshot, documents);
    else if (entry.kind === 'file' && isGraphqlDocumentName(entry.name)) {
      left--;
      await readDocument(reader, path, graphqlDocumentLimits.bytes, snapshot, documents);
    }
  }
  return left;
}

async function readDocument(
  reader: WorkspaceReader,
  path: string,
  limitBytes: number,
  snapshot: MemoryFiles,
  documents: ConfigDocuments,
): Promise<void> {
  if (documents.bytes >= configDocumentLimits.totalBytes) {
    const total = configDocumentLimits.totalBytes / 1_000_000;
    leaveUnread(
      path,
      `the documents named pass ${total} MB in all; the web build reads no more`,
      snapshot,
      documents,
    );
    return;
  }
  documents.files.add(path);
  const read = await reader.readFile(path, limitBytes);
  if ('text' in read) {
    snapshot.set(path, read.text);
    documents.bytes += utf8Length(read.text);
  } else snapshot.setProblem(path, problemOf(read, limitBytes));
}

// A document not asked for: the core's error on it says why, where `.clearance.yaml` names it.
function leaveUnread(path: string, why: string, snapshot: MemoryFiles, documents: ConfigDocuments): void {
  documents.files.add(path);
  snapshot.setProblem(path, { kind: 'unreadable', detail: why });
}

// The client's answer (client/src/browser-files.ts) as the problem Node's reader would give.
function problemOf(read: { error: string; sizeBytes?: number }, limitBytes: number): ReadProblem {
  if (read.sizeBytes !== undefined) return { kind: 'too-large', limitBytes, sizeBytes: read.sizeBytes };
  // `workspace.fs` names a missing file `FileNotFound` (a FileSystemError code; `EntryNotFound` in its message).
  if (/FileNotFound|EntryNotFound|ENOENT/i.test(read.error)) return { kind: 'not-found' };
  if (read.error === 'not a file' || /FileIsADirectory/i.test(read.error)) return { kind: 'directory' };
  return { kind: 'unreadable', detail: read.error };
}
