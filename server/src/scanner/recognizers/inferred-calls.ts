/** The call built at an inferred client's call site, and the marks the project pass reads off it. */

import type { Node } from 'web-tree-sitter';
import { isParameterAt } from '../project/assigned-values';
import { isJsLanguage } from '../project/code-shape';
import { writesChoices } from '../project/conditional-urls';
import { readDescriptorAttribute } from '../project/descriptors';
import { readRequestEndpoint } from '../project/go-request-types';
import { guardedCalls } from '../project/guarded-urls';
import { carriesTakenApartKey, readCallbackRequest } from '../project/js-request-links';
import { readPassedOptionsParam } from '../project/passed-options';
import { readRestSegment } from '../project/python-splat-forwarders';
import { isBuiltFromParameter } from '../project/python-url-builders';
import { wrapperKey } from '../project/single-report';
import type { WrapperDefinition } from '../project/types';
import { mergeSegments, readUrlValue } from '../project/values';
import { sliceNode } from '../syntax';
import type { HttpCall, UrlSegment } from '../types';
import type { ScanContext } from './context';
import { joinRelativeToBase } from './go-http';
import {
  isWithoutKey,
  readArguments,
  readDefaultValue,
  readKeyNode,
  readLocalObject,
  readMethodValue,
  readObjectValue,
} from './inferred-arguments';
import { splitPathParameters } from './path-parameters';

// A parameter named for an identifier: `id`, `userID`, `messageId`, `team_id`.
const ID_PARAMETER = /(?:^id|ID|Id|_id)$/;

/**
 * Inferred calls whose URL argument writes no literal part of the URL (`this.update(ctx, id)`): the
 * URL is all the wrapper's. The project pass uses this to report a forwarding call only once.
 */
export const urlNotWrittenHere = new WeakSet<HttpCall>();

/**
 * Inferred calls kept only because they pass the caller's own parameters on to a wrapper that
 * writes its URL around them: never reported themselves (the function around them becomes a
 * wrapper, whose call sites are), only read by the project pass.
 */
export const passedOn = new WeakSet<HttpCall>();

/**
 * Inferred calls that hand the caller's parameters to a wrapper writing its own URL around them
 * (`loadMessages(value)` over `` get(`/messages/${locale}.json`) ``): the function around is such a
 * wrapper in turn, not one that forwards a whole URL, so its callers passing values stay silent.
 */
export const intoWrittenUrl = new WeakSet<HttpCall>();

/**
 * Per scan, the wrappers called without any part of the URL written (`deleteOrder(id)`): nothing
 * is reported there, so the call inside the wrapper is the only report (see single-report.ts).
 */
export const silentSites = new WeakMap<ScanContext, Set<string>>();
/** The call of `definition` at `call` (its callee `callee`), with the caller's arguments in its URL and method. */
export function buildCall(
  context: ScanContext,
  definition: WrapperDefinition,
  call: Node,
  callee: Node,
): HttpCall | undefined {
  const { positional, keywords } = readArguments(context, call, callee);
  const argumentAt = (index: number | undefined): Node | undefined => {
    if (index === undefined) return undefined;
    // Python: the parameters after a `*args` take keywords only.
    if (definition.rest !== undefined && index >= definition.rest.index)
      return keywords.get(definition.params[index] ?? '');
    const given = positional[index] ?? keywords.get(definition.params[index] ?? '');
    // `(r) => this.sendOnce(r)` handed to a retry helper: `r` is the request the helper was handed.
    return given !== undefined && isJsLanguage(context.language)
      ? (readCallbackRequest(given, context.text, context.root) ?? given)
      : given;
  };
  const urlParamName =
    definition.urlParam === undefined
      ? undefined
      : definition.params[definition.urlParam] || definition.urlKey;
  const urlHolder = argumentAt(definition.urlParam);
  // A request descriptor built at the call (`Route('GET', '/users/{id}', id=i)`) for Python's keys.
  const descriptor =
    definition.urlKey === undefined || urlHolder === undefined
      ? undefined
      : context.language === 'python'
        ? readDescriptorAttribute(context, urlHolder, definition.urlKey, context.project.shared)
        : readRequestEndpoint(context, urlHolder, definition.urlKey, context.project.shared);
  const urlArgument =
    definition.urlKey === undefined || urlHolder === undefined
      ? urlHolder
      : readKeyNode(context, urlHolder, definition.urlKey);
  // Go: the caller's own struct parameter handed on (`adm.newRequest(ctx, method, reqData)`): its
  // field, so the caller is a wrapper of that field in turn.
  const passedField =
    context.language === 'go' &&
    definition.urlKey !== undefined &&
    urlArgument === undefined &&
    urlHolder?.type === 'identifier' &&
    isParameterAt(urlHolder, sliceNode(context.text, urlHolder), context.text)
      ? urlHolder
      : undefined;
  // JS: the caller's own options parameter handed on whole or spread (`this.#send({ ...options,
  // method: 'POST' })`): its key, so the caller is a wrapper of that key in turn.
  const passedOptions =
    definition.urlKey !== undefined && urlArgument === undefined && urlHolder !== undefined
      ? readPassedOptionsParam(context, urlHolder, definition.urlKey)
      : undefined;
  if (
    definition.urlParam !== undefined &&
    urlArgument === undefined &&
    descriptor === undefined &&
    passedField === undefined &&
    passedOptions === undefined
  )
    return undefined;
  const argumentSegments: UrlSegment[] =
    descriptor ??
    (passedOptions !== undefined
      ? [{ kind: 'expr', source: `${sliceNode(context.text, passedOptions)}.${definition.urlKey}` }]
      : undefined) ??
    (passedField !== undefined
      ? [{ kind: 'expr', source: `${sliceNode(context.text, passedField)}.${definition.urlKey}` }]
      : urlArgument === undefined
        ? []
        : splitPathParameters(
            readUrlValue(urlArgument, context.language, context.text, context.root, context.project.shared),
          ));
  let writesUrl =
    (writesLiteral(argumentSegments) && !isLiteralId(context, urlParamName, argumentSegments)) ||
    // `update(linkId ? \`/links/${linkId}\` : '/links')`: the caller writes each URL it picks.
    (isJsLanguage(context.language) && urlArgument !== undefined && writesChoices(urlArgument, context.text));
  const urlArguments =
    urlArgument === undefined
      ? passedField !== undefined
        ? [passedField]
        : passedOptions !== undefined
          ? [passedOptions]
          : []
      : [urlArgument];
  const segments: UrlSegment[] = [];
  for (const segment of definition.url) {
    if (segment.kind === 'expr' && segment.source === urlParamName) {
      joinPath(segments, argumentSegments);
      continue;
    }
    // Python's `*args` joined (`"/".join((self.PREFIX, *parts))`): the caller's positional
    // arguments from the splat on; a class attribute of the caller's class the URL names.
    const rest =
      definition.rest === undefined
        ? undefined
        : readRestSegment(context, definition, segment, call, positional);
    if (rest !== undefined) {
      writesUrl ||= rest.writes;
      urlArguments.push(...rest.nodes);
      joinPath(segments, rest.segments);
      if (rest.segments.length === 0) trimSeparator(segments, definition.rest?.separator);
      continue;
    }
    // Another parameter the URL names (`${resource}/${slug}`, `endpoint+path`): the caller's value,
    // or its default.
    const index = segment.kind === 'expr' ? definition.params.indexOf(segment.source) : -1;
    const other = index >= 0 ? argumentAt(index) : undefined;
    const fallback = definition.defaults?.find(([at]) => at === index)?.[1];
    if (other !== undefined) {
      urlArguments.push(other);
      const value = readUrlValue(other, context.language, context.text, context.root, context.project.shared);
      writesUrl ||= writesLiteral(value) && !isLiteralId(context, definition.params[index], value);
      joinPath(segments, value);
    } else if (index >= 0 && fallback !== undefined) segments.push({ kind: 'literal', text: fallback });
    else segments.push({ ...segment });
  }
  // Passing an id to a function that writes its own URL: the call inside it is the report. Passing
  // the caller's own parameters on (`adminRequest(ctx, action, team)` calling such a function with
  // `action` and `team`) makes the caller a wrapper in turn: the call is kept for the project pass
  // and reported at the caller's call sites that write the URL.
  const passing = (!definition.forwards || definition.guarded === true) && !writesUrl;
  if (
    passing &&
    !passesParameters(context, urlArguments) &&
    !(
      isJsLanguage(context.language) &&
      carriesTakenApartKey(call, argumentSegments, context.language, context.text)
    )
  ) {
    const silent = silentSites.get(context) ?? new Set<string>();
    silent.add(wrapperKey(definition.site, viaName(definition)));
    silentSites.set(context, silent);
    return undefined;
  }
  let method = definition.method;
  let methodSource: string | undefined;
  if (method === undefined) {
    const argument = argumentAt(definition.methodParam);
    const described =
      argument === undefined || definition.methodKey === undefined
        ? undefined
        : context.language === 'python'
          ? readDescriptorAttribute(context, argument, definition.methodKey, context.project.shared)
          : readRequestEndpoint(context, argument, definition.methodKey, context.project.shared);
    // Go: the caller's own request parameter handed on (`cli.build(req)`): its method, so the
    // caller is a wrapper reading it in turn.
    const passedMethod =
      described === undefined &&
      context.language === 'go' &&
      definition.methodKey?.endsWith('()') === true &&
      argument?.type === 'identifier' &&
      isParameterAt(argument, sliceNode(context.text, argument), context.text)
        ? `${sliceNode(context.text, argument)}.${definition.methodKey}`
        : undefined;
    if (passedMethod !== undefined) methodSource = passedMethod;
    else if (described !== undefined) {
      const [only, ...rest] = described;
      if (rest.length === 0 && only?.kind === 'literal' && /^[A-Za-z]+$/.test(only.text))
        method = only.text.toUpperCase();
      else methodSource = described.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
    } else if (context.language === 'go' && argument !== undefined && definition.methodKey !== undefined) {
      // An operation struct's method field (`&Operation{HTTPMethod: "GET", ...}`).
      const field = readKeyNode(context, argument, definition.methodKey);
      method = field === undefined ? undefined : readMethodValue(context, field);
    } else if (argument !== undefined) {
      const options = definition.methodKey === undefined ? argument : readLocalObject(context, argument);
      const valueNode =
        definition.methodKey === undefined
          ? argument
          : (readObjectValue(context, options, definition.methodKey) ??
            readDefaultValue(context, options, definition.methodKey) ??
            // `{ url, method }` handed on: the caller's own `method`, read where it was taken apart.
            readKeyNode(context, options, definition.methodKey));
      method = valueNode === undefined ? undefined : readMethodValue(context, valueNode);
      if (method === undefined && valueNode !== undefined) methodSource = sliceNode(context.text, valueNode);
      if (
        valueNode === undefined &&
        definition.methodKey !== undefined &&
        isWithoutKey(context, options, definition.methodKey)
      )
        method = definition.methodDefault;
    } else {
      method = definition.methodDefault;
    }
  }
  // `_fetch(path, as_post=True)`: the flag picks the wrapper's other verb (`post_json=body`: any value).
  const flag =
    definition.methodFlag === undefined ? undefined : argumentAt(definition.methodFlag.index)?.type;
  if (
    flag === 'true' ||
    (definition.methodFlag?.given === true && flag !== undefined && !['none', 'false'].includes(flag))
  )
    method = definition.methodFlag?.method;
  // Go's `apiRoot(host)` before a caller's `repos/...`: the base's own `/`, as the recogniser reads it.
  const joined =
    definition.language === 'go' ? joinRelativeToBase(mergeSegments(segments)) : mergeSegments(segments);
  const source = joined.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
  const known = joined.some((s) => s.kind === 'literal');
  const found: HttpCall = {
    kind: 'http',
    client: definition.client,
    method,
    url: { source, segments: joined, known },
    location: context.locateNode(call),
    calleeLocation: context.locateCallee(callee),
    text: context.readExcerpt(call),
    origin: 'inferred',
    via: {
      name: viaName(definition),
      file: definition.site.file,
      line: definition.site.line,
    },
    ...(methodSource === undefined ? {} : { methodSource }),
  };
  if (!writesUrl) urlNotWrittenHere.add(found);
  if (passing) passedOn.add(found);
  if (passing && !definition.forwards) intoWrittenUrl.add(found);
  if (definition.guarded === true) guardedCalls.add(found);
  return found;
}

// `Owner.name`, or a plain function's name: how a call's `via` names its wrapper.
function viaName(definition: WrapperDefinition): string {
  return definition.owner === undefined ? definition.name : `${definition.owner}.${definition.name}`;
}

// Whether some URL argument is a parameter of the function around the call.
function passesParameters(context: ScanContext, nodes: readonly Node[]): boolean {
  return nodes.some(
    (node) =>
      node.type === 'identifier' &&
      (isParameterAt(node, sliceNode(context.text, node), context.text) ||
        isBuiltFromParameter(context, node)),
  );
}

// The caller's part after the wrapper's: one `/` where both bring one (`.../1/` and `/boards`), as
// a client's base URL is joined to a path.
function joinPath(segments: UrlSegment[], part: readonly UrlSegment[]): void {
  const last = segments[segments.length - 1];
  const [first, ...rest] = part;
  if (
    last?.kind === 'literal' &&
    last.text.endsWith('/') &&
    first?.kind === 'literal' &&
    first.text.startsWith('/')
  )
    segments.push({ kind: 'literal', text: first.text.slice(1) }, ...rest);
  else segments.push(...part);
}

// No parts for a `*args` path: no separator after the part before it (`("jobs", *parts)` is `jobs`).
function trimSeparator(segments: UrlSegment[], separator: string | undefined): void {
  const last = segments[segments.length - 1];
  if (separator !== undefined && last?.kind === 'literal' && last.text.endsWith(separator))
    segments[segments.length - 1] = { kind: 'literal', text: last.text.slice(0, -separator.length) };
}

// Go: `s.WebhookMessage(app, token, "@original")`, a literal handed to a parameter named for an
// identifier (`messageID`, `id`): a value the wrapper puts in its own URL, as a variable would be,
// so the call inside the wrapper stays the only report of the request.
function isLiteralId(context: ScanContext, param: string | undefined, value: readonly UrlSegment[]): boolean {
  if (context.language !== 'go' || param === undefined || !ID_PARAMETER.test(param)) return false;
  const [only, ...rest] = value;
  return rest.length === 0 && only?.kind === 'literal' && !only.text.includes('/');
}

function writesLiteral(segments: readonly UrlSegment[]): boolean {
  return segments.some((segment) => segment.kind === 'literal' && segment.text !== '');
}
