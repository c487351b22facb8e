/**
 * Policy-change impact: the verdict of every indexed call under one policy version, and what
 * changed between two such snapshots ("2 calls newly denied, 1 newly allowed"). Pure data.
 */
import type { Verdict } from '../decision/decide';
import type { DecidedCall } from '../decision/scan';
import type { Location } from '../errors';

/** One call's verdict under a policy version. */
export interface CallVerdict {
  file: string;
  location: Location;
  summary: string;
  verdict: Verdict;
}

/** Every indexed call's verdict under one policy version, keyed by file content and position. */
export interface VerdictSnapshot {
  policyVersion: string;
  verdicts: Map<string, CallVerdict>;
}

/** A call whose verdict differs between two policy versions. */
export interface VerdictChange extends CallVerdict {
  before: Verdict;
}

/** What a policy change did to the workspace's calls. */
export interface ImpactReport {
  fromVersion: string;
  toVersion: string;
  newlyDenied: number;
  newlyAllowed: number;
  /** Calls that became conditional or could no longer be decided. */
  otherwiseChanged: number;
  changes: VerdictChange[];
  /** E.g. `2 calls newly denied, 1 newly allowed`. */
  message: string;
}

/**
 * Records the verdicts of `decided` under `policyVersion`. `hashOf` gives each file's content hash,
 * so that a call is only compared with itself: a file edited between two snapshots has new keys.
 */
export function snapshotVerdicts(
  decided: readonly DecidedCall[],
  policyVersion: string,
  hashOf: (file: string) => string | undefined,
): VerdictSnapshot {
  const verdicts = new Map<string, CallVerdict>();
  for (const item of decided) {
    const key = `${item.file}\0${hashOf(item.file) ?? ''}\0${item.call.location.start.offset}`;
    verdicts.set(key, {
      file: item.file,
      location: item.call.location,
      summary: item.input.summary,
      verdict: item.decision.verdict,
    });
  }
  return { policyVersion, verdicts };
}

/** The calls whose verdict changed from `before` to `after`, or undefined when none did. */
export function compareSnapshots(before: VerdictSnapshot, after: VerdictSnapshot): ImpactReport | undefined {
  const changes: VerdictChange[] = [];
  for (const [key, now] of after.verdicts) {
    const then = before.verdicts.get(key);
    if (then && then.verdict !== now.verdict) changes.push({ ...now, before: then.verdict });
  }
  if (changes.length === 0) return undefined;
  changes.sort((a, b) => a.file.localeCompare(b.file) || a.location.start.offset - b.location.start.offset);
  const newlyDenied = changes.filter((c) => c.verdict === 'denied').length;
  const newlyAllowed = changes.filter((c) => c.verdict === 'allowed').length;
  const otherwiseChanged = changes.length - newlyDenied - newlyAllowed;
  return {
    fromVersion: before.policyVersion,
    toVersion: after.policyVersion,
    newlyDenied,
    newlyAllowed,
    otherwiseChanged,
    changes,
    message: formatImpactMessage(newlyDenied, newlyAllowed, otherwiseChanged),
  };
}

/** `2 calls newly denied, 1 newly allowed, 1 now conditional or undecided`: the noun goes on the first part. */
export function formatImpactMessage(denied: number, allowed: number, other: number): string {
  const parts: Array<[number, string]> = [
    [denied, 'newly denied'],
    [allowed, 'newly allowed'],
    [other, 'now conditional or undecided'],
  ];
  return parts
    .filter(([count]) => count > 0)
    .map(([count, text], index) =>
      index === 0 ? `${count} ${count === 1 ? 'call' : 'calls'} ${text}` : `${count} ${text}`,
    )
    .join(', ');
}
