/**
 * JSON Schema builtins: json.verify_schema and json.match_schema, validated by Ajv (drafts 4, 6
 * and 7, picked by `$schema`; draft 7 when absent). OPA validates with gojsonschema, so results
 * are reported in its shape and words: `{desc, error, field, type}` with `invalid_type`,
 * `required` and so on, fields as `a.0.b` (`(Root)` at the top).
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';
import AjvDraft04 from 'ajv-draft-04';
import { RegoObject, stringifyJson, toJson, type Value } from '../value/value';
import { type BuiltinDef, builtinError, defineBuiltin, param } from './registry';

/** The primitive types JSON Schema knows, in gojsonschema's order. */
const PRIMITIVE_TYPES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];

/** A schema problem, worded as gojsonschema words it. */
class SchemaError extends Error {}

/**
 * The validators: draft 4 needs its own Ajv; 6 and 7 share one. Policies embed large schemas
 * (a 166 KB CycloneDX schema took 1.5 s to compile): not inlining `$ref`s and not optimising the
 * generated code compiles them 2-3 times faster, for a validation that is barely slower.
 */
const AJV_OPTIONS = {
  allErrors: true,
  strict: false,
  validateFormats: false,
  inlineRefs: false,
  code: { optimize: false },
} as const;
const ajvModern = new Ajv(AJV_OPTIONS);
ajvModern.addMetaSchema(draft06);
const ajvDraft04 = new AjvDraft04(AJV_OPTIONS);

/** Compiled schemas by their JSON text (schemas repeat across evaluations). */
const compiled = new Map<string, ValidateFunction>();
const COMPILED_LIMIT = 64;

/**
 * Reads a schema or document operand as plain JSON: JSON text, an object or an array, as OPA's
 * `astValueToJSONSchemaLoader`; anything else is its `wrong type, expected string or object`.
 */
function jsonOperand(args: Value[], i: number, what: 'schema' | 'document'): unknown {
  const v = args[i] as Value;
  if (typeof v === 'string') {
    try {
      return JSON.parse(v);
    } catch (e) {
      throw new SchemaError(`${what} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (v instanceof RegoObject || Array.isArray(v)) return JSON.parse(stringifyJson(toJson(v)));
  throw new SchemaError('wrong type, expected string or object');
}

/** The `$schema` URLs gojsonschema knows (drafts 4, 6 and 7), without their trailing `#`. */
const KNOWN_DRAFTS = [
  'http://json-schema.org/draft-04/schema',
  'http://json-schema.org/draft-06/schema',
  'http://json-schema.org/draft-07/schema',
];

/**
 * gojsonschema reads `$schema` only to pick a draft: an unknown one (2019-09, 2020-12, any URL)
 * validates in its hybrid mode, never fetched. Ajv would look the URL up and fail, so an unknown
 * `$schema` is left out and the schema validated as draft 7, Ajv's nearest to the hybrid mode.
 */
function withKnownDraft(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const meta = (schema as { $schema?: unknown }).$schema;
  if (typeof meta !== 'string' || KNOWN_DRAFTS.includes(meta.replace(/#$/, ''))) return schema;
  const { $schema: _unknown, ...rest } = schema as Record<string, unknown>;
  return rest;
}

/** Rejects `type` values that are not JSON Schema types, with gojsonschema's message. */
function checkTypes(schema: unknown): void {
  if (Array.isArray(schema)) {
    for (const s of schema) checkTypes(s);
    return;
  }
  if (schema === null || typeof schema !== 'object') return;
  for (const [k, v] of Object.entries(schema)) {
    const names = k === 'type' ? (typeof v === 'string' ? [v] : Array.isArray(v) ? v : []) : [];
    for (const n of names) {
      if (typeof n === 'string' && !PRIMITIVE_TYPES.includes(n))
        throw new SchemaError(
          `has a primitive type that is NOT VALID -- given: /${n}/ Expected valid values are:[${PRIMITIVE_TYPES.join(' ')}]`,
        );
    }
    if (k !== 'enum' && k !== 'const' && k !== 'default' && k !== 'examples') checkTypes(v);
  }
}

/** Compiles a schema (cached), raising `SchemaError` when it is not a valid schema. */
function compileSchema(given: unknown): ValidateFunction {
  // gojsonschema's parseSchemaURL: a schema is an object or a boolean.
  if (given === null || (typeof given !== 'object' && typeof given !== 'boolean') || Array.isArray(given))
    throw new SchemaError('schema is invalid');
  const schema = withKnownDraft(given);
  checkTypes(schema);
  const key = JSON.stringify(schema);
  const hit = compiled.get(key);
  if (hit) return hit;
  const meta =
    schema !== null && typeof schema === 'object' ? (schema as { $schema?: unknown }).$schema : undefined;
  const ajv = typeof meta === 'string' && meta.includes('draft-04') ? ajvDraft04 : ajvModern;
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema as object);
  } catch (e) {
    throw new SchemaError(e instanceof Error ? e.message : String(e));
  }
  if (compiled.size >= COMPILED_LIMIT) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, validate);
  return validate;
}

/** gojsonschema's name for a JSON value's type. */
function typeOfJson(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'array';
  if (typeof x === 'number') return Number.isInteger(x) ? 'integer' : 'number';
  return typeof x;
}

/** The instance at a JSON pointer. */
function valueAt(doc: unknown, pointer: string): unknown {
  let at = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined;
  }
  return at;
}

/** A JSON pointer as gojsonschema's field path: `a.0.b`, or `(Root)`. */
function fieldOf(pointer: string): string {
  if (pointer === '') return '(Root)';
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/** gojsonschema's error type and description for an Ajv error, or undefined for Ajv-only noise. */
function describe(e: ErrorObject, doc: unknown, field: string): [string, string] | undefined {
  const p = e.params as Record<string, unknown>;
  const list = (xs: unknown) => (Array.isArray(xs) ? xs : [xs]).map((x) => JSON.stringify(x)).join(', ');
  switch (e.keyword) {
    case 'type': {
      const expected = Array.isArray(p.type) ? p.type.join('/') : String(p.type);
      return [
        'invalid_type',
        `Invalid type. Expected: ${expected}, given: ${typeOfJson(valueAt(doc, e.instancePath))}`,
      ];
    }
    case 'required':
      return ['required', `${String(p.missingProperty)} is required`];
    case 'additionalProperties':
      return [
        'additional_property_not_allowed',
        `Additional property ${String(p.additionalProperty)} is not allowed`,
      ];
    case 'enum':
      return ['enum', `${field} must be one of the following: ${list(p.allowedValues)}`];
    case 'const':
      return ['const', `${field} does not match: ${list(p.allowedValue)}`];
    case 'minLength':
      return ['string_gte', `String length must be greater than or equal to ${String(p.limit)}`];
    case 'maxLength':
      return ['string_lte', `String length must be less than or equal to ${String(p.limit)}`];
    case 'pattern':
      return ['pattern', `Does not match pattern '${String(p.pattern)}'`];
    case 'format':
      return ['format', `Does not match format '${String(p.format)}'`];
    case 'minimum':
      return ['number_gte', `Must be greater than or equal to ${String(p.limit)}`];
    case 'exclusiveMinimum':
      return ['number_gt', `Must be greater than ${String(p.limit)}`];
    case 'maximum':
      return ['number_lte', `Must be less than or equal to ${String(p.limit)}`];
    case 'exclusiveMaximum':
      return ['number_lt', `Must be less than ${String(p.limit)}`];
    case 'multipleOf':
      return ['multiple_of', `Must be a multiple of ${String(p.multipleOf)}`];
    case 'minItems':
      return ['array_min_items', `Array must have at least ${String(p.limit)} items`];
    case 'maxItems':
      return ['array_max_items', `Array must have at most ${String(p.limit)} items`];
    case 'uniqueItems': {
      // gojsonschema names the earlier item first, then its duplicate.
      const [a, b] = [Number(p.i), Number(p.j)].sort((x, y) => x - y);
      return ['unique', `array items[${String(a)},${String(b)}] must be unique`];
    }
    case 'minProperties':
      return ['array_min_properties', `Must have at least ${String(p.limit)} properties`];
    case 'maxProperties':
      return ['array_max_properties', `Must have at most ${String(p.limit)} properties`];
    case 'anyOf':
      return ['number_any_of', 'Must validate at least one schema (anyOf)'];
    case 'oneOf':
      return ['number_one_of', 'Must validate one and only one schema (oneOf)'];
    case 'not':
      return ['number_not', 'Must not validate the schema (not)'];
    case 'false schema':
      return ['false', 'False always fails validation'];
    case 'contains':
      return ['contains', 'At least one of the items must match'];
    case 'dependencies':
    case 'dependentRequired':
      return ['missing_dependency', `Has a dependency on ${String(p.deps)}`];
    case 'if':
      return p.failingKeyword === 'else'
        ? ['condition_else', 'Must validate "else" as "if" was not valid']
        : ['condition_then', 'Must validate "then" as "if" was valid'];
    case 'propertyNames':
      return ['invalid_property_name', `Property "${String(p.propertyName)}" does not match`];
    default:
      return e.message === undefined ? undefined : [e.keyword, e.message];
  }
}

/**
 * How well a failed `anyOf` / `oneOf` branch matched, after gojsonschema's score: a branch that
 * fails on the type of the value itself scores lowest; otherwise fewer errors score higher.
 */
function branchScore(errors: ErrorObject[], at: string): number {
  const typeFailed = errors.some((e) => e.keyword === 'type' && e.instancePath === at);
  return (typeFailed ? -1_000_000 : 0) - errors.length;
}

/**
 * Ajv reports the errors of every failed branch of an `anyOf` / `oneOf`; gojsonschema reports the
 * combinator's own error and then only the errors of its closest branch (the best score, the
 * first on a tie), and none when several `oneOf` branches passed (validation.go, validateSchema).
 * Ajv lists a branch's errors just before the combinator's, under its `schemaPath`.
 */
function closestBranches(errors: ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') {
      out.push(e);
      continue;
    }
    const prefix = `${e.schemaPath}/`;
    // A branch error is under the combinator in the schema and at or below its value.
    const inBranch = (b: ErrorObject) =>
      b.schemaPath.startsWith(prefix) &&
      (b.instancePath === e.instancePath || b.instancePath.startsWith(`${e.instancePath}/`));
    const branches = new Map<string, ErrorObject[]>();
    while (out.length > 0 && inBranch(out[out.length - 1] as ErrorObject)) {
      const b = out.pop() as ErrorObject;
      const k = b.schemaPath.slice(prefix.length).split('/')[0] as string;
      branches.set(k, [b, ...(branches.get(k) ?? [])]);
    }
    out.push(e);
    const passing = (e.params as { passingSchemas?: unknown }).passingSchemas;
    if (Array.isArray(passing)) continue;
    let best: ErrorObject[] | undefined;
    for (const k of [...branches.keys()].sort((a, b) => Number(a) - Number(b))) {
      const errs = branches.get(k) as ErrorObject[];
      if (best === undefined || branchScore(errs, e.instancePath) > branchScore(best, e.instancePath))
        best = errs;
    }
    out.push(...(best ?? []));
  }
  return out;
}

/** Validates a document; returns gojsonschema-shaped errors (empty when it matches). */
function matchSchema(doc: unknown, schema: unknown): Value[] {
  const validate = compileSchema(schema);
  if (validate(doc)) return [];
  const out: Value[] = [];
  for (const e of closestBranches(validate.errors ?? [])) {
    const field = fieldOf(e.instancePath);
    const d = describe(e, doc, field);
    if (d === undefined) continue;
    out.push(
      RegoObject.of([
        ['error', `${field}: ${d[1]}`],
        ['type', d[0]],
        ['field', field],
        ['desc', d[1]],
      ]),
    );
  }
  return out;
}

/** The JSON Schema builtins. */
export const jsonSchemaBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'json.verify_schema',
    signature: {
      args: [param('schema', 'any<string, object>')],
      result: param('output', 'array<boolean, any<null, string>>'),
    },
    description:
      'Checks that the input is a valid JSON schema object. The schema can be either a JSON string or an JSON object.',
    implementation: (args) => {
      try {
        compileSchema(jsonOperand(args, 0, 'schema'));
        return [true, null];
      } catch (e) {
        if (e instanceof SchemaError) return [false, `jsonschema: ${e.message}`];
        throw e;
      }
    },
  }),
  defineBuiltin({
    name: 'json.match_schema',
    signature: {
      args: [param('document', 'any<string, object>'), param('schema', 'any<string, object>')],
      result: param(
        'output',
        'array<boolean, array[object[desc: string, error: string, field: string, type: string]]>',
      ),
    },
    description:
      'Checks that the document matches the JSON schema. The document and the schema can be either JSON strings or JSON objects.',
    implementation: (args) => {
      try {
        const doc = jsonOperand(args, 0, 'document');
        const errors = matchSchema(doc, jsonOperand(args, 1, 'schema'));
        return [errors.length === 0, errors];
      } catch (e) {
        if (e instanceof SchemaError) builtinError(e.message);
        throw e;
      }
    },
  }),
];
