/**
 * The workspace as the handlers both language servers share read it (Rego authoring, code lenses
 * and actions, test runs and evaluation, diagnostics, `.clearance.yaml`): the desktop's
 * `ClearanceWorkspace` and the web worker's `WebWorkspace` both implement it, so neither server
 * casts one for the other.
 */
import type { BundleSet } from '../bundle/bundle-set';
import type { PolicyFiles } from '../policy/load';
import type { DocumentDecisions } from './document-decisions';
import type { Analysis } from './worker/analysis';
import type { LoadRequest } from './worker/protocol';
import type { WorkspaceState } from './workspace-state';

/** The analysis worker that decides, and the policy state it decides with: where runs and evaluations go. */
export interface AnalysisSession {
  analysis: Analysis;
  load: LoadRequest;
}

/** What the shared handlers read of a workspace. */
export interface SharedWorkspace extends WorkspaceState {
  /** The path of the folder's `.clearance.yaml`. */
  readonly projectConfigPath: string;
  /** The policy files the last walk of the folder found; undefined before one (or without walks). */
  readonly foundPolicyFiles: PolicyFiles | undefined;
  /** Configured OPA bundles; undefined when there are none (always, in the web build). */
  readonly bundles: BundleSet | undefined;
  /** Whether `path` is in this workspace folder. */
  contains(path: string): boolean;
  /** Whether a policy with at least one rule file was found. */
  hasPolicy(): boolean;
  /** Decides an open code document's calls (reused while nothing they depend on changed). */
  decideDocument(path: string, now: Date): Promise<DocumentDecisions | undefined>;
  /** The worker test runs and evaluations go to; undefined: they run on this thread under the evaluation limits. */
  analysisSession(): AnalysisSession | undefined;
}
