/**
 * Residual conditions in plain words: `input.resource.owner_id == "alice"`, asked for alice, reads
 * "you own the order". Only shapes that are recognised for certain get words (the caller's own id
 * or email compared with a resource attribute, a role in a resource's list, a flag on the resource
 * or the context, the action or method); anything else gets none, and the Rego is always shown too.
 */

/** Who is asking and about what, as far as the words need it. */
export interface WordsContext {
  userIds: string[];
  roles: string[];
  resourceType: string;
}

const STRING = '"((?:[^"\\\\]|\\\\.)*)"';
const ATTR = '([A-Za-z_][A-Za-z0-9_]*)';
const OWNER_ATTR =
  /^(owner|owner_id|ownerid|owned_by|user|user_id|userid|created_by|author|author_id|creator)$/i;
const MEMBER_ATTR =
  /(members|users|owners|editors|viewers|readers|writers|collaborators|shared_with|assignees)$/i;
const MFA_PATHS = /^input\.context\.(mfa|mfa_verified|step_up|stepped_up|amr)$/;

/** Plain words for one residual condition, or undefined when its shape is not recognised. */
export function describeCondition(condition: string, context: WordsContext): string | undefined {
  const negated = /^not\s+/.test(condition);
  const body = condition.replace(/^not\s+/, '').trim();
  const words = describePositive(body, context);
  if (words === undefined) return undefined;
  return negated ? negate(words) : words;
}

/** Words for a condition that is not negated. */
function describePositive(text: string, c: WordsContext): string | undefined {
  const the = `the ${c.resourceType}`;
  let m = new RegExp(`^input\\.resource\\.${ATTR} (==|!=) ${STRING}$`).exec(text);
  if (m) {
    const [, attr, op, raw] = m as unknown as [string, string, string, string];
    const value = decodeRegoString(raw);
    const equal = op === '==';
    if (c.userIds.includes(value)) {
      if (OWNER_ATTR.test(attr)) return equal ? `you own ${the}` : `you do not own ${the}`;
      return `${the}'s ${humanize(attr)} is ${equal ? '' : 'not '}you`;
    }
    if (attr === 'id') return `${the} is ${equal ? '' : 'not '}${c.resourceType} ${value}`;
    return `${the}'s ${humanize(attr)} is ${equal ? '' : 'not '}"${value}"`;
  }
  m = new RegExp(`^${STRING} in input\\.resource\\.${ATTR}$`).exec(text);
  if (m) {
    const [, raw, attr] = m as unknown as [string, string, string];
    const value = decodeRegoString(raw);
    if (c.userIds.includes(value) && humanize(attr) === 'shared with') return `${the} is shared with you`;
    if (c.userIds.includes(value))
      return MEMBER_ATTR.test(attr)
        ? `you are one of ${the}'s ${humanize(attr)}`
        : `you are in ${the}'s ${humanize(attr)}`;
    if (c.roles.includes(value)) return `your role ${value} is in ${the}'s ${humanize(attr)}`;
    return `"${value}" is in ${the}'s ${humanize(attr)}`;
  }
  m = new RegExp(`^input\\.resource\\.${ATTR}$`).exec(text);
  if (m) return `${the} is ${humanize(m[1] as string)}`;
  m = new RegExp(`^input\\.resource\\.${ATTR} == (true|false)$`).exec(text);
  if (m) return `${the} is ${m[2] === 'true' ? '' : 'not '}${humanize(m[1] as string)}`;
  if (MFA_PATHS.test(text) || /^input\.context\.(mfa|mfa_verified|step_up|stepped_up) == true$/.test(text))
    return 'you have stepped up with MFA';
  if (/^"mfa" in input\.context\.amr$/.test(text)) return 'you have stepped up with MFA';
  m = new RegExp(`^input\\.action (==|!=) ${STRING}$`).exec(text);
  if (m) return `the action is ${m[1] === '==' ? '' : 'not '}${decodeRegoString(m[2] as string)}`;
  m = new RegExp(`^input\\.context\\.request\\.method (==|!=) ${STRING}$`).exec(text);
  if (m) return `the method is ${m[1] === '==' ? '' : 'not '}${decodeRegoString(m[2] as string)}`;
  return undefined;
}

/** The negation of a sentence built above. */
function negate(words: string): string {
  if (words.startsWith('you own ')) return words.replace('you own ', 'you do not own ');
  if (words.startsWith('you are ')) return words.replace('you are ', 'you are not ');
  if (words.startsWith('you have ')) return words.replace('you have ', 'you have not ');
  if (/^the .+? is (?!not )/.test(words)) return words.replace(/ is /, ' is not ');
  if (/^the .+? is not /.test(words)) return words.replace(/ is not /, ' is ');
  return `not (${words})`;
}

/** `owner_id` -> `owner id`, `sharedWith` -> `shared with`. */
function humanize(attr: string): string {
  return attr
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
}

/** The text of a Rego string literal's body. */
function decodeRegoString(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
