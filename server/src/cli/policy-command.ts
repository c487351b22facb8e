/** `clearance policy eval` and `clearance policy check`: the engine on its own, shaped like `opa`. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { parse as parseYaml } from 'yaml';
import { redactTokensFrom } from '../identity/display';
import { createEmptyPolicy, loadPolicy, resolveGivenPath } from '../policy/load';
import {
  type Capabilities,
  checkInputSchemas,
  evaluateQuery,
  type JsonValue,
  prepareQuery,
  stringifyJson,
} from '../rego';
import { type EngineFlags, selectLimits, selectRegoVersion } from './engine-flags';
import { EXIT_USAGE } from './exit-codes';
import { errorAsJson, formatCliError, missingPaths, noSuchPath } from './given-paths';
import { looksLikeRegoV0, regoV0Hint } from './hints';
import type { Output } from './scan-command';
import { selectCapabilities } from './test-report';

/** `clearance policy eval`'s time limit when `--timeout` is not given. */
export const defaultEvalTimeoutMs = 10_000;

/** The options of `clearance policy eval`. */
export interface EvalFlags extends EngineFlags {
  data?: string[];
  input?: string;
  format: string;
  /** A JSON Schema file for `input`, or a folder of schemas, to type-check the policy with first. */
  schema?: string;
}

/** Prints the result of `query` like `opa eval` does; exit 0 on success (even undefined), 1 on errors, 2 on an unreadable schema. */
export function runPolicyEval(query: string, flags: EvalFlags, output: Output): number {
  if (!['json', 'pretty'].includes(flags.format)) {
    output.err(`clearance policy eval: unknown format "${flags.format}" (use json or pretty)\n`);
    return EXIT_USAGE;
  }
  const paths = (flags.data ?? []).map(resolveGivenPath);
  // Like `opa eval`, nothing is loaded without -d: the query sees only its input.
  const loaded =
    paths.length > 0
      ? loadPolicy(process.cwd(), paths, new Map(), {
          allDataFiles: true,
          regoVersion: selectRegoVersion(flags),
        })
      : createEmptyPolicy();
  let input: JsonValue | undefined;
  if (flags.input) {
    try {
      const text = readFileSync(flags.input, 'utf8');
      input = (flags.input.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as JsonValue;
    } catch (error) {
      return printErrors(
        [{ code: 'input_error', message: `cannot read input ${flags.input}: ${(error as Error).message}` }],
        flags,
        output,
        [query, flags.input],
      );
    }
  }
  // A token pasted as a path, an input or into the query must not come back in an error message.
  const sources = [query, flags.input, ...(flags.data ?? [])];
  if (loaded.errors.length > 0) {
    const code = printErrors(loaded.errors, flags, output, sources);
    if (looksLikeRegoV0(loaded.errors))
      output.err(`${regoV0Hint('clearance policy eval', 'pass --v0-compatible')}\n`);
    return code;
  }
  if (flags.schema !== undefined) {
    // `opa eval --schema` type-checks the policy against the schemas and evaluates nothing on an error.
    const schemas = readSchemas(resolveGivenPath(flags.schema));
    if ('error' in schemas) {
      output.err(`clearance policy eval: ${schemas.error}\n`);
      return 2;
    }
    const compiled = { policy: loaded.policy, errors: loaded.errors };
    const typeErrors = checkInputSchemas(loaded.policy.modules, schemas.set, schemas.global, compiled);
    if (typeErrors.length > 0) return printErrors(typeErrors, flags, output, sources);
  }
  const prepared = prepareQuery(loaded.policy, query);
  if (!prepared.query) return printErrors(prepared.errors, flags, output, sources);
  const evaluated = evaluateQuery(prepared.query, {
    ...(input !== undefined ? { input } : {}),
    data: loaded.data,
    limits: selectLimits(flags, defaultEvalTimeoutMs),
  });
  if (evaluated.errors.length > 0) return printErrors(evaluated.errors, flags, output, sources);
  const texts = prepared.query.expressions;
  const result = evaluated.results.map((r) => ({
    expressions: r.expressions.map((value, i) => ({
      value,
      text: texts[i]?.text ?? query,
      location: { row: texts[i]?.location.start.line ?? 1, col: texts[i]?.location.start.column ?? 1 },
    })),
    ...(Object.keys(r.bindings).length > 0 ? { bindings: r.bindings } : {}),
  }));
  if (flags.format === 'pretty') {
    output.out(`${formatPretty(result)}\n`);
  } else {
    output.out(`${stringifyJson((result.length > 0 ? { result } : {}) as JsonValue, 2)}\n`);
  }
  return 0;
}

/**
 * `opa eval --format pretty`'s shape: `undefined` when there is no result; the value alone for one
 * expression without variables; otherwise one line per variable binding of each result.
 */
function formatPretty(
  result: Array<{ expressions: Array<{ value: JsonValue }>; bindings?: Record<string, JsonValue> }>,
): string {
  if (result.length === 0) return 'undefined';
  const [first] = result;
  if (result.length === 1 && first && !first.bindings && first.expressions.length === 1) {
    return stringifyJson(first.expressions[0]?.value ?? null, 2);
  }
  return result
    .map((r) =>
      r.bindings
        ? Object.entries(r.bindings)
            .map(([name, value]) => `${name} = ${stringifyJson(value)}`)
            .join('\n')
        : r.expressions.map((e) => stringifyJson(e.value)).join('\n'),
    )
    .join('\n\n');
}

function printErrors(
  errors: Array<{
    code: string;
    message: string;
    location?: { file: string; start: { line: number; column: number } };
  }>,
  flags: EvalFlags,
  output: Output,
  sources: Array<string | undefined>,
): number {
  if (flags.format === 'json') {
    const shaped = errors.map(errorAsJson);
    output.out(redactTokensFrom(`${JSON.stringify({ errors: shaped }, null, 2)}\n`, sources));
  } else {
    for (const e of errors)
      output.err(redactTokensFrom(`${formatCliError(e as Parameters<typeof formatCliError>[0])}\n`, sources));
  }
  return 1;
}

/** The options of `clearance policy check`. */
export interface CheckFlags extends EngineFlags {
  /** A JSON Schema file for `input`, or a folder of schemas that `# METADATA` annotations name. */
  schema?: string;
  /** An OPA capabilities JSON file (or the capabilities read): the builtins the policy may call. */
  capabilities?: Capabilities | string;
}

/** Parses and compiles the policy files under `paths`; prints `file:line:col: code: message` per error. */
export function runPolicyCheck(paths: string[], output: Output, flags: CheckFlags = {}): number {
  const read = selectCapabilities(flags.capabilities);
  if (read.error) {
    output.err(`${formatCliError(read.error)}\n`);
    return 2;
  }
  const missing = missingPaths(paths);
  if (missing.length > 0) {
    for (const given of missing) output.err(`clearance policy check: ${noSuchPath(given)}\n`);
    return 1;
  }
  const loaded = loadPolicy(process.cwd(), paths.map(resolveGivenPath), new Map(), {
    regoVersion: selectRegoVersion(flags),
    compile: {
      strict: flags.strict === true,
      ...(read.capabilities ? { capabilities: read.capabilities } : {}),
    },
  });
  const files = loaded.regoFiles.length + loaded.dataFiles.length;
  const errors = [...loaded.errors];
  if (flags.schema !== undefined) {
    const schemas = readSchemas(resolveGivenPath(flags.schema));
    if ('error' in schemas) {
      output.err(`clearance policy check: ${schemas.error}\n`);
      return 2;
    }
    // OPA type-checks only a policy that passed the stages before CheckTypes (parsing, safety,
    // recursion, ...): with any of their errors it reports no schema type error.
    const earlier = errors.some((e) => e.code !== 'rego_type_error');
    if (!earlier) {
      const compiled = { policy: loaded.policy, errors: loaded.errors };
      errors.push(...checkInputSchemas(loaded.policy.modules, schemas.set, schemas.global, compiled));
    }
  }
  for (const e of errors) output.err(`${formatCliError(e)}\n`);
  if (errors.length > 0) {
    output.err(`${errors.length} error(s) in ${files} file(s) checked\n`);
    if (looksLikeRegoV0(errors))
      output.err(`${regoV0Hint('clearance policy check', 'pass --v0-compatible')}\n`);
    return 1;
  }
  output.out(`${files} file(s) checked, no errors\n`);
  return 0;
}

/** Largest schema file read (a schema is small; a bigger file is a mistake). */
const MAX_SCHEMA_BYTES = 8 * 1024 * 1024;

/**
 * Reads `--schema` as `opa check --schema` does: one JSON file is the input's schema for every
 * rule; a folder's `.json` files are named by their path without extension (`input`,
 * `acl-schema`, `k8s.pod`) for `# METADATA` `schemas:` to name as `schema.<name>`, and no schema
 * applies to the input unless an annotation names one (OPA's docs: a folder gives the input no
 * schema globally).
 */
function readSchemas(path: string): { set: Map<string, unknown>; global: unknown } | { error: string } {
  const set = new Map<string, unknown>();
  const read = (file: string): unknown => {
    if (statSync(file).size > MAX_SCHEMA_BYTES) throw new Error(`${file} is larger than 8 MB`);
    return JSON.parse(readFileSync(file, 'utf8'));
  };
  try {
    if (!statSync(path).isDirectory()) return { set, global: read(path) };
    const walk = (dir: string, prefix: string[], depth: number): void => {
      if (depth > 8) return;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name), [...prefix, entry.name], depth + 1);
        else if (entry.isFile() && entry.name.endsWith('.json'))
          set.set([...prefix, entry.name.slice(0, -5)].join('.'), read(join(dir, entry.name)));
      }
    };
    walk(path, [], 0);
    return { set, global: null };
  } catch (error) {
    return { error: `cannot read schema ${path}: ${(error as Error).message}` };
  }
}
