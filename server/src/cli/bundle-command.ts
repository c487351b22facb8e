/**
 * `clearance bundle build` and `clearance bundle sign`: bundles and signatures in OPA's formats,
 * so a policy team can build and sign in its pipeline and OPA accepts the result. `build` packs
 * a folder's bundle files (`.rego`, `data.json`/`data.yaml`, `policy.wasm`, `.manifest`) into a
 * `.tar.gz`, setting the manifest's revision and roots when asked and signing when given a key;
 * `sign` writes `.signatures.json` for a folder or into an archive.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { activateBundles } from '../bundle/activate';
import { openBundle } from '../bundle/bundle';
import { type BundleFiles, readBundleFiles } from '../bundle/files';
import { defaultBundleLimits } from '../bundle/limits';
import { bundleAlgorithms, signaturesFile, signBundleFiles } from '../bundle/signature';
import { writeTarGz } from '../bundle/tar';
import { formatCliError } from './given-paths';
import type { Output } from './scan-command';

/** The signing flags `build` and `sign` share, OPA's names. */
interface SigningFlags {
  signingKey?: string;
  signingAlg: string;
  keyId?: string;
  scope?: string;
  claimsFile?: string;
}

/** `clearance bundle build`'s flags. */
interface BuildFlags extends SigningFlags {
  output: string;
  revision?: string;
  root?: string[];
}

const bundleFile = /(^|\/)(\.manifest|data\.json|data\.ya?ml|policy\.wasm|[^/]+\.rego)$/;

function addSigningFlags(command: Command, required: boolean): Command {
  const key = new Option(
    '--signing-key <file>',
    'the PEM private key (RS/PS/ES), or a file holding the HMAC secret (HS)',
  );
  if (required) key.makeOptionMandatory();
  return command
    .addOption(key)
    .addOption(
      new Option('--signing-alg <alg>', 'the JWS algorithm').choices([...bundleAlgorithms]).default('RS256'),
    )
    .option('--key-id <id>', "the key id: the JWS header's kid (and OPA's deprecated keyid claim)")
    .option('--scope <scope>', 'the scope claim verifiers must expect')
    .option('--claims-file <file>', 'a JSON file of extra claims for the signature payload (as opa sign)');
}

/** Registers `clearance bundle build` and `clearance bundle sign` under `program`. */
export function addBundleCommands(program: Command, output: Output, setExit: (code: number) => void): void {
  const bundle = program.command('bundle').description('build and sign OPA bundles that OPA itself accepts');
  addSigningFlags(
    bundle
      .command('build')
      .description(
        'pack a folder into an OPA bundle (.tar.gz), optionally setting revision and roots and signing it',
      )
      .argument('<dir>', 'the bundle folder')
      .option('-o, --output <file>', 'the archive to write', 'bundle.tar.gz')
      .option('-r, --revision <rev>', "the manifest's revision")
      .option(
        '--root <path>',
        "a manifest root, repeatable (replaces the manifest's roots)",
        (v, p: string[] = []) => [...p, v],
      ),
    false,
  ).action(async (dir: string, flags: BuildFlags) => setExit(await runBuild(dir, flags, output)));
  addSigningFlags(
    bundle
      .command('sign')
      .description('write .signatures.json for a bundle folder, or into a .tar.gz bundle, as opa sign does')
      .argument('<bundle>', 'a bundle folder or .tar.gz')
      .option(
        '-o, --output <file>',
        'where to write .signatures.json (default: inside the folder or archive)',
      ),
    true,
  ).action(async (path: string, flags: SigningFlags & { output?: string }) =>
    setExit(await runSign(path, flags, output)),
  );
}

async function runBuild(dir: string, flags: BuildFlags, output: Output): Promise<number> {
  let files: BundleFiles;
  try {
    files = readBundleFiles(dir, defaultBundleLimits);
  } catch (error) {
    output.err(`clearance bundle build: ${(error as Error).message}\n`);
    return 2;
  }
  const picked: BundleFiles = new Map([...files].filter(([p]) => bundleFile.test(p) && p !== signaturesFile));
  if (flags.revision !== undefined || flags.root) {
    let manifest: Record<string, unknown> = {};
    const existing = picked.get('.manifest');
    if (existing) {
      try {
        manifest = JSON.parse(existing.toString('utf8'));
      } catch (error) {
        output.err(`clearance bundle build: .manifest: ${(error as Error).message}\n`);
        return 1;
      }
    }
    if (flags.revision !== undefined) manifest.revision = flags.revision;
    if (flags.root) manifest.roots = flags.root;
    picked.set('.manifest', Buffer.from(`${JSON.stringify(manifest)}\n`));
  }
  // The bundle must load as OPA would load it: a broken one is not written.
  const opened = await openBundle(dir, dir, picked, undefined);
  const errors = opened.bundle
    ? activateBundles([{ bundle: opened.bundle, origin: { kind: 'local' } }]).errors
    : opened.errors;
  if (errors.length > 0) {
    for (const e of errors) output.err(`${formatCliError(e)}\n`);
    return 1;
  }
  if (flags.signingKey) {
    const signed = await sign(picked, flags, output);
    if (signed === undefined) return 2;
    picked.set(signaturesFile, Buffer.from(signed));
  }
  writeFileSync(flags.output, writeTarGz(picked));
  output.out(`${flags.output}: ${picked.size} file(s)${flags.signingKey ? ', signed' : ''}\n`);
  return 0;
}

async function runSign(
  path: string,
  flags: SigningFlags & { output?: string },
  output: Output,
): Promise<number> {
  let files: BundleFiles;
  let archive = false;
  try {
    archive = statSync(path).isFile();
    files = readBundleFiles(path, defaultBundleLimits);
  } catch (error) {
    output.err(`clearance bundle sign: ${(error as Error).message}\n`);
    return 2;
  }
  files.delete(signaturesFile);
  const signed = await sign(files, flags, output);
  if (signed === undefined) return 2;
  if (flags.output) writeFileSync(flags.output, signed);
  else if (archive) {
    files.set(signaturesFile, Buffer.from(signed));
    writeFileSync(path, writeTarGz(files));
  } else writeFileSync(join(path, signaturesFile), signed);
  output.out(`signed ${files.size - (archive && !flags.output ? 1 : 0)} file(s) with ${flags.signingAlg}\n`);
  return 0;
}

async function sign(files: BundleFiles, flags: SigningFlags, output: Output): Promise<string | undefined> {
  try {
    const key = readFileSync(flags.signingKey as string, 'utf8');
    const claims = flags.claimsFile
      ? (JSON.parse(readFileSync(flags.claimsFile, 'utf8')) as Record<string, unknown>)
      : {};
    return await signBundleFiles(files, {
      algorithm: flags.signingAlg,
      key: flags.signingAlg.startsWith('HS') ? key.trim() : key,
      ...(flags.keyId ? { keyId: flags.keyId } : {}),
      ...(flags.scope ? { scope: flags.scope } : {}),
      claims,
    });
  } catch (error) {
    output.err(`clearance bundle sign: ${(error as Error).message}\n`);
    return undefined;
  }
}
