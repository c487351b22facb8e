/**
 * uri.parse and uri.is_valid, declared as OPA's catalogue (v1.20) declares them so that policies
 * calling them compile; Clearance does not implement them yet, and a call raises an
 * `eval_builtin_error` naming the builtin (never a silent answer).
 */
import { type BuiltinDef, builtinError, defineBuiltin, param } from './registry';

/** The URI builtins (declared; evaluation reports them as unsupported). */
export const uriBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'uri.parse',
    signature: { args: [param('uri', 'string')], result: param('parsed', 'object[string: string]') },
    description: 'Parses a URI into its parts (declared only: Clearance raises an error when it is called).',
    implementation: () => builtinError('uri.parse is not supported by Clearance yet'),
  }),
  defineBuiltin({
    name: 'uri.is_valid',
    signature: { args: [param('uri', 'string')], result: param('result', 'boolean') },
    description:
      'Reports whether a string is a valid URI (declared only: Clearance raises an error when it is called).',
    implementation: () => builtinError('uri.is_valid is not supported by Clearance yet'),
  }),
];
