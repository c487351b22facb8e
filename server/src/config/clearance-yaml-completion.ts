/**
 * Completion inside `.clearance.yaml`, from its JSON schema: the keys that may come at the cursor
 * (found from the indentation of the lines above, so it works while the file does not parse) and,
 * after `GET:` in `actions`, the default action names. Editor-neutral: the language server turns
 * these into completion items.
 */
import { clearanceSchema } from './clearance-yaml';

/** One completion: a key (inserted with `: `) or a value. */
export interface YamlCompletion {
  label: string;
  kind: 'key' | 'value';
  detail?: string;
  /** The text to insert when it differs from the label. */
  insertText?: string;
}

interface SchemaNode {
  description?: string;
  properties?: Record<string, SchemaNode>;
  propertyNames?: { enum?: string[] };
  additionalProperties?: SchemaNode | boolean;
  $ref?: string;
}

const DEFAULT_ACTIONS = ['read', 'create', 'update', 'delete'];
const EXAMPLE_KEYS: Readonly<Record<string, YamlCompletion>> = {
  routes: {
    label: 'DELETE /api/orders/{id}',
    kind: 'key',
    detail: 'a route template: [METHOD ]/path/{param}',
    insertText: 'DELETE /api/orders/{id}: { action: delete, resource: "order:{id}" }',
  },
  clients: {
    label: 'ordersClient.remove($id)',
    kind: 'key',
    detail: 'one of the project’s own client functions',
    insertText: 'ordersClient.remove($id): { action: delete, resource: "order:$id" }',
  },
};

/** Lists what may be typed at `offset` in a `.clearance.yaml` text. */
export function completeClearanceYaml(text: string, offset: number): YamlCompletion[] {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const line = text.slice(lineStart, offset);
  const path = readParentKeys(text.slice(0, lineStart), indentOf(line));
  const valueMatch = /^\s*([^\s:#][^:#]*):\s*\S*$/.exec(line);
  if (valueMatch !== null) {
    const key = (valueMatch[1] ?? '').trim();
    if (path.length === 1 && path[0] === 'actions') {
      return DEFAULT_ACTIONS.map((action) => ({
        label: action,
        kind: 'value',
        detail: `${key} calls are ${action}`,
      }));
    }
    return [];
  }
  const node = findSchemaNode(path);
  if (node === undefined) return [];
  const written = new Set(readSiblingKeys(text, lineStart, indentOf(line)));
  const completions: YamlCompletion[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (written.has(key)) continue;
    completions.push({ label: key, kind: 'key', insertText: `${key}: `, ...describe(resolveRef(child)) });
  }
  for (const name of node.propertyNames?.enum ?? []) {
    if (!written.has(name)) completions.push({ label: name, kind: 'key', insertText: `${name}: ` });
  }
  const example = EXAMPLE_KEYS[path[path.length - 1] ?? ''];
  if (example !== undefined && path.length === 1) completions.push(example);
  return completions;
}

function describe(node: SchemaNode): { detail?: string } {
  return node.description === undefined ? {} : { detail: node.description };
}

// The keys of the lines above that the current line sits under, outermost first.
function readParentKeys(before: string, indent: number): string[] {
  const keys: string[] = [];
  let limit = indent;
  const lines = before.split('\n').reverse();
  for (const line of lines) {
    if (limit === 0) break;
    const match = /^(\s*)(?:-\s+)?([^\s:#][^:#]*?):(?:\s|$)/.exec(line);
    if (match === null) continue;
    const lineIndent = (match[1] ?? '').length;
    if (lineIndent < limit) {
      keys.unshift((match[2] ?? '').trim().replace(/^["']|["']$/g, ''));
      limit = lineIndent;
    }
  }
  return keys;
}

// Keys already written at the same indentation in the same block, above and below the line.
function readSiblingKeys(text: string, lineStart: number, indent: number): string[] {
  const keys: string[] = [];
  const collect = (lines: string[]) => {
    for (const line of lines) {
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
      const lineIndent = indentOf(line);
      if (lineIndent < indent) break;
      const match = /^\s*([^\s:#][^:#]*?):(?:\s|$)/.exec(line);
      if (lineIndent === indent && match !== null) keys.push((match[1] ?? '').trim());
    }
  };
  collect(text.slice(0, lineStart).split('\n').slice(0, -1).reverse());
  const next = text.indexOf('\n', lineStart);
  collect(next < 0 ? [] : text.slice(next + 1).split('\n'));
  return keys;
}

// Walks the schema along the keys: fixed properties by name, map entries through additionalProperties.
function findSchemaNode(path: readonly string[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = clearanceSchema as SchemaNode;
  for (const key of path) {
    if (node === undefined) return undefined;
    const child: SchemaNode | undefined =
      node.properties?.[key] ??
      (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
    node = child === undefined ? undefined : resolveRef(child);
  }
  return node;
}

function resolveRef(node: SchemaNode): SchemaNode {
  if (node.$ref === undefined) return node;
  const name = node.$ref.replace('#/definitions/', '');
  const definitions = (clearanceSchema as { definitions?: Record<string, SchemaNode> }).definitions;
  const target = definitions?.[name];
  // A `oneOf` resource offers the object form's keys.
  const branches = (target as { oneOf?: SchemaNode[] } | undefined)?.oneOf;
  return branches?.find((branch) => branch.properties !== undefined) ?? target ?? node;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}
