/**
 * `clearance init`: looks at a project (its policy folders and packages, the rules that could decide
 * a call, the base URLs its code calls, where an identity could come from) and writes a commented
 * `.clearance.yaml`, plus the policy settings `clearance scan` and the editor read when they differ
 * from the defaults; then prints the next step. It never overwrites a file without `--force`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CLEARANCE_YAML } from '../config/clearance-yaml';
import { defaultSettings } from '../config/settings';
import { listEntrypoints, suggestEntrypoints } from '../decision/entrypoints';
import { listSourceFiles } from '../decision/scan';
import { loadPolicy } from '../policy/load';
import { displayPath } from './given-paths';
import type { Output } from './scan-command';

/** The options of `clearance init`. */
export interface InitFlags {
  force?: boolean;
}

/** What init found in a project. */
export interface Detected {
  /** Folders holding `.rego` files, relative to the root (`.` for the root itself). */
  policyFolders: string[];
  /** Package names, e.g. `shop.authz`. */
  packages: string[];
  /** Rules that could decide a call, the likeliest first. */
  entrypoints: string[];
  /** Origins the code calls (`https://api.example.com`), most used first. */
  baseUrls: string[];
  /**
   * Where an identity could come from, in words, and what the next scan passes for it: a token file
   * (absolute) with the key set beside it when there is one, else the environment variable.
   */
  identity: { words: string; tokenFile?: string; jwksFile?: string };
  /** Source files looked at. */
  files: number;
}

/** Files and bytes init reads at most: a project this size says enough. */
const maxFiles = 5000;
const maxFileBytes = 1024 * 1024;
const urlPattern = /["'`](https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?)(?:[/?#][^"'`\s]*)?["'`$]/g;
/** Origins that are documentation, schemas or loopback, not an API the code calls. */
const notApis = /(^https?:\/\/(www\.)?(w3\.org|json-schema\.org|github\.com|example\.org)$)/;

/** Looks at `root` and says what it found. */
export function detectProject(root: string): Detected {
  const policy = loadPolicy(root, []);
  const folders = [...new Set(policy.regoFiles.map((f) => relative(root, dirname(f)) || '.'))].sort();
  const packages = [...new Set(policy.policy.modules.map((m) => m.package.path.join('.')))].sort();
  const suggested = suggestEntrypoints(policy.policy, defaultSettings.policy.entrypoint, 5);
  // A `decision` next to an `allow` usually wraps it with a reason: the richer answer goes first.
  const entrypoints = (suggested.length > 0 ? suggested : listEntrypoints(policy.policy).slice(0, 5)).sort(
    (a, b) => Number(b.endsWith('.decision')) - Number(a.endsWith('.decision')),
  );
  const counts = new Map<string, number>();
  const files = listSourceFiles(root).slice(0, maxFiles);
  for (const file of files) {
    let text: string;
    try {
      if (statSync(file).size > maxFileBytes) continue;
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(urlPattern)) {
      const origin = m[1] as string;
      if (!notApis.test(origin)) counts.set(origin, (counts.get(origin) ?? 0) + 1);
    }
  }
  const baseUrls = [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 5)
    .map(([origin]) => origin);
  return {
    policyFolders: folders,
    packages,
    entrypoints,
    baseUrls,
    identity: detectIdentity(root),
    files: files.length,
  };
}

/** Where an identity could come from: the environment, a token file in the project, or sign-in. */
function detectIdentity(root: string): Detected['identity'] {
  if (process.env.CLEARANCE_TOKEN) return { words: 'the CLEARANCE_TOKEN environment variable (set now)' };
  const candidates = ['identity', '.', 'tokens', 'secrets'].flatMap((dir) => {
    try {
      const folder = join(root, dir);
      return statSync(folder).isDirectory()
        ? listJwtFiles(folder).map((f) => relative(root, join(folder, f)))
        : [];
    } catch {
      return [];
    }
  });
  const first = candidates[0];
  if (first) {
    // A key set beside the token (as a demo or test identity ships) verifies it; without one the scan
    // would stop at an unverified identity.
    const jwks = join(root, dirname(first), 'jwks.json');
    const jwksFile = statSync(jwks, { throwIfNoEntry: false })?.isFile() ? jwks : undefined;
    return {
      words: `a token file, ${first}`,
      tokenFile: join(root, first),
      ...(jwksFile ? { jwksFile } : {}),
    };
  }
  return { words: 'none found: sign in from the editor, or pass a token in CI' };
}

/** The identity flags of the next scan, with paths relative to where the command is typed. */
function identityFlags(identity: Detected['identity'], cwd: string): string {
  if (identity.tokenFile === undefined)
    return process.env.CLEARANCE_TOKEN ? '' : ' --token-env CLEARANCE_TOKEN';
  const jwks = identity.jwksFile === undefined ? '' : ` --jwks-file ${displayPath(identity.jwksFile, cwd)}`;
  return ` --token-file ${displayPath(identity.tokenFile, cwd)}${jwks}`;
}

/** The `.jwt` and `.token` files directly in `folder`. */
function listJwtFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.(jwt|token)$/.test(e.name))
    .map((e) => e.name)
    .sort();
}

/** The commented `.clearance.yaml` for what was detected. */
export function formatClearanceYaml(found: Detected): string {
  const lines = [
    "# Clearance: how this project's calls map to the policy (docs/clearance-yaml.md).",
    '# Written by `clearance init`; edit it freely.',
    '#',
    `# Policy folders: ${found.policyFolders.join(', ') || 'none found'}`,
    `# Packages: ${found.packages.join(', ') || 'none'}`,
    `# Entrypoint: ${found.entrypoints[0] ?? 'none found'}${found.entrypoints.length > 1 ? ` (others: ${found.entrypoints.slice(1).join(', ')})` : ''}`,
    `# Identity: ${found.identity.words}`,
    '',
  ];
  if (found.baseUrls.length > 0) {
    lines.push('# Base URLs seen in the code: removed from the front of a URL before routes match.');
    lines.push('baseUrls:');
    for (const url of found.baseUrls) lines.push(`  - ${url}`);
  } else {
    lines.push('# Base URLs removed from the front of a URL before routes match (none seen in the code).');
    lines.push('# baseUrls:');
    lines.push('#   - https://api.example.com');
  }
  lines.push(
    '',
    '# Route templates: the action and resource of the calls they match.',
    '# routes:',
    '#   DELETE /api/orders/{id}: { action: cancel, resource: "order:{id}" }',
    '',
    '# Your own client functions that make HTTP calls.',
    '# clients:',
    '#   ordersClient.remove($id): { action: delete, resource: "order:$id" }',
    '',
  );
  return lines.join('\n');
}

/** Writes the project's files and prints what was found and what to do next; returns the exit code. */
export function runInit(dir: string, flags: InitFlags, output: Output): number {
  const root = resolve(dir);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    output.err(`clearance init: no such directory: ${displayPath(root)}\n`);
    return 2;
  }
  const yamlPath = join(root, CLEARANCE_YAML);
  if (existsSync(yamlPath) && !flags.force) {
    output.err(`clearance init: ${displayPath(yamlPath)} exists; pass --force to replace it\n`);
    return 2;
  }
  const found = detectProject(root);
  writeFileSync(yamlPath, formatClearanceYaml(found));
  output.out(
    `Wrote ${displayPath(yamlPath)}: ${found.baseUrls.length} base URL(s) from ${found.files} source file(s).\n`,
  );
  output.out(`  policy      ${found.policyFolders.join(', ') || 'none found'}\n`);
  output.out(`  entrypoint  ${found.entrypoints[0] ?? 'none found'}\n`);
  output.out(`  identity    ${found.identity.words}\n`);
  if (found.policyFolders.length === 0) {
    output.out(
      '\nNext: write a policy (a .rego file with an `allow` rule), then run clearance init again.\n',
    );
    return 0;
  }
  const settings = writePolicySettings(root, found, output);
  output.out(
    `\nNext: clearance scan ${displayPath(root)}${identityFlags(found.identity, process.cwd())}${settings ? '' : ` --entrypoint ${found.entrypoints[0] ?? ''}`}\n`,
  );
  return 0;
}

/**
 * Records the entrypoint (and the policy folders) in `.vscode/settings.json` when they differ from
 * the defaults and the file does not exist yet; a settings file someone wrote is never rewritten,
 * the lines to add are printed instead. Returns whether the settings now hold them.
 */
function writePolicySettings(root: string, found: Detected, output: Output): boolean {
  const entrypoint = found.entrypoints[0];
  const wanted: Record<string, unknown> = {};
  if (entrypoint && entrypoint !== defaultSettings.policy.entrypoint)
    wanted['clearance.policy.entrypoint'] = entrypoint;
  if (found.policyFolders.length > 0 && !found.policyFolders.includes('.'))
    wanted['clearance.policy.paths'] = found.policyFolders;
  if (Object.keys(wanted).length === 0) return true;
  const file = join(root, '.vscode', 'settings.json');
  const text = `${JSON.stringify(wanted, null, 2)}\n`;
  if (existsSync(file)) {
    output.out(`\n${displayPath(file)} exists; add these lines to it:\n${text}`);
    return false;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  output.out(`Wrote ${displayPath(file)}: ${Object.keys(wanted).join(', ')}.\n`);
  return true;
}
