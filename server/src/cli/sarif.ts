/**
 * `clearance scan --format sarif`: the scan as a SARIF 2.1.0 log for code-scanning dashboards. One
 * reporting rule per verdict kind (denied, conditional, undecided), so an alert keeps its rule when
 * the policy changes; the policy rules that decided are named in each result's message, its related
 * locations and its properties. See docs/scan.md.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result, Location as SarifLocation } from 'sarif';
import type { SeveritySetting } from '../config/settings';
import { formatWhy } from '../decision/explain';
import type { DecidedCall } from '../decision/scan';
import { isSuppressed } from '../decision/suppression';
import type { ClearanceError } from '../errors';
import type { Identity } from '../identity';

declare const CLEARANCE_VERSION: string | undefined;

/** Where people learn what Clearance's results mean: the project's home (package.json `repository`). */
export const informationUri = 'https://example.invalid/clearance';

/** The SARIF schema the log declares. */
const schemaUri = 'https://json.schemastore.org/sarif-2.1.0.json';

/** What the SARIF log is made from. */
export interface SarifInput {
  root: string;
  calls: DecidedCall[];
  errors: ClearanceError[];
  identity: Identity;
  entrypoint: string;
  policyVersion: string;
  deniedSeverity: SeveritySetting;
}

type Level = 'error' | 'warning' | 'note';

const reportingRules: Array<
  ReportingDescriptor & { id: string; verdict: DecidedCall['decision']['verdict'] }
> = [
  {
    id: 'clearance/denied',
    verdict: 'denied',
    name: 'CallDenied',
    shortDescription: { text: 'The call is denied by the authorization policy' },
    fullDescription: {
      text: 'The policy denies this call for the scanning identity whatever the values the code leaves open (the resource id, its owner, ...) turn out to be.',
    },
    help: {
      text: 'Ask for the permission (the message names the deciding rule and the closest allow rule), call another endpoint, or suppress the call with a `// clearance: ignore` comment on the line above.',
    },
  },
  {
    id: 'clearance/conditional',
    verdict: 'conditional',
    name: 'CallConditional',
    shortDescription: { text: 'The call is allowed only under a condition the code does not settle' },
    fullDescription: {
      text: 'Whether the policy allows this call depends on values unknown until run time; the message gives the condition (for example: allowed if you own the order).',
    },
    help: {
      text: 'Make sure the condition holds where the call is made, or handle the denial the server may return.',
    },
  },
  {
    id: 'clearance/undecided',
    verdict: 'error',
    name: 'CallUndecided',
    shortDescription: { text: 'The call could not be decided' },
    fullDescription: {
      text: 'Evaluating the policy for this call failed (an evaluation error, a limit reached): the scan cannot vouch for it.',
    },
    help: { text: 'See the error in the message; raise clearance.evaluation limits or fix the policy.' },
  },
];

/** The SARIF level of a denied call, from `clearance.diagnostics.deniedSeverity`. */
function deniedLevel(setting: SeveritySetting): Level {
  return setting === 'error' ? 'error' : setting === 'warning' ? 'warning' : 'note';
}

/** Builds the SARIF 2.1.0 log of a scan: a result per denied, conditional or undecided call. */
export function buildSarifLog(input: SarifInput): Log {
  const rules = reportingRules.map(({ verdict: _verdict, ...rule }) => ({
    ...rule,
    defaultConfiguration: {
      level:
        rule.id === 'clearance/denied'
          ? deniedLevel(input.deniedSeverity)
          : rule.id === 'clearance/conditional'
            ? 'note'
            : 'error',
    },
  })) as ReportingDescriptor[];
  const occurrences = new Map<string, number>();
  const results: Result[] = [];
  for (const item of input.calls) {
    // A call to a host no listed service is, is not governed: nothing to alert on.
    if (item.decision.undecided?.kind === 'ungoverned') continue;
    const index = reportingRules.findIndex((r) => r.verdict === item.decision.verdict);
    const rule = reportingRules[index];
    if (!rule) continue;
    const file = relative(input.root, item.file);
    // Fingerprints name the call by what it is, not where: a line added above it keeps its alert.
    const key = `${file}\0${item.input.summary}\0${item.decision.verdict}`;
    const occurrence = occurrences.get(key) ?? 0;
    occurrences.set(key, occurrence + 1);
    const level = (rules[index]?.defaultConfiguration?.level ?? 'warning') as Level;
    const loc = item.call.location;
    const policyRules = [
      ...item.decision.rules,
      ...item.decision.branches.map((b) => b.rule),
      ...item.decision.blockers.map((b) => b.rule),
    ];
    const related: SarifLocation[] = policyRules.slice(0, 5).map((r, i) => ({
      id: i + 1,
      physicalLocation: {
        artifactLocation: toArtifactLocation(input.root, r.location.file),
        region: {
          startLine: r.headLocation.start.line,
          startColumn: r.headLocation.start.column,
          endLine: r.headLocation.end.line,
          endColumn: r.headLocation.end.column,
        },
      },
      message: { text: r.text },
    }));
    results.push({
      ruleId: rule.id,
      ruleIndex: index,
      level,
      message: { text: formatResultMessage(item, input.identity) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: toArtifactLocation(input.root, item.file),
            region: {
              startLine: loc.start.line,
              startColumn: loc.start.column,
              endLine: loc.end.line,
              endColumn: loc.end.column,
              snippet: { text: item.call.text },
            },
          },
        },
      ],
      ...(related.length > 0 ? { relatedLocations: related } : {}),
      // A `clearance: ignore` comment is SARIF's in-source suppression: dashboards show it as such.
      ...(isSuppressed(item.call)
        ? {
            suppressions: [
              { kind: 'inSource' as const, justification: 'clearance: ignore comment above the call' },
            ],
          }
        : {}),
      partialFingerprints: {
        'clearanceCall/v1': createHash('sha256').update(`${key}\0${occurrence}`).digest('hex'),
      },
      properties: {
        verdict: item.decision.verdict,
        action: typeof item.input.input.action === 'string' ? item.input.input.action : null,
        call: item.input.summary,
        policyVersion: item.decision.policyVersion,
        entrypoint: item.decision.entrypoint,
        ...(item.decision.challenge ? { challenge: item.decision.challenge } : {}),
      },
    });
  }
  return {
    $schema: schemaUri,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Clearance',
            version: readVersion(),
            informationUri,
            rules,
          },
        },
        originalUriBaseIds: {
          '%SRCROOT%': { uri: `${pathToFileURL(input.root).href.replace(/\/?$/, '/')}` },
        },
        columnKind: 'utf16CodeUnits',
        results,
        invocations: [
          {
            executionSuccessful:
              input.errors.length === 0 && !input.calls.some((c) => c.decision.verdict === 'error'),
            toolExecutionNotifications: input.errors.map((e) => ({
              level: 'warning' as const,
              message: { text: `${e.code}: ${e.message}` },
              ...(e.location
                ? {
                    locations: [
                      {
                        physicalLocation: {
                          artifactLocation: toArtifactLocation(input.root, e.location.file),
                          region: { startLine: e.location.start.line, startColumn: e.location.start.column },
                        },
                      },
                    ],
                  }
                : {}),
            })),
          },
        ],
        properties: {
          entrypoint: input.entrypoint,
          policyVersion: input.policyVersion,
          identity: {
            subject: input.identity.user?.id ?? null,
            ...(input.identity.user?.email ? { email: input.identity.user.email } : {}),
            status: input.identity.status,
          },
        },
      },
    ],
  };
}

/** A result's message: the verdict for whom, and why, in plain text. */
function formatResultMessage(item: DecidedCall, identity: Identity): string {
  const who = identity.user?.email ?? identity.user?.id ?? 'an anonymous caller';
  const head =
    item.decision.verdict === 'denied'
      ? `Denied for ${who}`
      : item.decision.verdict === 'conditional'
        ? `Conditional for ${who}`
        : `Not decided for ${who}`;
  return `${head}: ${item.input.summary}: ${formatWhy(item.decision, 'plain')} Policy ${item.decision.policyVersion}.`;
}

/** A file as SARIF names it: relative to `%SRCROOT%` (the scan root) when inside it, else an absolute URI. */
export function toArtifactLocation(root: string, file: string): { uri: string; uriBaseId?: string } {
  const rel = relative(root, file);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(file).href };
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/** The Clearance version: set at build time, else read from package.json (tests run the sources). */
export function readVersion(): string {
  if (typeof CLEARANCE_VERSION === 'string') return CLEARANCE_VERSION;
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
