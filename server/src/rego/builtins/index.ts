/**
 * The one list of builtins the engine knows. Every family file declares its builtins as data;
 * this file registers them, and the evaluator, hover and completion all read from here.
 */
import { aggregateBuiltins } from './aggregates';
import { arithmeticBuiltins } from './arithmetic';
import { arrayBuiltins } from './arrays';
import { bitsBuiltins } from './bits';
import { comparisonBuiltins } from './comparison';
import { cryptoBuiltins } from './crypto';
import { deprecatedBuiltins } from './deprecated';
import { encodingBuiltins } from './encoding';
import { globBuiltins } from './glob';
import { graphqlBuiltins } from './graphql';
import { graphBuiltins } from './graphs';
import { httpBuiltins } from './http-send';
import { jsonSchemaBuiltins } from './jsonschema';
import { jwtBuiltins } from './jwt';
import { miscBuiltins } from './misc';
import { netBuiltins } from './net';
import { objectBuiltins } from './objects';
import { patchBuiltins } from './patch';
import { providerBuiltins } from './providers';
import { regexBuiltins } from './regex';
import { regexGlobBuiltins } from './regex-globs';
import { type BuiltinDef, chargeResult } from './registry';
import { regoModuleBuiltins } from './rego-module';
import { setBuiltins } from './sets';
import { stringBuiltins } from './strings';
import { templateBuiltins } from './template';
import { timeBuiltins } from './time';
import { typeBuiltins } from './types';
import { unitBuiltins } from './units';
import { uriBuiltins } from './uri';
import { uuidBuiltins } from './uuid';
import { x509Builtins } from './x509';

/** Wraps a builtin so that its result is charged by size against the evaluation's limits. */
function sizeCharged(def: BuiltinDef): BuiltinDef {
  const impl = def.implementation;
  return {
    ...def,
    implementation: (args, ctx) => {
      const r = impl(args, ctx);
      if (r !== undefined && r !== null && typeof r !== 'boolean') chargeResult(ctx, r);
      return r;
    },
  };
}

/** Every builtin, in registration order, each charged by the size of what it creates. */
export const BUILTINS: readonly BuiltinDef[] = [
  ...comparisonBuiltins,
  ...arithmeticBuiltins,
  ...bitsBuiltins,
  ...aggregateBuiltins,
  ...setBuiltins,
  ...arrayBuiltins,
  ...objectBuiltins,
  ...patchBuiltins,
  ...stringBuiltins,
  ...templateBuiltins,
  ...typeBuiltins,
  ...encodingBuiltins,
  ...jsonSchemaBuiltins,
  ...regexBuiltins,
  ...regexGlobBuiltins,
  ...globBuiltins,
  ...unitBuiltins,
  ...graphBuiltins,
  ...graphqlBuiltins,
  ...timeBuiltins,
  ...netBuiltins,
  ...uuidBuiltins,
  ...cryptoBuiltins,
  ...x509Builtins,
  ...jwtBuiltins,
  ...providerBuiltins,
  ...miscBuiltins,
  ...regoModuleBuiltins,
  ...httpBuiltins,
  ...deprecatedBuiltins,
  ...uriBuiltins,
].map(sizeCharged);

const byName = new Map<string, BuiltinDef>(BUILTINS.map((b) => [b.name, b]));

/** Finds a builtin by its dotted name (`count`, `io.jwt.decode`, `equal`). */
export function lookupBuiltin(name: string): BuiltinDef | undefined {
  return byName.get(name);
}

export type { BuiltinDef } from './registry';
