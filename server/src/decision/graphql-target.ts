/**
 * What a GraphQL call means to the policy, from `.clearance.yaml` `graphql:`. A call whose
 * operation the file does not show (its document imported, or a codegen hook) is completed from the
 * `documents`' operations: by the operation's name, or by the name of the document constant
 * (`GetOrderDocument`, `GET_ORDER`, `GetOrderQuery` all name `GetOrder`; only a single match counts),
 * or, for an import of a `.graphql` file, by that file (the operation the import names, else its only one).
 * Then the first `operations` mapping naming the operation, or its type and root field, gives the
 * action and resource; without one, the action is the operation type and the resource type its root
 * field, as the recogniser reads them. An annotation on the call wins over all of this.
 */
import { dirname, resolve } from 'node:path';
import type { GraphqlConfig, GraphqlOperation } from '../config/graphql-documents';
import type { CallResource, HttpCall } from '../scanner';

/** The action and resource `graphql:` gives a GraphQL call; undefined when it says nothing about it. */
export function resolveGraphqlTarget(
  call: HttpCall,
  graphql: GraphqlConfig | undefined,
): { action?: string; resource?: CallResource } | undefined {
  const shown = call.graphql;
  if (shown === undefined || graphql === undefined || call.origin === 'annotation') return undefined;
  let { type, name, field } = shown;
  const known =
    name !== undefined
      ? graphql.operations.find((operation) => operation.name === name)
      : shown.documentFile !== undefined
        ? findInFile(
            graphql.operations,
            resolve(dirname(call.location.file), shown.documentFile),
            shown.document,
          )
        : shown.document === undefined
          ? undefined
          : findByDocumentName(graphql.operations, shown.document);
  if (known !== undefined) {
    name = known.name;
    type ??= known.type;
    field ??= known.field;
  }
  const mapping = graphql.mappings.find((candidate) =>
    candidate.name !== undefined
      ? candidate.name === name
      : candidate.type === type && candidate.field === field,
  );
  const action = mapping?.action ?? type;
  const resource = mapping?.resource ?? (field === undefined ? undefined : { type: field });
  if (action === undefined && resource === undefined) return undefined;
  return { ...(action === undefined ? {} : { action }), ...(resource === undefined ? {} : { resource }) };
}

// `GetOrderDocument`, `GET_ORDER`, `getOrderQuery` → `getorder`: the name without case, underscores
// and the suffixes codegen and hand-written constants add.
function normalise(name: string): string {
  return name
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase()
    .replace(/(?:document|query|mutation|subscription|gql)+$/, '');
}

function findByDocumentName(
  operations: readonly GraphqlOperation[],
  document: string,
): GraphqlOperation | undefined {
  const wanted = /^[A-Za-z_$][\w$]*$/.test(document) ? normalise(document) : '';
  if (wanted === '') return undefined;
  const found = operations.filter((operation) => normalise(operation.name) === wanted);
  return found.length === 1 ? found[0] : undefined;
}

// An import of a `.graphql` file: the operation its name names there, else the file's only one.
function findInFile(
  operations: readonly GraphqlOperation[],
  file: string,
  document: string | undefined,
): GraphqlOperation | undefined {
  const inFile = operations.filter((operation) => operation.file === file);
  return (
    (document === undefined ? undefined : findByDocumentName(inFile, document)) ??
    (inFile.length === 1 ? inFile[0] : undefined)
  );
}
