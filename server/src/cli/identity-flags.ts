/** The identity flags every CLI command shares. */
import type { Command } from 'commander';

/** Declares the identity flags on `command`. */
export function addIdentityFlags(command: Command): Command {
  return command
    .option('--token-file <file>', 'read the identity token (a JWT) from this file')
    .option(
      '--token-env <name>',
      'read the identity token from this environment variable (default CLEARANCE_TOKEN)',
    )
    .option(
      '--jwks-file <file>',
      "verify the token with the identity provider's public keys in this JWKS file",
    )
    .option('--jwks-url <url>', 'verify the token with the JWKS at this URL')
    .option('--issuer <iss>', 'require this token issuer (iss)')
    .option('--audience <aud>', 'require this token audience (aud)');
}
