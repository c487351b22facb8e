/**
 * What is known about paths into `input` and `data`: the properties a JSON Schema declares at a path
 * (following local `$ref`s), and the keys example documents have there. Completion lists them and
 * hover describes them.
 */
import type { JsonValue } from '../rego/value/value';
import type { SchemaNode } from './project';

/** One key at a path, with what the schema or an example says of it. */
export interface PathKey {
  name: string;
  type?: string;
  description?: string;
  /** Where the key came from: the schema, or an example document. */
  source: 'schema' | 'example' | 'data';
}

/** How many `$ref`s are followed at most (a cyclic schema must not loop). */
const maxRefs = 32;

/** The schema node at `path` below `root`, or undefined. */
export function schemaAt(root: SchemaNode | undefined, path: readonly string[]): SchemaNode | undefined {
  let node = deref(root, root);
  for (const key of path) {
    if (!node) return undefined;
    const next: SchemaNode | undefined =
      node.properties?.[key] ??
      (/^\d+$/.test(key) ? node.items : undefined) ??
      (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
    node = deref(root, next);
  }
  return node;
}

function deref(root: SchemaNode | undefined, node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  for (let i = 0; i < maxRefs && current?.$ref; i++) {
    const match = /^#\/(definitions|\$defs)\/([^/]+)$/.exec(current.$ref);
    if (!match || !root) return undefined;
    const table = match[1] === 'definitions' ? root.definitions : root.$defs;
    current = table?.[match[2] as string];
  }
  return current;
}

/** The type of a schema node as one word (`string`, `object|null`). */
export function schemaType(node: SchemaNode | undefined): string | undefined {
  if (!node?.type) return node?.properties ? 'object' : undefined;
  return Array.isArray(node.type) ? node.type.join('|') : node.type;
}

/** The keys at `path` of a JSON value (objects' keys; arrays are looked into at any index). */
export function jsonKeysAt(value: JsonValue | undefined, path: readonly string[]): PathKey[] {
  let v: JsonValue | undefined = value;
  for (const key of path) {
    if (Array.isArray(v)) v = /^\d+$/.test(key) ? v[Number(key)] : v[0];
    else if (v && typeof v === 'object') v = (v as Record<string, JsonValue>)[key];
    else return [];
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return [];
  return Object.entries(v).map(([name, x]) => ({ name, type: jsonType(x), source: 'example' as const }));
}

function jsonType(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** The keys at `path` of `input`: the schema's properties first, then examples' other keys. */
export function inputKeysAt(
  schema: SchemaNode | undefined,
  examples: readonly JsonValue[],
  path: readonly string[],
): PathKey[] {
  const out = new Map<string, PathKey>();
  const node = schemaAt(schema, path);
  for (const [name, prop] of Object.entries(node?.properties ?? {})) {
    const resolved = deref(schema, prop) ?? prop;
    const type = schemaType(resolved);
    out.set(name, {
      name,
      source: 'schema',
      ...(type ? { type } : {}),
      ...(resolved.description ? { description: resolved.description } : {}),
    });
  }
  for (const example of examples)
    for (const key of jsonKeysAt(example, path)) if (!out.has(key.name)) out.set(key.name, key);
  return [...out.values()];
}
