/**
 * `.clearance.yaml`, a workspace folder's own mapping of calls to policy vocabulary: base URLs to
 * strip, the method -> action table, route templates and the project's client functions. The file
 * is parsed with `yaml` and validated against schemas/clearance.schema.json (the schema VS Code
 * uses too), and every problem points at its line and column. A file with any problem gives no
 * configuration at all: callers keep the last good one (or the defaults), never half a file.
 */
import { join } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { type Document, isMap, isNode, isPair, isScalar, parseDocument } from 'yaml';
import schema from '../../../schemas/clearance.schema.json';
import { closestSpelling } from '../edit-distance';
import type { ClearanceError, Location } from '../errors';
import type { FileAccess } from '../files/file-access';
import { platformFiles } from '../files/platform-files';
import { describeReadProblem, readBoundedFileSync } from '../identity/bounded-read';
import type { LintConfig } from '../lint/config';
import { type CallResource, type ClientMapping, parseResource } from '../scanner';
import { LineStarts } from '../scanner/positions';
import { parseServiceAddress, type ServiceAddress } from '../scanner/services';
import {
  type GraphqlConfig,
  type GraphqlMapping,
  parseGraphqlKey,
  readGraphqlDocuments,
} from './graphql-documents';
import { readOpenApiRoutes } from './openapi';
import type { OpenApiSource } from './openapi-operations';

/** The name of the file, at the root of a workspace folder. */
export const CLEARANCE_YAML = '.clearance.yaml';

/** Files bigger than this are not read. */
const MAX_BYTES = 1_000_000;

/** One piece of a route template's path: a literal segment or a `{name}` parameter. */
export type RouteSegment = { kind: 'literal'; text: string } | { kind: 'param'; name: string };

/** A route template: `DELETE /api/orders/{id}` with what it maps to. */
export interface RouteTemplate {
  /** The template as written. */
  pattern: string;
  /** Upper case; undefined matches every method. */
  method?: string;
  segments: RouteSegment[];
  action?: string;
  resource?: CallResource;
}

/** A workspace folder's `.clearance.yaml`, read and checked. */
export interface ProjectConfig {
  baseUrls: string[];
  /** Method (upper case) -> action, overriding the default table. */
  actions: Map<string, string>;
  routes: RouteTemplate[];
  clients: ClientMapping[];
  /** The `lint:` section, as written (checked against the schema). */
  lint?: LintConfig;
  /** OPA bundles that decide for this project (`bundles:`), as written; see docs/bundles.md. */
  bundles?: string[];
  /** The organisation's services by host and base URL (`services:`); empty when none are listed. */
  services?: ServiceAddress[];
  /** `.gitignore`-style patterns of files the scanner leaves out (`exclude:`). */
  exclude?: string[];
  /**
   * OpenAPI documents (`openapi:`), relative to the folder; their routes are in `routes`, their
   * operations (as generated clients call them) in `clients`.
   */
  openapi?: OpenApiSource[];
  /** GraphQL documents and operation mappings (`graphql:`); the documents' operations are read in. */
  graphql?: GraphqlConfig;
}

/** The configuration of a folder without `.clearance.yaml`: nothing changes the defaults. */
export const emptyProjectConfig: ProjectConfig = {
  baseUrls: [],
  actions: new Map(),
  routes: [],
  clients: [],
};

/** The JSON schema of `.clearance.yaml`, as shipped in schemas/. */
export const clearanceSchema: object = schema;

let validate: ReturnType<Ajv['compile']> | undefined;

/**
 * Parses and checks the text of a `.clearance.yaml`. `config` is undefined when there is any error,
 * so that a broken file never stands in for a working one.
 */
export function parseProjectConfig(
  text: string,
  file: string,
): { config?: ProjectConfig; errors: ClearanceError[] } {
  const { locateEntry: _entries, ...parsed } = parseWithEntries(text, file);
  return parsed;
}

/**
 * `parseProjectConfig`, and where each entry of a list is written (`['openapi', 0]`): the place a
 * document's read problem is reported.
 */
function parseWithEntries(
  text: string,
  file: string,
): {
  config?: ProjectConfig;
  errors: ClearanceError[];
  locateEntry?: (path: (string | number)[]) => Location;
} {
  const lines = new LineStarts(text);
  const locate = (start: number, end: number): Location => ({
    file,
    start: lines.locate(Math.max(0, Math.min(start, text.length))),
    end: lines.locate(Math.max(0, Math.min(Math.max(end, start), text.length))),
  });
  if (Buffer.byteLength(text, 'utf8') > MAX_BYTES) {
    return {
      errors: [
        { code: 'config_error', message: `${CLEARANCE_YAML} is over 1 MB; not read`, location: locate(0, 0) },
      ],
    };
  }
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const errors: ClearanceError[] = document.errors.map((error) => ({
    code: 'config_parse_error',
    message: `${CLEARANCE_YAML}: ${error.message.split('\n')[0]}`,
    location: locate(error.pos[0], error.pos[1]),
  }));
  if (errors.length > 0) return { errors };
  const value: unknown = document.toJS() ?? {};
  // `verbose` keeps each error's schema, whose known keys suggest what an unknown key meant.
  validate ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema);
  if (!validate(value)) {
    for (const error of selectErrors(validate.errors ?? [])) {
      const [start, end] = findRange(document, error);
      errors.push({
        code: 'config_error',
        message: `${CLEARANCE_YAML}: ${describeError(error)}`,
        location: locate(start, end),
      });
    }
    return { errors };
  }
  const locateKey = (path: string[]): Location => {
    const [start, end] = findKeyRange(document, path);
    return locate(start, end);
  };
  // A `{ document, client }` entry is placed at its document.
  const locateEntry = (path: (string | number)[]): Location => {
    const node = document.getIn(path, true);
    const named = isMap(node) ? node.get('document', true) : node;
    return isNode(named) && named.range ? locate(named.range[0], named.range[1]) : locate(0, 0);
  };
  return { ...buildConfig(value as RawConfig, locateKey, errors), locateEntry };
}

/**
 * Reads `<dir>/.clearance.yaml`, and the documents it names through `files` (see
 * `parseProjectConfigIn`). No file: the empty configuration and no error. A file that cannot be read
 * or does not check: no configuration and the errors.
 */
export function readProjectConfig(
  dir: string,
  files: FileAccess = platformFiles,
): {
  config?: ProjectConfig;
  errors: ClearanceError[];
  file: string;
} {
  const file = join(dir, CLEARANCE_YAML);
  const start = { line: 1, column: 1, offset: 0 };
  const at = { file, start, end: start };
  // Bounded and confined: a device, a huge file or a link out of the folder is reported, never read.
  const read = readBoundedFileSync(file, MAX_BYTES, { within: dir });
  if (!read.ok && read.problem.kind === 'not-found') return { config: emptyProjectConfig, errors: [], file };
  if (!read.ok) {
    return {
      errors: [
        {
          code: 'config_error',
          message: `${CLEARANCE_YAML} ${describeReadProblem(read.problem)}`,
          location: at,
        },
      ],
      file,
    };
  }
  try {
    return { ...parseProjectConfigIn(dir, read.text, files), file };
  } catch (error) {
    return {
      errors: [
        { code: 'config_error', message: `cannot read ${file}: ${(error as Error).message}`, location: at },
      ],
      file,
    };
  }
}

/**
 * Parses the text of `<dir>/.clearance.yaml` (from disk or an open editor) and reads the documents it
 * names (`openapi:`, `graphql.documents`) from the folder, through `files` (the file system; in the
 * web worker, its snapshot). Any error in the file or a document: no configuration, the errors.
 */
export function parseProjectConfigIn(
  dir: string,
  text: string,
  files: FileAccess = platformFiles,
): { config?: ProjectConfig; errors: ClearanceError[] } {
  const { locateEntry, ...parsed } = parseWithEntries(text, join(dir, CLEARANCE_YAML));
  let config = parsed.config;
  if (config === undefined) return parsed;
  if (config.graphql !== undefined && config.graphql.documents.length > 0) {
    const documents = readGraphqlDocuments(dir, config.graphql.documents, files, (index) =>
      locateEntry?.(['graphql', 'documents', index]),
    );
    if (documents.errors.length > 0) return { errors: documents.errors };
    config = { ...config, graphql: { ...config.graphql, operations: documents.operations } };
  }
  if (config.openapi === undefined) return { config, errors: parsed.errors };
  // The documents' routes come after the file's own: a route written in .clearance.yaml wins.
  const described = readOpenApiRoutes(dir, config.openapi, files, (index) =>
    locateEntry?.(['openapi', index]),
  );
  if (described.errors.length > 0) return { errors: described.errors };
  return {
    config: {
      ...config,
      routes: [...config.routes, ...described.routes],
      baseUrls: [...config.baseUrls, ...described.baseUrls],
      clients: [...config.clients, ...described.operations],
    },
    errors: [],
  };
}

interface RawConfig {
  bundles?: string[];
  baseUrls?: string[];
  actions?: Record<string, string>;
  routes?: Record<string, { action?: string; resource?: RawResource }>;
  clients?: Record<string, { action: string; resource?: RawResource }>;
  lint?: LintConfig;
  services?: Record<string, string | string[]>;
  exclude?: string[];
  openapi?: Array<string | { document: string; client?: string | string[] }>;
  graphql?: {
    documents?: string[];
    operations?: Record<string, { action?: string; resource?: RawResource }>;
  };
}

type RawResource = string | { type: string; id?: string | number };

function buildConfig(
  raw: RawConfig,
  locateKey: (path: string[]) => Location,
  errors: ClearanceError[],
): { config?: ProjectConfig; errors: ClearanceError[] } {
  let at: string[] = [];
  const fail = (message: string) =>
    errors.push({ code: 'config_error', message: `${CLEARANCE_YAML}: ${message}`, location: locateKey(at) });
  const readResource = (value: RawResource | undefined, where: string): CallResource | undefined => {
    if (value === undefined) return undefined;
    const parsed = parseResource(
      typeof value === 'string' ? value : value.id === undefined ? value.type : `${value.type}:${value.id}`,
    );
    if (typeof parsed === 'string') {
      fail(`${where}: ${parsed}`);
      return undefined;
    }
    return parsed;
  };
  const routes: RouteTemplate[] = Object.entries(raw.routes ?? {}).map(([pattern, target]) => {
    at = ['routes', pattern];
    const space = pattern.indexOf(' ');
    const method = space < 0 ? undefined : pattern.slice(0, space).toUpperCase();
    const path = space < 0 ? pattern : pattern.slice(space).trim();
    const segments = parseRouteSegments(path);
    const resource = readResource(target.resource, `routes "${pattern}"`);
    return {
      pattern,
      ...(method === undefined ? {} : { method }),
      segments,
      ...(target.action === undefined ? {} : { action: target.action }),
      ...(resource === undefined ? {} : { resource }),
    };
  });
  const clients: ClientMapping[] = Object.entries(raw.clients ?? {}).map(([pattern, target]) => {
    at = ['clients', pattern];
    const open = pattern.indexOf('(');
    const params = pattern
      .slice(open + 1, -1)
      .split(',')
      .map((param) => param.trim().replace(/^\$/, ''))
      .filter((param) => param.length > 0);
    const resource = readResource(target.resource, `clients "${pattern}"`);
    const id = resource?.id;
    if (id?.known === false && id.source.startsWith('$') && !params.includes(id.source.slice(1))) {
      fail(`clients "${pattern}": the resource id ${id.source} is not one of its parameters`);
    }
    return {
      callee: pattern.slice(0, open),
      params,
      action: target.action,
      pattern,
      ...(resource === undefined ? {} : { resource }),
    };
  });
  const services: ServiceAddress[] = Object.entries(raw.services ?? {}).flatMap(([name, written]) => {
    at = ['services', name];
    return (Array.isArray(written) ? written : [written]).flatMap((address) => {
      const parsed = parseServiceAddress(name, address);
      if (parsed === undefined) fail(`services "${name}": "${address}" is not a host or base URL`);
      return parsed === undefined ? [] : [parsed];
    });
  });
  const graphqlMappings: GraphqlMapping[] = Object.entries(raw.graphql?.operations ?? {}).map(
    ([pattern, target]) => {
      at = ['graphql', 'operations', pattern];
      const resource = readResource(target.resource, `graphql operations "${pattern}"`);
      return {
        pattern,
        ...parseGraphqlKey(pattern),
        ...(target.action === undefined ? {} : { action: target.action }),
        ...(resource === undefined ? {} : { resource }),
      };
    },
  );
  if (errors.length > 0) return { errors };
  const actions = new Map(
    Object.entries(raw.actions ?? {}).map(([method, action]) => [method.toUpperCase(), action]),
  );
  const config: ProjectConfig = { baseUrls: raw.baseUrls ?? [], actions, routes, clients };
  if (raw.lint) config.lint = raw.lint;
  if (raw.bundles) config.bundles = raw.bundles;
  if (services.length > 0) config.services = services;
  if (raw.exclude) config.exclude = raw.exclude;
  if (raw.graphql)
    config.graphql = { documents: raw.graphql.documents ?? [], operations: [], mappings: graphqlMappings };
  if (raw.openapi)
    config.openapi = raw.openapi.map((entry) =>
      typeof entry === 'string'
        ? { document: entry }
        : {
            document: entry.document,
            ...(entry.client === undefined
              ? {}
              : { clients: Array.isArray(entry.client) ? entry.client : [entry.client] }),
          },
    );
  return { config, errors };
}

/** Splits a route template's path into literal segments and `{name}` parameters. */
export function parseRouteSegments(path: string): RouteSegment[] {
  return path
    .split('/')
    .filter((segment) => segment.length > 0)
    .map((segment): RouteSegment => {
      const param = /^\{(\w+)\}$/.exec(segment);
      return param?.[1] !== undefined
        ? { kind: 'param', name: param[1] }
        : { kind: 'literal', text: segment };
    });
}

/** What each map's keys must look like, for messages about a key. */
const KEY_SHAPES: Readonly<Record<string, string>> = {
  routes: 'is not a route template: write "DELETE /api/orders/{id}" or "/api/orders/{id}"',
  clients: 'is not a client function pattern: write "ordersClient.remove($id)"',
  actions: 'is not an HTTP method: GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS',
  operations:
    'is not a GraphQL operation: write its name, "OrderQuery", or its type and root field, "mutation cancelOrder"',
};

// A bad key is reported twice (its own failure and `propertyNames`), and a value that fits no branch
// of a `oneOf` (a resource) once per branch: one error each says more.
function selectErrors(errors: ErrorObject[]): ErrorObject[] {
  const alternatives = errors.filter((error) => error.keyword === 'oneOf').map((error) => error.instancePath);
  const under = (error: ErrorObject, path: string) =>
    error.instancePath === path || error.instancePath.startsWith(`${path}/`);
  return errors.filter((error) => {
    if (error.keyword === 'propertyNames' || error.keyword === 'if') return false;
    if (error.keyword === 'oneOf') return true;
    return !alternatives.some((path) => under(error, path));
  });
}

function describeError(error: ErrorObject): string {
  const path = readPath(error);
  const where = path.length === 0 ? 'the file' : path.join(' > ');
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') {
    return `${where}: unknown key "${String(params.additionalProperty)}"${suggestKey(error)}`;
  }
  if (error.keyword === 'oneOf' && path[path.length - 1] === 'resource') {
    return `${where}: must be "type", "type:id", "type:{param}" (or "type:$arg" for a client), or { type, id }`;
  }
  if (error.propertyName !== undefined) {
    const shape = KEY_SHAPES[path[path.length - 1] ?? ''] ?? error.message ?? 'is not allowed here';
    return `${where}: "${error.propertyName}" ${shape}`;
  }
  return `${where}: ${error.message ?? 'is not valid'}`;
}

// What to write instead of an unknown key: the known key it is a typo of, else the keys allowed there.
function suggestKey(error: ErrorObject): string {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  const known = Object.keys(properties ?? {});
  if (known.length === 0) return '';
  const near = closestSpelling(String((error.params as Record<string, unknown>).additionalProperty), known);
  return near === undefined ? ` (the keys here are ${known.join(', ')})` : ` (did you mean "${near}"?)`;
}

// Points at the key an error is about when it names one, else at the value at the error's path.
function findRange(document: Document, error: ErrorObject): [number, number] {
  const path = readPath(error);
  const params = error.params as Record<string, unknown>;
  const keyName = params.additionalProperty ?? error.propertyName;
  if (typeof keyName === 'string') {
    const range = findKeyRange(document, [...path, keyName]);
    if (range[1] > 0) return range;
  }
  const node = path.length === 0 ? document.contents : document.getIn(path, true);
  if (isNode(node) && node.range) return [node.range[0], node.range[1]];
  return [0, 0];
}

function readPath(error: ErrorObject): string[] {
  return error.instancePath === '' ? [] : error.instancePath.slice(1).split('/').map(unescapePointer);
}

// The key of the entry at `path` (`['clients', 'a.b($x)']`), or the file's start.
function findKeyRange(document: Document, path: string[]): [number, number] {
  const parent = path.length <= 1 ? document.contents : document.getIn(path.slice(0, -1), true);
  const key = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find(
      (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key,
    );
    if (pair !== undefined && isNode(pair.key) && pair.key.range)
      return [pair.key.range[0], pair.key.range[1]];
  }
  return [0, 0];
}

function unescapePointer(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}
