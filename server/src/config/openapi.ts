/**
 * `.clearance.yaml` `openapi:`: OpenAPI 3 and Swagger 2 documents describe an API once, and each
 * operation becomes a route template (`DELETE /pets/{petId}`) with the action and resource the
 * document gives: `x-clearance: { action, resource }` on the operation when present, otherwise
 * the `operationId` as the action and the singular of the first tag as the resource type. The
 * documents' server URLs (`servers[].url`, Swagger's `host` + `basePath`) become base URLs. The
 * documents are parsed with `yaml` (JSON is YAML), read bounded and confined to the folder. A path
 * item or operation written as a local `$ref` (`#/components/pathItems/Pet`, OpenAPI 3.1) is
 * followed within the same document, at most `MAX_REF_DEPTH` references deep; a cycle or a
 * reference that leads nowhere is reported, never followed forever. Other files' `$ref`s are not
 * read (the document is confined to itself). Each operation also becomes a client mapping that a
 * generated client's call of it matches (openapi-operations.ts, recognizers/openapi-clients.ts).
 */
import { join } from 'node:path';
import { parse, YAMLError } from 'yaml';
import type { ClearanceError, Location } from '../errors';
import type { FileAccess } from '../files/file-access';
import { platformFiles } from '../files/platform-files';
import { describeReadProblem } from '../identity/bounded-read';
import { type CallResource, type ClientMapping, parseResource } from '../scanner';
import { singularize } from '../scanner/singular';
import { parseRouteSegments, type RouteTemplate } from './clearance-yaml';
import { describeOperation, type OpenApiSource } from './openapi-operations';

/** OpenAPI documents bigger than this are not read (the web build asks its client for no more). */
export const OPENAPI_MAX_BYTES = 10_000_000;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];
/** How many `$ref`s in a row are followed before the chain is reported. */
const MAX_REF_DEPTH = 16;

/** What the documents add to a project's configuration. */
export interface OpenApiRoutes {
  routes: RouteTemplate[];
  baseUrls: string[];
  /** The operations, as the client mappings a generated client's calls match. */
  operations: ClientMapping[];
  errors: ClearanceError[];
}

/**
 * Reads the documents `entries` (relative to `dir`) into route templates, base URLs and operations,
 * from `files` (the file system; in the web worker, its snapshot of the workspace). A problem in a
 * document is an error in it (a YAML syntax error at its line and column); a document that cannot
 * be read (missing, unreadable, too large, out of the folder) is an error at `entryAt(index)`, the
 * entry in `.clearance.yaml` (at the document's start when no place is given).
 */
export function readOpenApiRoutes(
  dir: string,
  entries: readonly (string | OpenApiSource)[],
  files: FileAccess = platformFiles,
  entryAt: (index: number) => Location | undefined = () => undefined,
): OpenApiRoutes {
  const result: OpenApiRoutes = { routes: [], baseUrls: [], operations: [], errors: [] };
  for (const [index, entry] of entries.entries()) {
    const source = typeof entry === 'string' ? { document: entry } : entry;
    const name = source.document;
    const file = join(dir, name);
    const start = { line: 1, column: 1, offset: 0 };
    const fail = (message: string, location: Location = { file, start, end: start }) =>
      result.errors.push({ code: 'config_error', message: `openapi ${name}: ${message}`, location });
    const read = files.readText(file, OPENAPI_MAX_BYTES, { within: dir });
    if (!read.ok) {
      fail(describeReadProblem(read.problem), entryAt(index));
      continue;
    }
    let document: unknown;
    try {
      document = parse(read.text, { maxAliasCount: 100 });
    } catch (error) {
      fail(`not YAML or JSON: ${(error as Error).message.split('\n')[0]}`, syntaxErrorAt(file, error));
      continue;
    }
    if (!isRecord(document) || !isRecord(document.paths)) {
      fail('not an OpenAPI 3 or Swagger 2 document (no paths)');
      continue;
    }
    result.baseUrls.push(...readServers(document));
    // As OpenAPI says, a concrete path matches before a templated one (`/pet/findByStatus` before
    // `/pet/{petId}`), whatever the document's order.
    const paths = Object.entries(document.paths).sort(([a], [b]) => compareTemplates(a, b));
    for (const [path, written] of paths) {
      if (!path.startsWith('/')) continue;
      const item = resolveRef(document, written);
      if (typeof item === 'string') fail(`${path}: ${item}`);
      if (!isRecord(item)) continue;
      const shared = Array.isArray(item.parameters) ? item.parameters : [];
      for (const method of METHODS) {
        const operation = resolveRef(document, item[method]);
        if (typeof operation === 'string') fail(`${method.toUpperCase()} ${path}: ${operation}`);
        if (!isRecord(operation)) continue;
        const route = readOperation(method.toUpperCase(), path, operation);
        if (typeof route === 'string') {
          fail(`${method.toUpperCase()} ${path}: ${route}`);
          continue;
        }
        result.routes.push(route);
        // The operation's own parameters first, then the path item's it does not override.
        const own = Array.isArray(operation.parameters) ? operation.parameters : [];
        const parameters = [...own, ...shared].map((parameter) => resolveRef(document, parameter));
        result.operations.push(
          describeOperation(source, dir, method.toUpperCase(), path, operation, parameters),
        );
      }
    }
  }
  return result;
}

function readOperation(
  method: string,
  path: string,
  operation: Record<string, unknown>,
): RouteTemplate | string {
  const override = isRecord(operation['x-clearance']) ? operation['x-clearance'] : {};
  const action =
    typeof override.action === 'string'
      ? override.action
      : typeof operation.operationId === 'string'
        ? operation.operationId
        : undefined;
  let resource: CallResource | undefined;
  if (typeof override.resource === 'string') {
    const parsed = parseResource(override.resource);
    if (typeof parsed === 'string') return `x-clearance resource: ${parsed}`;
    resource = parsed;
  } else if (Array.isArray(operation.tags) && typeof operation.tags[0] === 'string') {
    const tag = operation.tags[0].trim().toLowerCase().replace(/\s+/g, '-');
    if (/^[a-z][\w.-]*$/.test(tag)) resource = { type: singularize(tag) };
  }
  const segments = parseRouteSegments(path);
  // A resource read from a tag takes its id from the path's last parameter.
  const last = segments[segments.length - 1];
  if (resource !== undefined && resource.id === undefined && last?.kind === 'param')
    resource = { ...resource, id: { known: false, source: `{${last.name}}` } };
  return {
    pattern: `${method} ${path}`,
    method,
    segments,
    ...(action === undefined ? {} : { action }),
    ...(resource === undefined ? {} : { resource }),
  };
}

// Segment by segment, a literal before a parameter; otherwise the document's order (a stable sort).
function compareTemplates(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const templated = Number((left[index] ?? '').includes('{')) - Number((right[index] ?? '').includes('{'));
    if (templated !== 0) return templated;
  }
  return 0;
}

/**
 * Follows a local `$ref` (`#/components/...`, a JSON pointer into the same document) to the value it
 * names, through chains of references; a value without `$ref` is itself. A message (string) for a
 * reference to another file, a cycle, a chain past `MAX_REF_DEPTH`, or a pointer that leads nowhere.
 */
export function resolveRef(document: Record<string, unknown>, value: unknown): unknown {
  const seen = new Set<string>();
  let current = value;
  for (let depth = 0; isRecord(current) && typeof current.$ref === 'string'; depth++) {
    const ref = current.$ref;
    if (!ref.startsWith('#/') && ref !== '#')
      return `$ref ${ref}: only references within the document are followed`;
    if (seen.has(ref)) return `$ref ${ref}: a cycle of references`;
    if (depth >= MAX_REF_DEPTH) return `$ref ${ref}: more than ${MAX_REF_DEPTH} references in a row`;
    seen.add(ref);
    let target: unknown = document;
    for (const raw of ref === '#' ? [] : ref.slice(2).split('/')) {
      let key: string;
      try {
        key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      } catch {
        return `$ref ${ref}: not a JSON pointer`;
      }
      target = isRecord(target) && Object.hasOwn(target, key) ? target[key] : undefined;
      if (target === undefined) return `$ref ${ref}: nothing at that place in the document`;
    }
    current = target;
  }
  return current;
}

// OpenAPI 3 `servers[].url`; Swagger 2 `host` + `basePath` (with its first scheme).
function readServers(document: Record<string, unknown>): string[] {
  const urls: string[] = [];
  if (Array.isArray(document.servers)) {
    for (const server of document.servers)
      if (isRecord(server) && typeof server.url === 'string' && !server.url.includes('{'))
        urls.push(server.url);
  }
  if (typeof document.host === 'string') {
    const scheme =
      Array.isArray(document.schemes) && typeof document.schemes[0] === 'string'
        ? document.schemes[0]
        : 'https';
    urls.push(
      `${scheme}://${document.host}${typeof document.basePath === 'string' ? document.basePath : ''}`,
    );
  } else if (typeof document.basePath === 'string' && document.basePath !== '/') {
    urls.push(document.basePath);
  }
  return urls.map((url) => url.replace(/\/+$/, '')).filter((url) => url.length > 0);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where a YAML syntax error is in `file` (its first line and column), else the file's start. */
function syntaxErrorAt(file: string, error: unknown): Location {
  const [first, last] = error instanceof YAMLError ? (error.linePos ?? []) : [];
  const start = {
    line: first?.line ?? 1,
    column: first?.col ?? 1,
    offset: error instanceof YAMLError ? error.pos[0] : 0,
  };
  const end =
    last === undefined ? start : { line: last.line, column: last.col, offset: (error as YAMLError).pos[1] };
  return { file, start, end };
}
