/** Hashes and HMACs (crypto.md5, sha1, sha256, sha512, crypto.hmac.*), with Node's crypto. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { type BuiltinDef, defineBuiltin, param, stringArg } from './registry';

/** Declares a hash builtin. */
function hash(name: string, algorithm: string): BuiltinDef {
  return defineBuiltin({
    name,
    signature: { args: [param('x', 'string')], result: param('y', 'string') },
    description: `Returns a string representing the input string hashed with the ${algorithm.toUpperCase()} function.`,
    implementation: (args) => createHash(algorithm).update(stringArg(args, 0), 'utf8').digest('hex'),
  });
}

/** Declares an HMAC builtin. */
function hmac(name: string, algorithm: string): BuiltinDef {
  return defineBuiltin({
    name,
    signature: { args: [param('x', 'string'), param('key', 'string')], result: param('y', 'string') },
    description: `Returns a string representing the ${algorithm.toUpperCase()} HMAC of the input message using the input key.`,
    implementation: (args) =>
      createHmac(algorithm, stringArg(args, 1)).update(stringArg(args, 0), 'utf8').digest('hex'),
  });
}

/** The crypto builtins. */
export const cryptoBuiltins: BuiltinDef[] = [
  hash('crypto.md5', 'md5'),
  hash('crypto.sha1', 'sha1'),
  hash('crypto.sha256', 'sha256'),
  hash('crypto.sha512', 'sha512'),
  hmac('crypto.hmac.md5', 'md5'),
  hmac('crypto.hmac.sha1', 'sha1'),
  hmac('crypto.hmac.sha256', 'sha256'),
  hmac('crypto.hmac.sha512', 'sha512'),
  defineBuiltin({
    name: 'crypto.hmac.equal',
    signature: {
      args: [param('mac1', 'string'), param('mac2', 'string')],
      result: param('result', 'boolean'),
    },
    description:
      'Returns a boolean representing the result of comparing two MACs for equality without leaking timing information.',
    implementation: (args) => {
      const a = Buffer.from(stringArg(args, 0), 'utf8');
      const b = Buffer.from(stringArg(args, 1), 'utf8');
      return a.length === b.length && timingSafeEqual(a, b);
    },
  }),
];
