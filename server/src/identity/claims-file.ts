/**
 * "Evaluate as": claims from a JSON or YAML file, for policy authors who need to see what another
 * role sees. The identity built from them is `simulated`, never verified, and says so wherever it
 * is shown; nothing in the file is trusted beyond being the claims to try.
 */
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describeReadProblem, readBoundedFile } from './bounded-read';
import { readNumber, readString, toInputUser } from './claims';
import { findBadTimeClaim, jsonDepth, MAX_CLAIM_DEPTH } from './decode';
import { sanitizeText } from './display';
import type { ClaimMapping, Identity, IdentitySource } from './types';

/** Claims files larger than this are refused; a set of claims is a few hundred bytes. */
export const MAX_CLAIMS_FILE_BYTES = 256 * 1024;

/** Reads the claims file and builds the simulated identity; never throws. */
export async function readClaimsFile(
  path: string,
  baseDir: string,
  mapping: ClaimMapping,
): Promise<Identity> {
  const shown = sanitizeText(path, 120);
  const source: IdentitySource = { kind: 'claims', label: `claims file ${shown} (simulated)` };
  const invalid = (why: string): Identity => ({
    status: 'invalid',
    simulated: true,
    reason: `simulated identity: claims file ${shown} ${why}`,
    source,
  });
  const read = await readBoundedFile(isAbsolute(path) ? path : resolve(baseDir, path), MAX_CLAIMS_FILE_BYTES);
  if (!read.ok) return invalid(describeReadProblem(read.problem));
  if (jsonDepth(read.text) > MAX_CLAIM_DEPTH)
    return invalid(`nests objects or lists deeper than ${MAX_CLAIM_DEPTH} levels`);
  let claims: unknown;
  try {
    claims = /\.json$/i.test(path) ? JSON.parse(read.text) : parseYaml(read.text, { maxAliasCount: 16 });
  } catch (error) {
    return invalid(`is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}${describeLine(error)}`);
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
    return invalid('must hold an object of claims, e.g. {"sub": "bob", "roles": ["admin"]}');
  const record = { ...(claims as Record<string, unknown>) };
  const badTime = findBadTimeClaim(record);
  if (badTime !== undefined) return invalid(badTime.replace(/^malformed token: /, 'is malformed: '));
  const user = toInputUser(record, mapping);
  if (user === undefined)
    return invalid(`has no "${sanitizeText(mapping.id, 40)}" claim, so it names no user`);
  const identity: Identity = {
    status: 'simulated',
    simulated: true,
    reason: `simulated: evaluating as the claims in ${shown}, not your verified identity`,
    source,
    user,
    claims: record,
  };
  const issuer = readString(record, 'iss');
  if (issuer !== undefined) identity.issuer = issuer;
  const expiresAt = readNumber(record, 'exp');
  if (expiresAt !== undefined) identity.expiresAt = expiresAt;
  return identity;
}

/** The line of a YAML or JSON syntax error, without the parser's message (which quotes the text). */
function describeLine(error: unknown): string {
  const linePos = (error as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
  if (linePos !== undefined) return ` (line ${linePos.line}, column ${linePos.col})`;
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  return position ? ` (at character ${position[1]})` : '';
}
