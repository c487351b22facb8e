/**
 * The bundle flags of `clearance scan` and `clearance policy info`. In CI the workspace's
 * `.vscode/settings.json` comes from the repository under test, so the settings that choose where
 * downloads go, what credentials they carry and which keys verify them are taken from flags only
 * (like `--allow-http-send`); the repository's values for them are ignored with a warning.
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { BundleAuthSetting, BundleKeySetting } from '../bundle/settings';
import { defaultBundleSettings } from '../bundle/settings';
import type { ClearanceSettings } from '../config/settings';

/** The raw bundle flags, as commander hands them over. */
export interface BundleFlags {
  bundle?: string[];
  bundleOrigin?: string[];
  bundleKey?: Array<[string, BundleKeySetting]>;
  bundleAuth?: BundleAuthSetting;
  bundleTokenEnv?: string;
}

function collect<T>(parse: (v: string) => T) {
  return (value: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(value)];
}

/** `id=ALG:path` -> a verification key setting. */
function parseKey(value: string): [string, BundleKeySetting] {
  const m = /^([^=]+)=([A-Z]{2}\d{3}):(.+)$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected KEYID=ALGORITHM:FILE, e.g. global=RS256:public.pem');
  return [m[1] as string, { algorithm: m[2] as string, keyFile: m[3] as string }];
}

/** Adds `--bundle`, `--bundle-origin`, `--bundle-key`, `--bundle-auth` and `--bundle-token-env` to `command`. */
export function addBundleFlags(command: Command): Command {
  return command
    .option(
      '--bundle <location>',
      'an OPA bundle (folder, .tar.gz or URL) that decides instead of .rego files, repeatable',
      collect(String),
    )
    .option(
      '--bundle-origin <origin>',
      'an origin (https://host[:port]) bundles may be downloaded from, repeatable',
      collect(String),
    )
    .option(
      '--bundle-key <id=ALG:file>',
      'a key that verifies bundle signatures (RS/PS/ES, or HS with a secret file), repeatable',
      collect(parseKey),
    )
    .option(
      '--bundle-auth <auth>',
      'the bearer token of bundle downloads: none, identity (your token) or env',
      (v) => {
        if (!['none', 'identity', 'env'].includes(v))
          throw new InvalidArgumentError('use none, identity or env');
        return v as BundleAuthSetting;
      },
    )
    .option(
      '--bundle-token-env <name>',
      'the environment variable holding the bundle bearer token (with --bundle-auth env)',
    );
}

/**
 * Applies the flags to `settings` and drops the repository's values of the settings that only
 * flags may set; `warn` hears of each one dropped.
 */
export function applyBundleFlags(
  settings: ClearanceSettings,
  flags: BundleFlags,
  warn: (text: string) => void,
): void {
  const p = settings.policy;
  const d = defaultBundleSettings;
  const fromRepo: Array<[string, boolean]> = [
    ['bundleOrigins', p.bundleOrigins.length > 0],
    ['bundleKeys', Object.keys(p.bundleKeys).length > 0],
    ['bundleAuth', p.bundleAuth !== d.bundleAuth],
    ['bundleTokenEnv', p.bundleTokenEnv !== d.bundleTokenEnv],
  ];
  for (const [name, set] of fromRepo) {
    if (set)
      warn(`clearance.policy.${name} in the folder's settings is ignored; pass it as a --bundle-* flag\n`);
  }
  p.bundleOrigins = flags.bundleOrigin ?? [];
  p.bundleKeys = Object.fromEntries(flags.bundleKey ?? []);
  p.bundleAuth = flags.bundleAuth ?? 'none';
  p.bundleTokenEnv = flags.bundleTokenEnv ?? d.bundleTokenEnv;
  if (flags.bundle) p.bundles = flags.bundle;
}
