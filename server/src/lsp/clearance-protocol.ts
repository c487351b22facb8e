/**
 * The shapes of Clearance's own LSP messages about the workspace (`clearance/permissions`,
 * `clearance/impact`, `clearance/bundles`), shared by the server and, as type-only imports, the extension client.
 * Types only: nothing here runs, so the client bundle takes no server code from it.
 */
import type { BundleStatus } from '../bundle/bundle-set';
import type { Verdict } from '../decision/decide';

export type { BundleStatus, Verdict };

/** `clearance/bundles`: the configured bundles' state (notification, and the answer to the request). */
export interface BundlesNotification {
  bundles: BundleStatus[];
  /** The policy version the bundles make (revisions and content hash), when bundles are configured. */
  version?: string;
}

/** A 0-based LSP range, written out so the client needs no protocol package to read it. */
export interface WireRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** A place in code as the client gets it. */
export interface WireLocation {
  uri: string;
  range: WireRange;
  summary: string;
}

/** The answer to `clearance/permissions`. */
export interface PermissionsResponse {
  /** `noPolicy`: nothing decides; `indexing`: the first scan is still running; else `ready`. */
  state: 'noPolicy' | 'indexing' | 'ready';
  identity: string;
  policyVersion?: string;
  files: number;
  calls: number;
  truncated: boolean;
  resources: Array<{
    resource: string;
    actions: Array<{
      action: string;
      decisions: Array<{ verdict: Verdict; rule?: string; why: string; locations: WireLocation[] }>;
    }>;
  }>;
}

/** The `clearance/impact` notification. */
export interface ImpactNotification {
  message: string;
  fromVersion: string;
  toVersion: string;
  newlyDenied: number;
  newlyAllowed: number;
  otherwiseChanged: number;
  /** Whether the client should pop up a notice (`clearance.impact.notify`); it logs either way. */
  notify: boolean;
  changes: Array<WireLocation & { before: Verdict; after: Verdict }>;
}
