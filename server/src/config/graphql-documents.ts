/**
 * `.clearance.yaml` `graphql:`: the project's GraphQL operations and what they mean to the policy.
 * `documents` lists `.graphql`/`.gql` files and folders (relative to the workspace folder, read
 * bounded and inside it, parsed with the `graphql` reference parser): each named operation there is
 * known by name, so a client call whose document is only named in the file (`useQuery(GetOrderDocument)`,
 * `useGetOrderQuery()`, a document imported from another file) gets its type and root field.
 * `operations` maps an operation, by name (`OrderQuery`) or by type and root field (`mutation
 * cancelOrder`), to an action and a resource (see decision/graphql-target.ts).
 */
import { join, relative } from 'node:path';
import { type DefinitionNode, GraphQLError, Kind, parse } from 'graphql';
import type { ClearanceError, Location } from '../errors';
import type { FileAccess } from '../files/file-access';
import { platformFiles } from '../files/platform-files';
import { describeReadProblem } from '../identity/bounded-read';
import type { CallResource } from '../scanner/types';

/**
 * How much is read: documents up to `bytes` each, at most `files` of them from the folders listed,
 * at most `depth` folders deep (the web build walks its client's folders by the same bounds).
 */
export const graphqlDocumentLimits = { bytes: 1_000_000, files: 2_000, depth: 12 };
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'build']);

/** Whether a file name is a GraphQL document's (`.graphql`, `.gql`). */
export function isGraphqlDocumentName(name: string): boolean {
  return /\.(?:graphql|gql)$/i.test(name);
}

/** Whether a folder under a listed one is walked: dependencies, build output and hidden folders are not. */
export function isWalkedGraphqlFolder(name: string): boolean {
  return !SKIPPED_FOLDERS.has(name) && !name.startsWith('.');
}

/** A named operation of a `.graphql` document. */
export interface GraphqlOperation {
  type: 'query' | 'mutation' | 'subscription';
  name: string;
  /** The first root field's name (not its alias). */
  field?: string;
  /** Where it is written. */
  file: string;
  line: number;
}

/** A `graphql.operations` entry: `OrderQuery` or `mutation cancelOrder` → action and resource. */
export interface GraphqlMapping {
  /** The key as written. */
  pattern: string;
  /** The operation name, when the key is one. */
  name?: string;
  /** The operation type and root field, when the key is `type field`. */
  type?: string;
  field?: string;
  action?: string;
  resource?: CallResource;
}

/** The `graphql:` section, read. */
export interface GraphqlConfig {
  /** The folders and files listed under `documents`, as written. */
  documents: string[];
  /** The operations those documents define; filled in when the project's configuration is read. */
  operations: GraphqlOperation[];
  mappings: GraphqlMapping[];
}

/** Splits a `graphql.operations` key into an operation name or a type and root field. */
export function parseGraphqlKey(pattern: string): Pick<GraphqlMapping, 'name' | 'type' | 'field'> {
  const [first, second] = pattern.trim().split(/\s+/);
  return second === undefined ? { name: first ?? '' } : { type: first ?? '', field: second };
}

/**
 * Reads the operations of the documents `entries` (files or folders relative to `dir`) from `files`
 * (the file system; in the web worker, its snapshot of the workspace). A document that does not
 * parse is an error in it, at its line and column; an entry that names nothing readable (a missing,
 * unreadable or too large file, a path out of the folder) is an error at `entryAt(index)`, the
 * entry in `.clearance.yaml` (at the document's start when no place is given).
 */
export function readGraphqlDocuments(
  dir: string,
  entries: readonly string[],
  files: FileAccess = platformFiles,
  entryAt: (index: number) => Location | undefined = () => undefined,
): { operations: GraphqlOperation[]; errors: ClearanceError[] } {
  const operations: GraphqlOperation[] = [];
  const errors: ClearanceError[] = [];
  const fail = (file: string, message: string, at: Location) =>
    errors.push({
      code: 'config_error',
      message: `graphql ${relative(dir, file) || file}: ${message}`,
      location: at,
    });
  const start = { line: 1, column: 1, offset: 0 };
  const inFile = (file: string, line = 1, column = 1): Location => {
    const at = { line, column, offset: 0 };
    return { file, start: line === 1 && column === 1 ? start : at, end: at };
  };
  const found: Array<{ file: string; entry: number }> = [];
  entries.forEach((entry, index) => {
    const named = (file: string, message: string) => fail(file, message, entryAt(index) ?? inFile(file));
    collectDocuments(files, join(dir, entry), dir, { found, entry: index, fail: named }, 0);
  });
  for (const { file, entry } of found.slice(0, graphqlDocumentLimits.files)) {
    const read = files.readText(file, graphqlDocumentLimits.bytes, { within: dir });
    if (!read.ok) {
      fail(file, describeReadProblem(read.problem), entryAt(entry) ?? inFile(file));
      continue;
    }
    let definitions: readonly DefinitionNode[];
    try {
      definitions = parse(read.text, { noLocation: false, maxTokens: 200_000 }).definitions;
    } catch (error) {
      const place = error instanceof GraphQLError ? error.locations?.[0] : undefined;
      fail(
        file,
        `not a GraphQL document: ${(error as Error).message.split('\n')[0]}`,
        inFile(file, place?.line, place?.column),
      );
      continue;
    }
    for (const definition of definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || definition.name === undefined) continue;
      const first = definition.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD);
      operations.push({
        type: definition.operation,
        name: definition.name.value,
        ...(first === undefined ? {} : { field: first.name.value }),
        file,
        line: definition.loc?.startToken.line ?? 1,
      });
    }
  }
  return { operations, errors };
}

/** Where a walk of one `documents` entry puts what it finds, and its problems. */
interface DocumentWalk {
  found: Array<{ file: string; entry: number }>;
  /** The entry walked (its index in `documents`). */
  entry: number;
  fail: (file: string, message: string) => void;
}

// A `.graphql`/`.gql` file is itself; a folder is walked (bounded), dependencies and build output skipped.
function collectDocuments(
  files: FileAccess,
  path: string,
  dir: string,
  walk: DocumentWalk,
  depth: number,
): void {
  if (walk.found.length >= graphqlDocumentLimits.files || depth > graphqlDocumentLimits.depth) return;
  if (depth === 0 && !files.contains(dir, path)) {
    walk.fail(path, 'is outside the workspace folder; not read');
    return;
  }
  if (isGraphqlDocumentName(path)) {
    walk.found.push({ file: path, entry: walk.entry });
    return;
  }
  const entries = files.list(path);
  if (entries === undefined) {
    if (depth === 0) walk.fail(path, 'not a .graphql or .gql file, nor a folder that can be read');
    return;
  }
  for (const entry of [...entries].sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.kind === 'directory' && isWalkedGraphqlFolder(entry.name))
      collectDocuments(files, join(path, entry.name), dir, walk, depth + 1);
    else if (entry.kind === 'file' && isGraphqlDocumentName(entry.name))
      walk.found.push({ file: join(path, entry.name), entry: walk.entry });
  }
}
