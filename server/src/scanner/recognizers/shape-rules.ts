/**
 * The rules that decide whether a call's shape says it is an outgoing HTTP call whatever its client
 * (see shape-calls.ts): what an API path looks like, which callee names are HTTP verbs or request
 * senders, and which files, receivers and callees belong to servers, tests, mocks or key-value
 * stores, whose calls look alike and are not requests.
 */

import type { UrlSegment } from '../types';

/** The standard methods a verb argument or a verb-named callee may give. */
export const SHAPE_VERBS: ReadonlySet<string> = new Set([
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
]);

// A callee named for a verb, as SDKs spell their own helpers: `get`, `_get`, `__get`, `Get`, `GET`,
// `do_get`, `doGet`, `raw_get`, `http_get`, `apiPost`, `_delete`, `getJSON`. The verb is lower case,
// capitalised or upper case as a whole (`gEt` is no verb), set off from a prefix by `_` or its
// capital (`doget` is no spelling anyone uses); `options` is left out (a configuration getter far
// more often than a request).
const VERB = 'get|post|put|patch|delete|head';
const VERB_CALLEE = new RegExp(
  `^_{0,2}(?:(?:do|raw|http|api|send)_(?:${VERB})|(?:do|raw|http|api|send)?(?:Get|Post|Put|Patch|Delete|Head)|(?:${VERB})|(?:${VERB.toUpperCase()}))(?:_?(?:json|JSON|Json))?$`,
);
const VERB_WORD = new RegExp(`(${VERB})`, 'i');

/** The verb a callee's name says (`_get` → GET), if it is named for one. */
export function readVerbCallee(name: string): string | undefined {
  if (!VERB_CALLEE.test(name)) return undefined;
  return VERB_WORD.exec(name.replace(/^_*(?:do|raw|http|api|send)_?/i, ''))?.[1]?.toUpperCase();
}

// Words of a callee that sends a request it is given a method for: `request`, `_api_request`,
// `RequestWithBucketID`, `Do`, `Call`, `send`, `REST`, `newRequest`, `execute`, `perform`.
const SENDER_WORDS = new Set([
  'request',
  'req',
  'send',
  'call',
  'do',
  'fetch',
  'exec',
  'execute',
  'perform',
  'invoke',
  'http',
  'rest',
  'api',
  'dispatch',
]);

/** The words of a name: `RequestWithBucketID` → request, with, bucket, id; `_api_call` → api, call. */
export function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}

/** Whether a callee handed a method and a URL is named like something that sends a request. */
export function isSenderName(name: string): boolean {
  return splitWords(name).some((word) => SENDER_WORDS.has(word));
}

// Callees that register routes, match or authorise requests, or mock them, whatever their arguments.
const NOT_SENDER_WORDS = new Set([
  'handle',
  'handler',
  'route',
  'router',
  'register',
  'mock',
  'stub',
  'fake',
  'expect',
  'intercept',
  'match',
  'matches',
  'allow',
  'enforce',
  'permission',
  'log',
  'test',
]);

/** Whether a name says it registers, matches, mocks or logs rather than sends. */
export function isNotSenderName(name: string): boolean {
  return splitWords(name).some((word) => NOT_SENDER_WORDS.has(word));
}

// Receivers that hold a server, a router, a test double, or keys and values (whose `get`/`put`/
// `delete` of a slash-separated key looks like a request): by the words of their last name.
const NOT_CLIENT_WORDS = new Set([
  'app',
  'application',
  'router',
  'routes',
  'route',
  'server',
  'mux',
  'engine',
  'group',
  'blueprint',
  'bp',
  'fastify',
  'koa',
  'express',
  'hono',
  'cache',
  'caches',
  'config',
  'conf',
  'cfg',
  'settings',
  'env',
  'environ',
  'environment',
  'store',
  'storage',
  'map',
  'dict',
  'kv',
  'redis',
  'memcache',
  'memcached',
  'db',
  'database',
  'params',
  'headers',
  'cookies',
  'cookie',
  'form',
  'args',
  'kwargs',
  'meta',
  'metadata',
  'props',
  'state',
  'registry',
  'mapping',
  'mappings',
  'lookup',
  'index',
  'table',
  'memo',
  'seen',
  'visited',
  'options',
  'opts',
  'os',
  'fs',
  'path',
  'files',
  'bucket',
  's3',
  'mock',
  'mocker',
  'mocks',
  'nock',
  'httpmock',
  'responses',
  'fake',
  'stub',
  'spy',
  'sinon',
  'cy',
  'page',
  'context',
  'ctx',
  'req',
  'res',
  'response',
  'window',
  'document',
  'history',
]);

/** Whether a receiver's last name says it is no HTTP client (a router, a store, a test double). */
export function isNotClientReceiver(name: string): boolean {
  const words = splitWords(name);
  return words.some((word) => NOT_CLIENT_WORDS.has(word)) || /^(?:r|e|g|v\d+)$/i.test(name);
}

// Test and mock files: their calls are requests a test makes of its own server, or mocked ones.
const TEST_FILE =
  /(?:^|[\\/])(?:tests?|__tests__|__mocks__|mocks?|fixtures?|testdata|testing|e2e|cypress|spec|specs)[\\/]|(?:^|[\\/])(?:test_[^\\/]*|[^\\/]*_test|conftest)\.py$|_test\.go$|\.(?:test|spec|cy|e2e)\.[cm]?[jt]sx?$/i;

/**
 * Whether a file is a test, a mock or a fixture by its path: its name and its three nearest folders
 * (a folder further up, such as a checkout under `~/testing/`, says nothing of the project's files).
 */
export function isTestFile(file: string): boolean {
  return TEST_FILE.test(file.split(/[\\/]/).slice(-4).join('/'));
}

// Modules of server frameworks: a file importing one defines routes (`app.get('/x', h)`,
// `r.GET("/x", h)`, `@app.get("/x")`), whose shape is a verb-named call with a path.
const SERVER_MODULES =
  /(?:['"`](?:express|koa|koa-router|@koa\/router|fastify|@hapi\/hapi|hapi|restify|hono|polka|@nestjs\/[\w-]+|next\/server|h3|elysia)['"`])|(?:['"`]github\.com\/(?:gin-gonic\/gin|labstack\/echo|go-chi\/chi|gorilla\/mux|gofiber\/fiber|julienschmidt\/httprouter|kataras\/iris|beego\/beego|astaxie\/beego|cloudwego\/hertz|zeromicro\/go-zero\/rest|emicklei\/go-restful)[\w./-]*['"`])|(?:^\s*(?:from|import)\s+(?:flask|fastapi|starlette|django\.urls|aiohttp\.web|tornado\.web|sanic|bottle|falcon|quart|litestar)\b)/m;

/** Whether a file imports a server framework (it defines routes). */
export function importsServerFramework(text: string): boolean {
  return SERVER_MODULES.test(text);
}

// A file path or a system folder, not an API path.
const FILE_PATH =
  /^(?:\.{1,2}\/|~|\/(?:tmp|etc|var|usr|home|dev|proc|sys|opt|bin|Users|mnt|private)(?:\/|$))/;
const FILE_EXTENSION = /\.[A-Za-z][A-Za-z0-9]{0,4}$/;
const SEGMENT = /^[A-Za-z0-9_.{}%$:~@+,;=-]*$/;

/** How strongly a URL looks like an API path: `/users/{}` or `https://...` (rooted), `users/{}` (relative). */
export type PathStrength = 'rooted' | 'relative' | undefined;

/**
 * Reads a URL template (its parts unknown at the call written `{}`) as an API path: an absolute
 * `http(s)` URL, or segments of `[A-Za-z0-9_.{}%$:~@+,;=-]` joined by `/`, rooted (`/users`, or a
 * base expression then `/users`) or relative with at least one `/` (`repos/{}/{}`), with at least
 * one letter written, no spaces, not a file or system path (`./x`, `../x`, `/tmp`, `/etc`), and no
 * file extension on its last segment (`.json`, `.png`) unless `extensions` allows one.
 */
export function readPathStrength(segments: readonly UrlSegment[], extensions: boolean): PathStrength {
  let template = segments.map((s) => (s.kind === 'literal' ? s.text : '{}')).join('');
  const literal = segments
    .filter((s) => s.kind === 'literal')
    .map((s) => (s.kind === 'literal' ? s.text : ''))
    .join('');
  if (!/[A-Za-z]/.test(literal.replace(/^https?:\/\/[^/]*/i, ''))) return undefined;
  template = template.replace(/[?#].*$/s, '');
  let rooted = false;
  const absolute = /^https?:\/\/[^/\s]+/i.exec(template);
  if (absolute !== null) {
    template = template.slice(absolute[0].length) || '/';
    rooted = true;
  } else if (template.startsWith('{}/')) {
    template = template.slice(2);
    // `{url}/{id}/copy`: after an unknown base, a path whose first segment is unknown too says
    // little of where the call goes (the base may hold most of the path).
    if (template.startsWith('/{}')) return undefined;
    rooted = true;
  } else if (template.startsWith('/')) rooted = true;
  if (FILE_PATH.test(template) || /\s/.test(template) || template.includes('//')) return undefined;
  const parts = template.replace(/^\//, '').replace(/\/$/, '').split('/');
  if (parts.some((part) => !SEGMENT.test(part))) return undefined;
  if (!rooted && (parts.length < 2 || parts.some((part) => part === ''))) return undefined;
  const last = parts[parts.length - 1] ?? '';
  if (!extensions && FILE_EXTENSION.test(last) && !/\}$/.test(last)) return undefined;
  return rooted ? 'rooted' : 'relative';
}
