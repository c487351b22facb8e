/**
 * Prints a GraphQL AST in OPA's object shape (gqlparser's JSON, as graphql.parse_query and
 * graphql.parse_schema return it) back to GraphQL source, so the graphql.* builtins can take an
 * AST object wherever they take text, as OPA's do.
 */
import { RegoNumber } from '../value/number';
import { RegoObject, type Value } from '../value/value';

/** Reads a string field ('' when absent or not a string). */
function str(o: Value | undefined, key: string): string {
  if (!(o instanceof RegoObject)) return '';
  const v = o.get(key);
  return typeof v === 'string' ? v : '';
}

/** Reads a list field ([] when absent). */
function list(o: Value | undefined, key: string): Value[] {
  if (!(o instanceof RegoObject)) return [];
  const v = o.get(key);
  return Array.isArray(v) ? v : [];
}

/** Reads a field of any type. */
function field(o: Value | undefined, key: string): Value | undefined {
  return o instanceof RegoObject ? o.get(key) : undefined;
}

/** Prints a string as a GraphQL string literal (JSON escapes are valid GraphQL escapes). */
function quote(s: string): string {
  return JSON.stringify(s);
}

/** Prints a block string literal. */
function blockQuote(s: string): string {
  return `"""${s.replace(/"""/g, '\\"""')}"""`;
}

/** Prints a description, if any, followed by a newline. */
function description(o: Value): string {
  const d = str(o, 'Description');
  return d === '' ? '' : `${blockQuote(d)}\n`;
}

/** Prints a value (gqlparser's `Value`, its `Kind` a number). */
function printValue(v: Value | undefined): string {
  const kind = field(v, 'Kind');
  const k = kind instanceof RegoNumber ? Number(kind.toString()) : -1;
  const raw = str(v, 'Raw');
  const children = list(v, 'Children');
  switch (k) {
    case 0:
      return `$${raw}`;
    case 3:
      return quote(raw);
    case 4:
      return blockQuote(raw);
    case 8:
      return `[${children.map((c) => printValue(field(c, 'Value'))).join(', ')}]`;
    case 9:
      return `{${children.map((c) => `${str(c, 'Name')}: ${printValue(field(c, 'Value'))}`).join(', ')}}`;
    default:
      return raw;
  }
}

/** Prints a type reference. */
function printType(t: Value | undefined): string {
  const elem = field(t, 'Elem');
  const base = elem !== undefined ? `[${printType(elem)}]` : str(t, 'NamedType');
  return field(t, 'NonNull') === true ? `${base}!` : base;
}

/** Prints `(name: value, ...)` or nothing. */
function printArguments(o: Value): string {
  const args = list(o, 'Arguments');
  if (args.length === 0) return '';
  return `(${args.map((a) => `${str(a, 'Name')}: ${printValue(field(a, 'Value'))}`).join(', ')})`;
}

/** Prints ` @name(args)` for each directive. */
function printDirectives(o: Value): string {
  return list(o, 'Directives')
    .map((d) => ` @${str(d, 'Name')}${printArguments(d)}`)
    .join('');
}

/** Prints a default value (` = value`) or nothing. */
function printDefault(o: Value): string {
  const d = field(o, 'DefaultValue');
  return d === undefined ? '' : ` = ${printValue(d)}`;
}

/** Prints `($a: T = d @dir, ...)` or nothing. */
function printVariables(defs: Value[]): string {
  if (defs.length === 0) return '';
  const parts = defs.map(
    (v) => `$${str(v, 'Variable')}: ${printType(field(v, 'Type'))}${printDefault(v)}${printDirectives(v)}`,
  );
  return `(${parts.join(', ')})`;
}

/** Prints a selection set in braces (or nothing when empty). */
function printSelections(o: Value): string {
  const items = list(o, 'SelectionSet');
  if (items.length === 0) return '';
  const parts = items.map((s) => {
    if (field(s, 'TypeCondition') !== undefined) {
      const cond = str(s, 'TypeCondition');
      return `...${cond === '' ? '' : ` on ${cond}`}${printDirectives(s)} ${printSelections(s)}`;
    }
    if (field(s, 'Alias') === undefined) return `...${str(s, 'Name')}${printDirectives(s)}`;
    const alias = str(s, 'Alias');
    const name = str(s, 'Name');
    const head = alias === '' || alias === name ? name : `${alias}: ${name}`;
    return `${head}${printArguments(s)}${printDirectives(s)} ${printSelections(s)}`;
  });
  return `{\n${parts.join('\n')}\n}`;
}

/** Prints a query document object as GraphQL source. */
export function printQueryDocument(doc: Value): string {
  const ops = list(doc, 'Operations').map((op) => {
    const name = str(op, 'Name');
    const operation = str(op, 'Operation') || 'query';
    const vars = printVariables(list(op, 'VariableDefinitions'));
    return `${operation} ${name}${vars}${printDirectives(op)} ${printSelections(op)}`;
  });
  const frags = list(doc, 'Fragments').map((f) => {
    const vars = printVariables(list(f, 'VariableDefinition'));
    return `fragment ${str(f, 'Name')}${vars} on ${str(f, 'TypeCondition')}${printDirectives(f)} ${printSelections(f)}`;
  });
  return [...ops, ...frags].join('\n');
}

/** Prints a field or argument definition. */
function printFieldDefinition(f: Value): string {
  const args = list(f, 'Arguments');
  const argText = args.length === 0 ? '' : `(${args.map(printFieldDefinition).join(', ')})`;
  return `${description(f)}${str(f, 'Name')}${argText}: ${printType(field(f, 'Type'))}${printDefault(f)}${printDirectives(f)}`;
}

/** Prints `{ ... }` around lines, or nothing when there are none. */
function braces(lines: string[]): string {
  return lines.length === 0 ? '' : ` {\n${lines.join('\n')}\n}`;
}

/** Prints a type definition; `extend` prefixes extensions. */
function printDefinition(d: Value, extend: boolean): string {
  const kind = str(d, 'Kind');
  const name = str(d, 'Name');
  const prefix = `${extend ? 'extend ' : description(d)}`;
  const directives = printDirectives(d);
  const interfaces = list(d, 'Interfaces').filter((x): x is string => typeof x === 'string');
  const implementsText = interfaces.length === 0 ? '' : ` implements ${interfaces.join(' & ')}`;
  const fields = list(d, 'Fields').map(printFieldDefinition);
  switch (kind) {
    case 'SCALAR':
      return `${prefix}scalar ${name}${directives}`;
    case 'UNION': {
      const types = list(d, 'Types').filter((x): x is string => typeof x === 'string');
      return `${prefix}union ${name}${directives}${types.length === 0 ? '' : ` = ${types.join(' | ')}`}`;
    }
    case 'ENUM': {
      const values = list(d, 'EnumValues').map(
        (v) => `${description(v)}${str(v, 'Name')}${printDirectives(v)}`,
      );
      return `${prefix}enum ${name}${directives}${braces(values)}`;
    }
    case 'INPUT_OBJECT':
      return `${prefix}input ${name}${directives}${braces(fields)}`;
    case 'INTERFACE':
      return `${prefix}interface ${name}${implementsText}${directives}${braces(fields)}`;
    default:
      return `${prefix}type ${name}${implementsText}${directives}${braces(fields)}`;
  }
}

/** Prints a schema definition or extension. */
function printSchema(s: Value, extend: boolean): string {
  const ops = list(s, 'OperationTypes').map((o) => `${str(o, 'Operation')}: ${str(o, 'Type')}`);
  return `${extend ? 'extend ' : description(s)}schema${printDirectives(s)}${braces(ops)}`;
}

/** Prints a schema document object as GraphQL source. */
export function printSchemaDocument(doc: Value): string {
  const parts: string[] = [];
  for (const s of list(doc, 'Schema')) parts.push(printSchema(s, false));
  for (const s of list(doc, 'SchemaExtension')) parts.push(printSchema(s, true));
  for (const d of list(doc, 'Directives')) {
    const args = list(d, 'Arguments');
    const argText = args.length === 0 ? '' : `(${args.map(printFieldDefinition).join(', ')})`;
    const locations = list(d, 'Locations').filter((x): x is string => typeof x === 'string');
    const repeatable = field(d, 'IsRepeatable') === true ? ' repeatable' : '';
    parts.push(
      `${description(d)}directive @${str(d, 'Name')}${argText}${repeatable} on ${locations.join(' | ')}`,
    );
  }
  for (const d of list(doc, 'Definitions')) parts.push(printDefinition(d, false));
  for (const d of list(doc, 'Extensions')) parts.push(printDefinition(d, true));
  return parts.join('\n');
}
