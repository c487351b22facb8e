/** JSON Schema documents as `--schema` reads them: local `$ref` resolution and the object test. */

/** JSON Schema as parsed JSON. */
export type Schema = Record<string, unknown>;

/** Follows local `$ref`s (`#/definitions/x`, `#/$defs/x`) to the schema they name. */
export function resolve(node: unknown, root: Schema): Schema | undefined {
  let current = node;
  for (let hops = 0; hops < 32; hops++) {
    if (!isSchema(current)) return undefined;
    const ref = current.$ref;
    if (typeof ref !== 'string') return current;
    if (!ref.startsWith('#')) return undefined;
    let target: unknown = root;
    for (const part of ref.slice(1).split('/').filter(Boolean)) {
      const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
      target = isSchema(target) ? target[key] : undefined;
    }
    current = target;
  }
  return undefined;
}

/** True for a JSON object. */
export function isSchema(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
