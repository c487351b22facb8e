/**
 * GraphQL documents (graphql-js ASTs) rebuilt in the shape OPA returns: the JSON of Go's gqlparser
 * structs (`Operations`, `SelectionSet`, `Definitions`, value `Kind` numbers ...) with nulls, empty
 * lists and empty objects pruned, as OPA prunes them.
 */
import {
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  Kind,
  type ListTypeNode,
  type NamedTypeNode,
  type NonNullTypeNode,
  type SelectionNode,
  type TypeNode,
  type ValueNode,
} from 'graphql';
import { num, RegoObject, type Value } from '../value/value';
/** A JSON-like tree before it becomes a Rego value: gqlparser's field names and values. */
export type GoJson = string | number | boolean | null | undefined | GoJson[] | { [key: string]: GoJson };

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
export const DEFINITION_KIND: Partial<Record<Kind, string>> = {
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
export const EXTENSION_AS_DEFINITION: Partial<Record<Kind, Kind>> = {
  [Kind.SCALAR_TYPE_EXTENSION]: Kind.SCALAR_TYPE_DEFINITION,
  [Kind.OBJECT_TYPE_EXTENSION]: Kind.OBJECT_TYPE_DEFINITION,
  [Kind.INTERFACE_TYPE_EXTENSION]: Kind.INTERFACE_TYPE_DEFINITION,
  [Kind.UNION_TYPE_EXTENSION]: Kind.UNION_TYPE_DEFINITION,
  [Kind.ENUM_TYPE_EXTENSION]: Kind.ENUM_TYPE_DEFINITION,
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: Kind.INPUT_OBJECT_TYPE_DEFINITION,
};

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
export function queryDocumentJson(doc: DocumentNode): GoJson {
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
export function schemaDocumentJson(doc: DocumentNode): GoJson {
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
export function astValue(x: GoJson): Value {
  return prunedValue(x) ?? new RegoObject();
}
