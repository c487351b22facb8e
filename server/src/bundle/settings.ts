/**
 * The `clearance.policy.bundle*` settings: which bundles decide, where they may be downloaded
 * from, with which credentials and verification keys, how often they are polled and how big they
 * may be. Those that choose network endpoints, credentials or keys are user-only in package.json
 * (`"scope": "machine"`), so a cloned repository cannot point them elsewhere.
 */

/** One verification key: OPA's `keys.<id>` with the key read from a file (PEM, or an HMAC secret). */
export interface BundleKeySetting {
  algorithm: string;
  keyFile: string;
  scope?: string;
}

/** How a download authenticates: not at all, with the developer's own token, or a token in an environment variable. */
export type BundleAuthSetting = 'none' | 'identity' | 'env';

/** The bundle settings, with defaults applied. */
export interface BundleSettings {
  /** Bundle folders, `.tar.gz` files, or `https://` URLs; when any is set, they are the policy. */
  bundles: string[];
  /** Origins (`https://host[:port]`) bundles may be downloaded from; a URL elsewhere is refused. */
  bundleOrigins: string[];
  /** Verification keys by key id; when any is set, every bundle must be signed by one of them. */
  bundleKeys: Record<string, BundleKeySetting>;
  bundleAuth: BundleAuthSetting;
  /** The environment variable holding the bearer token when `bundleAuth` is `env`. */
  bundleTokenEnv: string;
  /** Seconds between polls of a bundle server (failures back off up to ten times this). */
  bundlePollingSeconds: number;
  /** The largest bundle download accepted, in bytes. */
  bundleMaxBytes: number;
}

/** The defaults, identical to package.json's. */
export const defaultBundleSettings: BundleSettings = {
  bundles: [],
  bundleOrigins: [],
  bundleKeys: {},
  bundleAuth: 'none',
  bundleTokenEnv: 'CLEARANCE_BUNDLE_TOKEN',
  bundlePollingSeconds: 60,
  bundleMaxBytes: 32 * 1024 * 1024,
};

/** The checker `normalizeSettings` lends: a value at `path` if it passes `accept`, else the fallback (reported). */
type Pick = <T>(path: string, fallback: T, accept: (v: unknown) => v is T) => T;

/** Reads the bundle settings with `normalizeSettings`'s checker. */
export function readBundleSettings(pick: Pick): BundleSettings {
  const d = defaultBundleSettings;
  const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  const inRange =
    (min: number, max: number) =>
    (v: unknown): v is number =>
      typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
  return {
    bundles: pick('policy.bundles', d.bundles, isStrings),
    bundleOrigins: pick('policy.bundleOrigins', d.bundleOrigins, isStrings),
    bundleKeys: pick('policy.bundleKeys', d.bundleKeys, isBundleKeys),
    bundleAuth: pick('policy.bundleAuth', d.bundleAuth, (v): v is BundleAuthSetting =>
      ['none', 'identity', 'env'].includes(v as string),
    ),
    bundleTokenEnv: pick(
      'policy.bundleTokenEnv',
      d.bundleTokenEnv,
      (v): v is string => typeof v === 'string',
    ),
    bundlePollingSeconds: pick('policy.bundlePollingSeconds', d.bundlePollingSeconds, inRange(5, 86_400)),
    bundleMaxBytes: pick('policy.bundleMaxBytes', d.bundleMaxBytes, inRange(1024, 512 * 1024 * 1024)),
  };
}

function isBundleKeys(v: unknown): v is Record<string, BundleKeySetting> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.values(v).every(
    (k) =>
      typeof k === 'object' &&
      k !== null &&
      typeof (k as BundleKeySetting).algorithm === 'string' &&
      typeof (k as BundleKeySetting).keyFile === 'string' &&
      ((k as BundleKeySetting).scope === undefined || typeof (k as BundleKeySetting).scope === 'string'),
  );
}
