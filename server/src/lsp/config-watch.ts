/**
 * Watching the documents `.clearance.yaml` names (`openapi:`, `graphql.documents`), for both language
 * servers: which file events touch them, the glob patterns the editor is asked to watch for them, and
 * that request (`workspace/didChangeWatchedFiles`, registered dynamically when the client can; the
 * editors watch policy files by themselves, not `.graphql` files). Each server reads the documents its
 * own way (the desktop from disk through `files/remembered-files.ts`, the web worker through the
 * client, `web/config-documents.ts`) and parses them with the same core code.
 */
import { basename } from 'node:path';
import {
  type Connection,
  DidChangeWatchedFilesNotification,
  type Disposable,
} from 'vscode-languageserver/node';
import { isGraphqlDocumentName } from '../config/graphql-documents';

/** What a read of `.clearance.yaml`'s documents looked at. */
export interface WatchedDocuments {
  /** Every document file read (or looked for and found unreadable). */
  readonly files: ReadonlySet<string>;
  /** The `graphql.documents` folders listed, whose new `.graphql` files count too. */
  readonly folders: readonly string[];
}

/** Whether a file event at `path` changes what `documents` read: one of them, a new GraphQL file in a listed folder, or a folder holding one. */
export function touchesConfigDocuments(documents: WatchedDocuments, path: string): boolean {
  if (documents.files.has(path)) return true;
  if (isGraphqlDocumentName(path) && documents.folders.some((folder) => path.startsWith(`${folder}/`)))
    return true;
  // A deleted or moved folder is one event for the folder, not one per file in it.
  const inside = `${path}/`;
  return (
    [...documents.files].some((file) => file.startsWith(inside)) ||
    documents.folders.some((folder) => folder === path || folder.startsWith(inside))
  );
}

/**
 * The glob patterns a file watcher needs for `documents`: each file by name, and every `.graphql` and
 * `.gql` file when a folder is listed (events outside the documents are then ignored).
 */
export function watchPatterns(documents: WatchedDocuments): string[] {
  const walked = documents.folders.length > 0;
  const patterns = new Set(
    [...documents.files]
      // A folder's documents are all covered by the extensions' patterns.
      .filter((file) => !(walked && isGraphqlDocumentName(file)))
      .map((file) => `**/${basename(file)}`),
  );
  if (walked) for (const pattern of ['**/*.graphql', '**/*.gql']) patterns.add(pattern);
  return [...patterns].sort();
}

/**
 * The editor's watcher of the documents: registered again only when the patterns change, the old
 * registration disposed. A client that cannot register watchers dynamically is asked nothing (its
 * own watchers, if any, still send their events).
 */
export class ConfigDocumentsWatcher {
  private current: { patterns: string; registration: Promise<Disposable | undefined> } | undefined;

  constructor(
    private readonly connection: Pick<Connection, 'client'>,
    private readonly canRegister: () => boolean,
  ) {}

  /** Watches what `documents` read (nothing when they read nothing). */
  watch(documents: WatchedDocuments): void {
    const patterns = watchPatterns(documents);
    if (!this.canRegister() || (this.current?.patterns ?? '') === patterns.join('\n')) return;
    void this.current?.registration.then((old) => old?.dispose());
    this.current =
      patterns.length === 0
        ? undefined
        : {
            patterns: patterns.join('\n'),
            registration: this.connection.client
              .register(DidChangeWatchedFilesNotification.type, {
                watchers: patterns.map((globPattern) => ({ globPattern })),
              })
              .catch(() => undefined),
          };
  }
}
