/**
 * The policy as the language server's main thread holds it. The analysis worker compiles the policy
 * and decides with it; the main thread needs only facts about it (files, version, errors, which
 * entrypoints exist), which the worker sends back. The compiled rules, the data and the files' texts
 * are produced on the main thread only when something there asks for them (running tests,
 * evaluating a rule, authoring's view of the files), never on the path of an edit.
 */
import { isEntrypointDefined, listEntrypoints } from '../../decision/entrypoints';
import type { ClearanceError } from '../../errors';
import { createEmptyPolicy, type LoadedPolicy, type ReadPolicy } from '../../policy/load';
import type { JsonValue, Policy } from '../../rego';

/** What the main thread knows of a policy the worker loaded: everything but its rules and data. */
export interface PolicyFacts {
  version: string;
  regoFiles: string[];
  dataFiles: string[];
  errors: ClearanceError[];
  /** Every rule that could be an entrypoint, as `data.…` (`listEntrypoints`). */
  entrypoints: string[];
  /** Whether a rule or data defines the entrypoint the policy was loaded for. */
  entrypointDefined: boolean;
}

/** A loaded policy with its facts; `policy`, `data` and `sources` may be produced on first use. */
export interface PolicyView extends LoadedPolicy, PolicyFacts {
  /** Each `.rego` file's text as loaded (an open document's text where it is open). */
  readonly sources: ReadonlyMap<string, string>;
}

/** The facts of a compiled policy, for the entrypoint the workspace decides with. */
export function factsOf(loaded: LoadedPolicy, entrypoint: string): PolicyFacts {
  return {
    version: loaded.version,
    regoFiles: loaded.regoFiles,
    dataFiles: loaded.dataFiles,
    errors: loaded.errors,
    entrypoints: listEntrypoints(loaded.policy),
    entrypointDefined: isEntrypointDefined(loaded.policy, loaded.data, entrypoint),
  };
}

/** The view of a policy compiled here (without a worker, or OPA bundles the bundle controller compiled). */
export function viewOf(loaded: LoadedPolicy, entrypoint: string): PolicyView {
  return { ...loaded, ...factsOf(loaded, entrypoint), sources: loaded.policy.sources };
}

/**
 * The view of a policy the worker loaded: its facts now, and its files read (`read`) and compiled
 * (`compile`) here only on first use of `sources`, `data` or `policy`, at most once each.
 */
export function lazyView(
  facts: PolicyFacts,
  read: () => ReadPolicy,
  compile: (read: ReadPolicy) => LoadedPolicy,
): PolicyView {
  let readOnce: ReadPolicy | undefined;
  let texts: Map<string, string> | undefined;
  let compiled: LoadedPolicy | undefined;
  const files = () => {
    readOnce ??= read();
    return readOnce;
  };
  return {
    ...facts,
    get sources(): ReadonlyMap<string, string> {
      texts ??= new Map(files().sources.map((s) => [s.file, s.text]));
      return texts;
    },
    get data(): JsonValue {
      return files().data;
    },
    get policy(): Policy {
      compiled ??= compile(files());
      return compiled.policy;
    },
  };
}

/** The view of a policy the worker could not load: no rules, and the reason as its error. */
export function failedView(error: ClearanceError, regoFiles: string[]): PolicyView {
  const empty = createEmptyPolicy();
  return {
    ...empty,
    regoFiles,
    errors: [error],
    entrypoints: [],
    entrypointDefined: false,
    sources: new Map(),
  };
}
