/** The messages between the language server's main thread and its analysis worker. */
import type { TestCaseInfo } from '../../authoring/tests';
import type { BundleOrigin } from '../../bundle/activate';
import type { Bundle } from '../../bundle/bundle';
import type { ProjectConfig } from '../../config/clearance-yaml';
import type { ClearanceSettings } from '../../config/settings';
import type { DecisionLimits } from '../../decision/decide';
import type { CallInput } from '../../decision/input';
import type { Identity } from '../../identity';
import type { EvalLimits, JsonValue } from '../../rego';
import type { ClientMapping, HttpCall, ScanLanguage } from '../../scanner';
import type { ProjectView } from '../../scanner/project/types';

/** Load (parse, compile) the policy as the workspace has it; `generation` names this state. */
export interface LoadRequest {
  op: 'load';
  generation: number;
  root: string;
  paths: string[];
  /** Open documents' texts, which win over the files on disk. */
  openTexts: Array<[string, string]>;
  regoVersion: 0 | 1;
  /** The entrypoint decisions ask for: the answer says whether the policy defines it. */
  entrypoint: string;
  /**
   * The configured OPA bundles, read and verified on the main thread (`BundleSet.inForce`): when
   * given, they are the policy, activated in the worker, and the workspace's files are not read.
   */
  bundles?: { bundles: Array<{ bundle: Bundle; origin: BundleOrigin }>; regoVersion: 0 | 1; version: string };
}

/**
 * A policy state the worker already holds, named by its generation: what the sandbox sends in place
 * of a job's `load` once the worker's reply said it holds that generation (`slimRequest`).
 */
export interface LoadedRef {
  op: 'loaded';
  generation: number;
}

/** A job's policy state as the worker receives it: whole, or a reference to the one it holds. */
export type PolicyState = LoadRequest | LoadedRef;

/** A request as the worker receives it: its `load` may be a reference (`slimRequest`). */
export type OnTheWire<T> = T extends { load: LoadRequest } ? Omit<T, 'load'> & { load: PolicyState } : T;

/**
 * `request` with its `load` replaced by a reference when the worker `holds` that generation;
 * undefined when it must go whole (no `load`, or another generation). A load job itself goes whole:
 * it is sent once per policy state and asks for the state's facts.
 */
export function slimRequest(
  request: Record<string, unknown>,
  holds: number,
): Record<string, unknown> | undefined {
  const load = request.load as PolicyState | undefined;
  if (request.op === 'load' || load?.op !== 'load' || load.generation !== holds) return undefined;
  const ref: LoadedRef = { op: 'loaded', generation: holds };
  return { ...request, load: ref };
}

/** Parse one document and decide its calls with the policy of `load`. */
export interface DecideRequest {
  op: 'decide';
  load: LoadRequest;
  path: string;
  text: string;
  identity: Identity;
  settings: ClearanceSettings;
  nowMs: number;
  project: ProjectConfig;
  /** The workspace index's view of the project's own clients, so the document's inferred calls are found. */
  view?: ProjectViewRef;
}

/** Parse one file for the workspace index and find its calls (and its facts for the project pass). */
export interface ScanRequest {
  op: 'scan';
  path: string;
  text: string;
  language?: ScanLanguage;
  clients: ClientMapping[];
  view?: ProjectViewRef;
  collectFacts?: boolean;
}

/**
 * The project view a scan uses, named by its generation: sent whole (`view`) the first time a
 * worker gets it; after that only named, since a view can be megabytes for a large project.
 */
export interface ProjectViewRef {
  generation: number;
  view?: ProjectView;
}

/** A scan or decide job's answer when it named a view its worker does not hold: send it again whole. */
export interface MissingView {
  missingView: number;
}

/** Decide calls the index found, a batch of files at a time, with the policy of `load`. */
export interface DecideCallsRequest {
  op: 'decideCalls';
  load: LoadRequest;
  files: Array<{ file: string; calls: HttpCall[] }>;
  identity: Identity;
  settings: ClearanceSettings;
  nowMs: number;
  project: ProjectConfig;
}

/** Decide the other actions on a decided call's resource (for its hover). */
export interface OtherActionsRequest {
  op: 'otherActions';
  load: LoadRequest;
  input: CallInput;
  entrypoint: string;
  limits: DecisionLimits;
}

/** Run policy tests (the Test Explorer's run) with the policy of `load`, each under `limits`. */
export interface RunTestsRequest {
  op: 'runTests';
  load: LoadRequest;
  tests: TestCaseInfo[];
  limits: EvalLimits;
}

/** Evaluate a rule or package (the Evaluate and Explain lenses) with the policy of `load`. */
export interface EvaluateRuleRequest {
  op: 'evaluate';
  load: LoadRequest;
  query: string;
  /** Absent: evaluated without an input. */
  input?: JsonValue;
  limits: EvalLimits;
  explain: boolean;
}

/**
 * Prepare a new worker: load the policy of `load` (activating bundles when they are the policy) and
 * the code parser, so the first job after a replacement only does its own work.
 */
export interface WarmUpRequest {
  op: 'warm';
  load: LoadRequest;
}

/** Any request to the worker. */
export type WorkerRequest =
  | LoadRequest
  | DecideRequest
  | ScanRequest
  | DecideCallsRequest
  | OtherActionsRequest
  | RunTestsRequest
  | EvaluateRuleRequest
  | WarmUpRequest;
