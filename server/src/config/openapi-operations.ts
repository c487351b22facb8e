/**
 * The operations of an OpenAPI document as generated clients expose them: the method names the
 * generators give an operationId (camelCase in TypeScript and JavaScript, snake_case in Python,
 * PascalCase in Go, as openapi-generator, openapi-typescript-codegen and orval write them), the API
 * classes they group operations into (one per tag, `DefaultApi` for untagged ones), and the order of
 * the generated method's positional arguments (required parameters first, in declaration order).
 * They become client mappings that recognizers/openapi-clients.ts matches.
 */
import { isAbsolute, join } from 'node:path';
import { toCamelCase, toPascalCase, toSnakeCase } from '../scanner/operation-names';
import type { ApiOperation, ClientMapping } from '../scanner/types';

/** An `openapi:` entry: a document and, optionally, the modules its generated client lives in. */
export interface OpenApiSource {
  document: string;
  /** Package, module or `./folder` (relative to the workspace folder) the generated client is imported from. */
  clients?: string[];
}

/** Turns one operation of a document into the client mapping a generated client's calls match. */
export function describeOperation(
  source: OpenApiSource,
  dir: string,
  method: string,
  path: string,
  operation: Record<string, unknown>,
  parameters: readonly unknown[],
): ClientMapping {
  const id =
    typeof operation.operationId === 'string' && /[A-Za-z]/.test(operation.operationId)
      ? operation.operationId
      : deriveOperationId(method, path);
  const tags = Array.isArray(operation.tags)
    ? operation.tags.filter((tag): tag is string => typeof tag === 'string')
    : [];
  const groups = tags.map(toPascalCase).filter((group) => group.length > 0);
  const pathParams = [...path.matchAll(/\{([^}/]+)\}/g)].map((match) => match[1] as string);
  const positional: string[] = [];
  for (const parameter of parameters) {
    if (!isRecord(parameter) || typeof parameter.name !== 'string') continue;
    if ((parameter.required === true || parameter.in === 'path') && !positional.includes(parameter.name))
      positional.push(parameter.name);
  }
  // A path parameter the document forgot to declare is still the generated method's argument.
  for (const name of pathParams) if (!positional.includes(name)) positional.push(name);
  const described: ApiOperation = {
    id,
    method,
    path,
    names: { camel: toCamelCase(id), snake: toSnakeCase(id), pascal: toPascalCase(id) },
    groups: groups.length > 0 ? groups : ['Default'],
    pathParams,
    positional,
    document: source.document,
    modules: (source.clients ?? []).map((module) =>
      module.startsWith('./') || module.startsWith('../') || isAbsolute(module) ? join(dir, module) : module,
    ),
  };
  return {
    callee: described.names.camel,
    params: pathParams,
    pattern: `operation ${id} of ${source.document}`,
    operation: described,
  };
}

/** openapi-generator's name for an operation without operationId: path words, then the method. */
export function deriveOperationId(method: string, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter((word) => word.length > 0);
  return toCamelCase([...words, method.toLowerCase()].join('_'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
