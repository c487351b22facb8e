/**
 * GraphQL builtins: graphql.parse, parse_and_verify, parse_query, parse_schema, is_valid,
 * schema_is_valid. Parsing and validation are graphql-js's; the results are rebuilt in the AST
 * shape OPA returns (the JSON of Go's gqlparser structs, with nulls, empty lists and empty objects
 * pruned), and errors are worded as gqlparser words them (`Expected Name, found } in GraphQL string
 * at location 1:9`), since policies and tests match on both.
 */
import {
  type ASTNode,
  buildASTSchema,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  GraphQLError,
  GraphQLSchema,
  Kind,
  Lexer,
  type ListTypeNode,
  type NamedTypeNode,
  type NonNullTypeNode,
  parse,
  type SelectionNode,
  Source,
  TokenKind,
  type TypeNode,
  type ValueNode,
  validate,
  validateSchema,
} from 'graphql';
import { num, RegoObject, type Value } from '../value';
import { printQueryDocument, printSchemaDocument } from './graphql-print';
import { type BuiltinDef, builtinError, defineBuiltin, operandTypeError, param } from './registry';

/** A JSON-like tree before it becomes a Rego value: gqlparser's field names and values. */
type GoJson = string | number | boolean | null | undefined | GoJson[] | { [key: string]: GoJson };

/** gqlparser's `ValueKind` numbers. */
const VALUE_KIND: Partial<Record<Kind, number>> = {
  [Kind.VARIABLE]: 0,
  [Kind.INT]: 1,
  [Kind.FLOAT]: 2,
  [Kind.STRING]: 3,
  [Kind.BOOLEAN]: 5,
  [Kind.NULL]: 6,
  [Kind.ENUM]: 7,
  [Kind.LIST]: 8,
  [Kind.OBJECT]: 9,
};

/** gqlparser's `DefinitionKind` for each type definition or extension node kind. */
const DEFINITION_KIND: Partial<Record<Kind, string>> = {
  [Kind.SCALAR_TYPE_DEFINITION]: 'SCALAR',
  [Kind.SCALAR_TYPE_EXTENSION]: 'SCALAR',
  [Kind.OBJECT_TYPE_DEFINITION]: 'OBJECT',
  [Kind.OBJECT_TYPE_EXTENSION]: 'OBJECT',
  [Kind.INTERFACE_TYPE_DEFINITION]: 'INTERFACE',
  [Kind.INTERFACE_TYPE_EXTENSION]: 'INTERFACE',
  [Kind.UNION_TYPE_DEFINITION]: 'UNION',
  [Kind.UNION_TYPE_EXTENSION]: 'UNION',
  [Kind.ENUM_TYPE_DEFINITION]: 'ENUM',
  [Kind.ENUM_TYPE_EXTENSION]: 'ENUM',
  [Kind.INPUT_OBJECT_TYPE_DEFINITION]: 'INPUT_OBJECT',
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: 'INPUT_OBJECT',
};

/** The definition kind an extension of an undefined type becomes (gqlparser creates the type). */
const EXTENSION_AS_DEFINITION: Partial<Record<Kind, Kind>> = {
  [Kind.SCALAR_TYPE_EXTENSION]: Kind.SCALAR_TYPE_DEFINITION,
  [Kind.OBJECT_TYPE_EXTENSION]: Kind.OBJECT_TYPE_DEFINITION,
  [Kind.INTERFACE_TYPE_EXTENSION]: Kind.INTERFACE_TYPE_DEFINITION,
  [Kind.UNION_TYPE_EXTENSION]: Kind.UNION_TYPE_DEFINITION,
  [Kind.ENUM_TYPE_EXTENSION]: Kind.ENUM_TYPE_DEFINITION,
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: Kind.INPUT_OBJECT_TYPE_DEFINITION,
};

/** Definitions that belong in a query document (the rest belong in a schema). */
const EXECUTABLE_KINDS = new Set<Kind>([Kind.OPERATION_DEFINITION, Kind.FRAGMENT_DEFINITION]);

/** The punctuators graphql-js quotes in messages and gqlparser does not. */
const PUNCTUATOR_QUOTED = /"(\.\.\.|[!$&():=@[\]{}|])"/g;

/** An error in a GraphQL string, worded as gqlparser words it. */
class GraphQLSourceError extends Error {}

/** Rewords a graphql-js error as gqlparser does, with its location. */
function gqlparserMessage(e: GraphQLError): string {
  let message = e.message.replace(/^Syntax Error: /, '').replace(PUNCTUATOR_QUOTED, '$1');
  message = message.replace(/\.$/, '');
  // graphql-js reads `{}` as a field list missing its first name; gqlparser says the list is empty.
  const emptyList = /^Expected Name, found ([})\]])$/.exec(message);
  const source = e.source?.body;
  const at = e.positions?.[0];
  if (emptyList && source !== undefined && at !== undefined) {
    const before = source.slice(0, at).trimEnd();
    if (before.endsWith('{')) message = `expected at least one definition, found ${emptyList[1]}`;
  }
  if (/^(Unexpected character|Unterminated string|Invalid (character|number))/.test(message))
    message = 'Unexpected <Invalid>';
  if (message.startsWith('Unexpected variable "$')) message = 'Unexpected $';
  const description = /^Unexpected description/.test(message) && source !== undefined && at !== undefined;
  if (description) message = `Unexpected String ${JSON.stringify(stringTokenAt(source, at))}`;
  const loc = e.locations?.[0];
  if (!loc) return message;
  // gqlparser places a string token after its opening quote.
  const column = /^Unexpected String /.test(message) ? loc.column + 1 : loc.column;
  return `${message} in GraphQL string at location ${loc.line}:${column}`;
}

/** The value of the string token that starts at `at`. */
function stringTokenAt(source: string, at: number): string {
  const lexer = new Lexer(new Source(source.slice(at)));
  const token = lexer.advance();
  return token.value ?? '';
}

/** Parses a GraphQL document, raising gqlparser-worded errors; blank text is an empty document. */
function parseDocument(text: string): DocumentNode {
  try {
    if (new Lexer(new Source(text)).advance().kind === TokenKind.EOF)
      return { kind: Kind.DOCUMENT, definitions: [] };
    return parse(text, { allowLegacyFragmentVariables: true });
  } catch (e) {
    if (e instanceof GraphQLError) throw new GraphQLSourceError(gqlparserMessage(e));
    throw e;
  }
}

/** The position of a node as gqlparser reports it. */
function locationOf(node: ASTNode): string {
  const loc = node.loc;
  return loc ? `${loc.startToken.line}:${loc.startToken.column}` : '1:1';
}

/** Rejects definitions that do not belong in the document kind, as gqlparser's parsers do. */
function requireKinds(doc: DocumentNode, executable: boolean): void {
  for (const d of doc.definitions) {
    if (EXECUTABLE_KINDS.has(d.kind) === executable) continue;
    const first = d.loc?.startToken;
    const token = first?.kind === 'Name' ? `Name "${first.value}"` : (first?.kind ?? '<EOF>');
    throw new GraphQLSourceError(`Unexpected ${token} in GraphQL string at location ${locationOf(d)}`);
  }
}

/** Parses a query document (operations and fragments only). */
function parseQueryDocument(text: string): DocumentNode {
  const doc = parseDocument(text);
  requireKinds(doc, true);
  return doc;
}

/** Parses a schema document (type system definitions only). */
function parseSchemaDocument(text: string): DocumentNode {
  const doc = parseDocument(text);
  requireKinds(doc, false);
  return doc;
}

/** Builds a validated schema; extensions of undefined types define them, as in gqlparser. */
function loadSchema(doc: DocumentNode): GraphQLSchema {
  const defined = new Set<string>();
  for (const d of doc.definitions)
    if ('name' in d && d.name && !(d.kind in EXTENSION_AS_DEFINITION)) defined.add(d.name.value);
  const definitions = doc.definitions.map((d): DefinitionNode => {
    const asDefinition = EXTENSION_AS_DEFINITION[d.kind];
    if (asDefinition === undefined || !('name' in d) || !d.name || defined.has(d.name.value)) return d;
    defined.add(d.name.value);
    return { ...d, kind: asDefinition } as DefinitionNode;
  });
  let schema: GraphQLSchema;
  try {
    schema = buildASTSchema({ ...doc, definitions });
  } catch (e) {
    if (e instanceof GraphQLError) throw new GraphQLSourceError(gqlparserMessage(e));
    throw new GraphQLSourceError(e instanceof Error ? e.message : String(e));
  }
  // gqlparser does not require a Query type; graphql-js does.
  const problems = validateSchema(schema).filter(
    (p) => !p.message.startsWith('Query root type must be provided'),
  );
  if (problems.length > 0) throw new GraphQLSourceError(gqlparserMessage(problems[0] as GraphQLError));
  return new GraphQLSchema({ ...schema.toConfig(), assumeValid: true });
}

/** Validates a query against a schema, raising the first problem. */
function verifyQuery(schema: GraphQLSchema, query: DocumentNode): void {
  const problems = validate(schema, query);
  if (problems.length > 0) throw new GraphQLSourceError(gqlparserMessage(problems[0] as GraphQLError));
}

/** gqlparser's `Type`. */
function typeJson(t: TypeNode, nonNull = false): GoJson {
  if (t.kind === Kind.NON_NULL_TYPE) return typeJson((t as NonNullTypeNode).type, true);
  if (t.kind === Kind.LIST_TYPE)
    return { NamedType: '', Elem: typeJson((t as ListTypeNode).type), NonNull: nonNull };
  return { NamedType: (t as NamedTypeNode).name.value, NonNull: nonNull };
}

/** gqlparser's `Value` (unvalidated: no definitions attached). */
function valueJson(v: ValueNode | undefined): GoJson {
  if (v === undefined) return null;
  const base = { ExpectedTypeHasDefault: false };
  switch (v.kind) {
    case Kind.LIST:
      return {
        ...base,
        Kind: 8,
        Raw: '',
        Children: v.values.map((x) => ({ Name: '', Value: valueJson(x) })),
      };
    case Kind.OBJECT:
      return {
        ...base,
        Kind: 9,
        Raw: '',
        Children: v.fields.map((f) => ({ Name: f.name.value, Value: valueJson(f.value) })),
      };
    case Kind.VARIABLE:
      return { ...base, Kind: 0, Raw: v.name.value };
    case Kind.NULL:
      return { ...base, Kind: 6, Raw: 'null' };
    case Kind.BOOLEAN:
      return { ...base, Kind: 5, Raw: v.value ? 'true' : 'false' };
    case Kind.STRING:
      return { ...base, Kind: v.block ? 4 : 3, Raw: v.value };
    default:
      return { ...base, Kind: VALUE_KIND[v.kind] ?? 0, Raw: v.value };
  }
}

/** gqlparser's `DirectiveList`. */
function directivesJson(ds: readonly DirectiveNode[] | undefined): GoJson {
  return (ds ?? []).map((d) => ({ Name: d.name.value, Arguments: argumentsJson(d.arguments), Location: '' }));
}

/** gqlparser's `ArgumentList`. */
function argumentsJson(args: readonly { name: { value: string }; value: ValueNode }[] | undefined): GoJson {
  return (args ?? []).map((a) => ({ Name: a.name.value, Value: valueJson(a.value) }));
}

/** gqlparser's `SelectionSet`. */
function selectionsJson(set: { selections: readonly SelectionNode[] } | undefined): GoJson {
  return (set?.selections ?? []).map((s): GoJson => {
    if (s.kind === Kind.FIELD) {
      return {
        Alias: (s.alias ?? s.name).value,
        Name: s.name.value,
        Arguments: argumentsJson(s.arguments),
        Directives: directivesJson(s.directives),
        SelectionSet: selectionsJson(s.selectionSet),
      };
    }
    if (s.kind === Kind.FRAGMENT_SPREAD)
      return { Name: s.name.value, Directives: directivesJson(s.directives) };
    return {
      TypeCondition: s.typeCondition?.name.value ?? '',
      Directives: directivesJson(s.directives),
      SelectionSet: selectionsJson(s.selectionSet),
    };
  });
}

/** gqlparser's `VariableDefinitionList`. */
function variablesJson(
  vars:
    | readonly {
        variable: { name: { value: string } };
        type: TypeNode;
        defaultValue?: ValueNode;
        directives?: readonly DirectiveNode[];
      }[]
    | undefined,
): GoJson {
  return (vars ?? []).map((v) => ({
    Variable: v.variable.name.value,
    Type: typeJson(v.type),
    DefaultValue: valueJson(v.defaultValue),
    Directives: directivesJson(v.directives),
    Used: false,
  }));
}

/** gqlparser's `QueryDocument`. */
function queryDocumentJson(doc: DocumentNode): GoJson {
  const operations: GoJson[] = [];
  const fragments: GoJson[] = [];
  for (const d of doc.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION) {
      operations.push({
        Operation: d.operation,
        Name: d.name?.value ?? '',
        VariableDefinitions: variablesJson(d.variableDefinitions),
        Directives: directivesJson(d.directives),
        SelectionSet: selectionsJson(d.selectionSet),
      });
    } else if (d.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.push({
        Name: d.name.value,
        VariableDefinition: variablesJson(d.variableDefinitions),
        TypeCondition: d.typeCondition.name.value,
        Directives: directivesJson(d.directives),
        SelectionSet: selectionsJson(d.selectionSet),
      });
    }
  }
  return { Operations: operations, Fragments: fragments };
}

/** A field or argument definition with the parts gqlparser keeps. */
interface InputLike {
  description?: { value: string };
  name: { value: string };
  type: TypeNode;
  defaultValue?: ValueNode;
  directives?: readonly DirectiveNode[];
  arguments?: readonly InputLike[];
}

/** gqlparser's `ArgumentDefinitionList` / `FieldList` entries. */
function fieldJson(f: InputLike): GoJson {
  return {
    Description: f.description?.value ?? '',
    Name: f.name.value,
    Arguments: (f.arguments ?? []).map(fieldJson),
    DefaultValue: valueJson(f.defaultValue),
    Type: typeJson(f.type),
    Directives: directivesJson(f.directives),
  };
}

/** gqlparser's `Definition` for a type definition or extension node. */
function definitionJson(d: DefinitionNode): GoJson {
  const n = d as unknown as {
    description?: { value: string };
    name: { value: string };
    directives?: readonly DirectiveNode[];
    interfaces?: readonly NamedTypeNode[];
    types?: readonly NamedTypeNode[];
    fields?: readonly InputLike[];
    values?: readonly {
      description?: { value: string };
      name: { value: string };
      directives?: readonly DirectiveNode[];
    }[];
  };
  return {
    Kind: DEFINITION_KIND[d.kind] ?? '',
    Description: n.description?.value ?? '',
    Name: n.name.value,
    Directives: directivesJson(n.directives),
    Interfaces: (n.interfaces ?? []).map((i) => i.name.value),
    Types: (n.types ?? []).map((t) => t.name.value),
    Fields: (n.fields ?? []).map(fieldJson),
    EnumValues: (n.values ?? []).map((v) => ({
      Description: v.description?.value ?? '',
      Name: v.name.value,
      Directives: directivesJson(v.directives),
    })),
    BuiltIn: false,
  };
}

/** gqlparser's `SchemaDocument`. */
function schemaDocumentJson(doc: DocumentNode): GoJson {
  const out: Record<string, GoJson[]> = {
    Schema: [],
    SchemaExtension: [],
    Directives: [],
    Definitions: [],
    Extensions: [],
  };
  for (const d of doc.definitions) {
    if (d.kind === Kind.SCHEMA_DEFINITION || d.kind === Kind.SCHEMA_EXTENSION) {
      const target = d.kind === Kind.SCHEMA_DEFINITION ? out.Schema : out.SchemaExtension;
      target?.push({
        Description: d.kind === Kind.SCHEMA_DEFINITION ? (d.description?.value ?? '') : '',
        Directives: directivesJson(d.directives),
        OperationTypes: (d.operationTypes ?? []).map((o) => ({
          Operation: o.operation,
          Type: o.type.name.value,
        })),
      });
    } else if (d.kind === Kind.DIRECTIVE_DEFINITION) {
      out.Directives?.push({
        Description: d.description?.value ?? '',
        Name: d.name.value,
        Arguments: d.arguments?.map((a) => fieldJson(a)) ?? [],
        Locations: d.locations.map((l) => l.value),
        IsRepeatable: d.repeatable,
      });
    } else if (d.kind in DEFINITION_KIND) {
      const extension = d.kind in EXTENSION_AS_DEFINITION;
      (extension ? out.Extensions : out.Definitions)?.push(definitionJson(d));
    }
  }
  return out;
}

/** Converts to a Rego value, pruning nulls, empty lists and empty objects as OPA does. */
function prunedValue(x: GoJson): Value | undefined {
  if (x === null || x === undefined) return undefined;
  if (typeof x === 'number') return num(x);
  if (typeof x === 'string' || typeof x === 'boolean') return x;
  if (Array.isArray(x)) {
    const items = x.map(prunedValue).filter((v): v is Value => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  const o = new RegoObject();
  for (const [k, v] of Object.entries(x)) {
    const pv = prunedValue(v);
    if (pv !== undefined) o.set(k, pv);
  }
  return o.size > 0 ? o : undefined;
}

/** A document as OPA returns it (an empty document is an empty object). */
function astValue(x: GoJson): Value {
  return prunedValue(x) ?? new RegoObject();
}

/** Reads a query or schema operand: GraphQL text, or an AST object as parse_query/parse_schema return. */
function textArg(args: Value[], i: number, kind: 'query' | 'schema'): string {
  const v = args[i] as Value;
  if (typeof v === 'string') return v;
  if (v instanceof RegoObject) return kind === 'query' ? printQueryDocument(v) : printSchemaDocument(v);
  return operandTypeError(i + 1, v, 'object', 'string');
}

/** Runs `f`, turning GraphQL source errors into `eval_builtin_error`s (the evaluator prefixes the builtin's name). */
function withGraphQLErrors<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof GraphQLSourceError) builtinError(e.message);
    throw e;
  }
}

/** True when `f` runs without a GraphQL source error. */
function succeeds(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof GraphQLSourceError) return false;
    throw e;
  }
}

/** The GraphQL builtins. */
export const graphqlBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'graphql.parse_query',
    signature: {
      args: [param('query', 'any<string, object[any: any]>')],
      result: param('output', 'object[any: any]'),
    },
    description: 'Returns AST objects for a given GraphQL query.',
    implementation: (args) =>
      withGraphQLErrors(() => astValue(queryDocumentJson(parseQueryDocument(textArg(args, 0, 'query'))))),
  }),
  defineBuiltin({
    name: 'graphql.parse_schema',
    signature: {
      args: [param('schema', 'any<string, object[any: any]>')],
      result: param('output', 'object[any: any]'),
    },
    description: 'Returns an AST object for a GraphQL schema.',
    implementation: (args) =>
      withGraphQLErrors(() => astValue(schemaDocumentJson(parseSchemaDocument(textArg(args, 0, 'schema'))))),
  }),
  defineBuiltin({
    name: 'graphql.parse',
    signature: {
      args: [
        param('query', 'any<string, object[any: any]>'),
        param('schema', 'any<string, object[any: any]>'),
      ],
      result: param('output', 'array[object[any: any]]'),
    },
    description:
      'Returns AST objects for a given GraphQL query and schema after validating the query against the schema. Returns undefined if errors were encountered during parsing or validation.',
    implementation: (args) =>
      withGraphQLErrors(() => {
        const query = parseQueryDocument(textArg(args, 0, 'query'));
        const schemaDoc = parseSchemaDocument(textArg(args, 1, 'schema'));
        verifyQuery(loadSchema(schemaDoc), query);
        return [astValue(queryDocumentJson(query)), astValue(schemaDocumentJson(schemaDoc))];
      }),
  }),
  defineBuiltin({
    name: 'graphql.parse_and_verify',
    signature: {
      args: [
        param('query', 'any<string, object[any: any]>'),
        param('schema', 'any<string, object[any: any]>'),
      ],
      result: param('output', 'array[any]'),
    },
    description:
      'Returns a boolean indicating success or failure alongside the parsed ASTs for a given GraphQL query and schema after validating the query against the schema.',
    implementation: (args) => {
      const queryText = textArg(args, 0, 'query');
      const schemaText = textArg(args, 1, 'schema');
      try {
        const query = parseQueryDocument(queryText);
        const schemaDoc = parseSchemaDocument(schemaText);
        verifyQuery(loadSchema(schemaDoc), query);
        return [true, astValue(queryDocumentJson(query)), astValue(schemaDocumentJson(schemaDoc))];
      } catch (e) {
        if (e instanceof GraphQLSourceError) return [false, new RegoObject(), new RegoObject()];
        throw e;
      }
    },
  }),
  defineBuiltin({
    name: 'graphql.is_valid',
    signature: {
      args: [
        param('query', 'any<string, object[any: any]>'),
        param('schema', 'any<string, object[any: any]>'),
      ],
      result: param('output', 'boolean'),
    },
    description: 'Checks that a GraphQL query is valid against a given schema.',
    implementation: (args) => {
      const queryText = textArg(args, 0, 'query');
      const schemaText = textArg(args, 1, 'schema');
      return succeeds(() =>
        verifyQuery(loadSchema(parseSchemaDocument(schemaText)), parseQueryDocument(queryText)),
      );
    },
  }),
  defineBuiltin({
    name: 'graphql.schema_is_valid',
    signature: {
      args: [param('schema', 'any<string, object[any: any]>')],
      result: param('output', 'boolean'),
    },
    description: 'Checks that the input is a valid GraphQL schema.',
    implementation: (args) => {
      const text = textArg(args, 0, 'schema');
      return succeeds(() => loadSchema(parseSchemaDocument(text)));
    },
  }),
];
