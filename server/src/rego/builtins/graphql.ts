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
  type DocumentNode,
  GraphQLError,
  GraphQLSchema,
  Kind,
  Lexer,
  parse,
  Source,
  TokenKind,
  validate,
  validateSchema,
} from 'graphql';
import { RegoObject, type Value } from '../value/value';
import { astValue, EXTENSION_AS_DEFINITION, queryDocumentJson, schemaDocumentJson } from './graphql-ast';
import { printQueryDocument, printSchemaDocument } from './graphql-print';
import { type BuiltinDef, builtinError, defineBuiltin, operandTypeError, param } from './registry';

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
