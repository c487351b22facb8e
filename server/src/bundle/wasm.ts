/**
 * Compiled bundles: a `policy.wasm` that `opa build -t wasm` made, evaluated with
 * `@open-policy-agent/opa-wasm` for the entrypoints its manifest declares, with the bundle's data.
 * The SDK implements a few builtins on the host side and leaves the others to its embedder; those
 * are served from the Rego engine's own builtins registry, so a policy never fails only because
 * the SDK lacks one.
 */
import { fromJson, type JsonValue, lookupBuiltin, toJson } from '../rego';
import type { BuiltinContext } from '../rego/builtins/registry';

// The SDK's ESM entry exports only the async loader; its CommonJS entry has the synchronous one.
const { loadPolicySync } =
  require('@open-policy-agent/opa-wasm') as typeof import('@open-policy-agent/opa-wasm');

/** The wasm memory bound: 256 MiB (4096 pages of 64 KiB). A policy that needs more fails, not the editor. */
const maxMemoryPages = 4096;

/** One loaded `policy.wasm` with its entrypoints (`example/allow`), ready to evaluate. */
export interface WasmModule {
  /** The wasm file's bundle path, for messages. */
  file: string;
  entrypoints: string[];
  /** Evaluates `entrypoint` for `input`: its value, `undefined` when the rule is undefined, or an error message. */
  evaluate(entrypoint: string, input: JsonValue): { value?: JsonValue; error?: string };
}

/** Loads `bytes` and gives it `data`; throws with the reason when the module is not an OPA policy. */
export function loadWasmModule(file: string, bytes: Uint8Array, data: JsonValue): WasmModule {
  const policy = loadPolicySync(
    new Uint8Array(bytes),
    { initial: 5, maximum: maxMemoryPages },
    hostBuiltins(),
  );
  policy.setData(data as object);
  const entrypoints = Object.keys(policy.entrypoints as Record<string, number>).sort();
  return {
    file,
    entrypoints,
    evaluate(entrypoint, input) {
      try {
        const results = policy.evaluate(input, entrypoint) as Array<{ result: JsonValue }> | null;
        if (!Array.isArray(results)) return { error: 'the wasm policy returned no result set' };
        if (results.length === 0) return {};
        return { value: (results[0] as { result: JsonValue }).result };
      } catch (error) {
        return { error: describeThrown(error) };
      }
    },
  };
}

/**
 * The builtins the SDK leaves to its host, looked up by name in the engine's registry on demand
 * (the SDK asks only for the names its own table lacks). Arguments and results cross as JSON.
 */
export function hostBuiltins(): Record<string, (...args: unknown[]) => unknown> {
  return new Proxy({} as Record<string, (...args: unknown[]) => unknown>, {
    get(_target, name) {
      if (typeof name !== 'string') return undefined;
      const def = lookupBuiltin(name);
      if (!def || def.relation) return undefined;
      return (...args: unknown[]) => {
        const context: BuiltinContext = {
          nowNs: BigInt(Date.now()) * 1_000_000n,
          print: () => {},
          cache: new Map(),
          charge: () => {},
          allowHttpSend: false,
        };
        const result = def.implementation(
          args.map((a) => fromJson(a as JsonValue)),
          context,
        );
        // The SDK marks an undefined builtin call with null, as its own builtins do.
        return result === undefined ? null : toJson(result);
      };
    },
  });
}

function describeThrown(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && 'message' in error)
    return String((error as { message: unknown }).message);
  return String(error);
}
