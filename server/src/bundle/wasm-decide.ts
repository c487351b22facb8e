/**
 * Decisions with a compiled (`policy.wasm`) bundle. The wasm target evaluates concrete input only:
 * it cannot reason about unknowns. So a call whose input the code leaves open is never called
 * allowed or denied from wasm: it is conditional, and the reason says which values are unknown
 * and why the compiled policy cannot settle it.
 */
import type { CallDecision } from '../decision/decide';
import type { CallInput } from '../decision/input';
import type { LoadedPolicy } from '../policy/load';
import type { JsonValue } from '../rego';

/** The wasm entrypoint (`api/authz/allow`) of a Rego reference (`data.api.authz.allow`). */
export function wasmEntrypointOf(entrypoint: string): string {
  return entrypoint
    .replace(/^data\./, '')
    .split('.')
    .join('/');
}

/**
 * Decides `call` with the wasm module that answers `entrypoint`, or returns undefined when no
 * active bundle compiles that entrypoint to wasm (the Rego engine decides then). `readAllow` is
 * the decision module's reading of an entrypoint's value (`true`, or `{allow: true, ...}`).
 */
export function decideWithWasm(
  loaded: LoadedPolicy,
  entrypoint: string,
  call: CallInput,
  readAllow: (value: JsonValue | undefined) => { allowed: boolean; reason?: string; challenge?: string },
): CallDecision | undefined {
  const module = loaded.bundles?.wasm.get(wasmEntrypointOf(entrypoint));
  if (!module) return undefined;
  const base = { entrypoint, policyVersion: loaded.version, rules: [], branches: [], blockers: [] };
  if (loaded.errors.length > 0) return { ...base, verdict: 'error', errors: loaded.errors };
  if (call.unknowns.length > 0) {
    return {
      ...base,
      verdict: 'conditional',
      errors: [],
      reason: `not decided: the code leaves ${call.unknowns.join(', ')} unknown, and the compiled (wasm) policy ${module.file.split('/').pop()} can only evaluate known input, so it cannot prove the call allowed or denied for every value`,
    };
  }
  const result = module.evaluate(wasmEntrypointOf(entrypoint), call.input as JsonValue);
  if (result.error !== undefined) {
    return {
      ...base,
      verdict: 'error',
      errors: [{ code: 'eval_wasm_error', message: `${module.file}: ${result.error}` }],
    };
  }
  const { allowed, reason, challenge } = readAllow(result.value);
  return {
    ...base,
    verdict: allowed ? 'allowed' : 'denied',
    errors: [],
    ...(reason ? { reason } : {}),
    ...(challenge ? { challenge } : {}),
  };
}
