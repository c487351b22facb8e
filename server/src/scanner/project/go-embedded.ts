/**
 * Go's struct embedding as the project's class graph: `type WidgetsService struct{ service }`,
 * `type UsersService struct{ baseService }` over `type baseService struct{ *transport; prefix
 * string }`. An embedded field's methods are promoted to the struct that embeds it, so a call
 * `s.get(ctx, "widgets", &out)` in a method of `WidgetsService` may be the embedded `service`'s
 * `get`: the embedded types are the struct's bases, as a class's are (`class-graph.ts`), through
 * as many levels as are written. Only the package's own types count (`*resty.Client` embedded is a
 * library's, whose methods are not the project's wrappers).
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { sliceNode } from '../syntax';
import type { ClassFact } from './types';

/** Each struct type of a Go file with the package's own types it embeds, as its bases. */
export function readGoEmbeddings(root: Node, text: string): ClassFact[] {
  const out: ClassFact[] = [];
  for (const spec of nodesOfType(root, 'type_spec')) {
    const name = spec?.childForFieldName('name');
    const type = spec?.childForFieldName('type');
    if (name == null || type?.type !== 'struct_type') continue;
    const bases: string[] = [];
    for (const field of nodesOfType(type, 'field_declaration')) {
      // Only this struct's own fields: a nested struct type's embeddings are its own.
      if (field === null || field.parent?.parent?.id !== type.id) continue;
      if (field.childrenForFieldName('name').length > 0) continue;
      let embedded = field.childForFieldName('type');
      while (embedded?.type === 'pointer_type') embedded = embedded.namedChildren[0] ?? null;
      if (embedded?.type === 'generic_type') embedded = embedded.childForFieldName('type');
      if (embedded?.type === 'type_identifier') bases.push(sliceNode(text, embedded));
    }
    if (bases.length > 0) out.push({ name: sliceNode(text, name), bases });
  }
  return out;
}
