/**
 * `clearance policy info`: which policy decides for a folder, in the manner of `clearance whoami`:
 * its source (workspace files, or each bundle's folder, archive or URL), revision, content hash,
 * signature verification state, and for downloads where they came from and how old they are.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { BundleSet } from '../bundle/bundle-set';
import { createBundleSet } from '../bundle/configured';
import { readProjectConfig } from '../config/clearance-yaml';
import { readWorkspaceSettings, regoVersionOf } from '../config/settings';
import { redactTokensInText } from '../identity';
import { loadPolicy } from '../policy/load';
import { addBundleFlags, applyBundleFlags, type BundleFlags } from './bundle-flags';
import { SHARED_EXIT_CODES } from './exit-codes';
import { formatCliError } from './given-paths';
import type { Output } from './scan-command';

/** `clearance policy info`'s flags. */
interface InfoFlags extends BundleFlags {
  dir: string;
  json?: boolean;
}

/** Registers `clearance policy info` under the `policy` command. */
export function addPolicyInfoCommand(policy: Command, output: Output, setExit: (code: number) => void): void {
  addBundleFlags(
    policy
      .command('info')
      .description(
        "print which policy decides: its source, revision, content hash and bundles' verification state",
      )
      .addHelpText(
        'after',
        `\nExit codes: 0 the policy loads whole; 2 it does not (a bundle unavailable or refused, a file broken);\n${SHARED_EXIT_CODES}`,
      )
      .option(
        '--dir <dir>',
        'the workspace folder whose .vscode/settings.json and .clearance.yaml are read',
        '.',
      )
      .option('--json', 'print JSON for scripts'),
  ).action(async (flags: InfoFlags) => setExit(await runPolicyInfo(flags, output)));
}

/** Prints the policy's description; 0 when it loads whole, 2 otherwise. */
export async function runPolicyInfo(flags: InfoFlags, output: Output): Promise<number> {
  const root = resolve(flags.dir);
  const { settings, errors } = readWorkspaceSettings(root);
  for (const e of errors) output.err(`${formatCliError(e)}\n`);
  applyBundleFlags(settings, flags, (t) => output.err(`clearance policy info: warning: ${t}`));
  const project = readProjectConfig(root);
  const set: BundleSet | undefined = createBundleSet(root, settings, project.config);
  if (set) await set.refresh();
  const policy = loadPolicy(root, settings.policy.paths, new Map(), {
    regoVersion: regoVersionOf(settings.policy.regoVersion),
    ...(set ? { bundlePolicy: set.policy() } : {}),
  });
  const print = (t: string) => output.out(redactTokensInText(t));
  if (flags.json) {
    print(
      `${JSON.stringify(
        {
          version: policy.version,
          source: set ? 'bundles' : 'workspace',
          bundles: policy.bundles?.bundles.map(({ metadata: _m, ...b }) => b) ?? [],
          regoFiles: policy.regoFiles.length,
          dataFiles: policy.dataFiles.length,
          errors: policy.errors,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    print(`policy    version ${policy.version}\n`);
    if (set) {
      for (const line of set.describe()) print(`bundle    ${line}\n`);
      for (const b of policy.bundles?.bundles ?? []) {
        if (b.wasmEntrypoints.length > 0) print(`wasm      ${b.name}: ${b.wasmEntrypoints.join(', ')}\n`);
      }
    } else {
      print(
        `source    ${policy.regoFiles.length} .rego and ${policy.dataFiles.length} data file(s) in ${root}\n`,
      );
    }
    for (const e of policy.errors) output.err(`${formatCliError(e)}\n`);
  }
  return policy.errors.length > 0 ? 2 : 0;
}
