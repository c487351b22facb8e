/**
 * What the project pass knows about a project's own HTTP clients: the functions and methods that
 * pass their parameters on to a recognised call (wrappers), the client instances a module exports,
 * and the classes and typed fields that tell which object a call goes to. Plain data, so one file's
 * facts can be kept in the workspace index and replaced when that file changes.
 */

import type { HttpClient, ScanLanguage, UrlSegment } from '../types';
import type { InheritFacts } from './inherited-senders';
import type { InheritView } from './inherited-view';
import type { RequestObjectFact } from './js-request-objects';
import type { HeldSessionFact, HeldSessionFacts } from './python-held-sessions';

/** Where a wrapper is written, for the explanation a call gets ("via `Adapter.get` (adapters.py:135)"). */
export interface DefinitionSite {
  file: string;
  line: number;
}

/**
 * A project function or method that makes an HTTP call with what its caller passes: its call sites
 * are calls. The URL at a call site is `url` with the `{param}` expression segment replaced by the
 * argument in that position.
 */
export interface WrapperDefinition {
  kind: 'wrapper';
  language: ScanLanguage;
  /** The function or method name as called (`get`, `NewRequest`, `fetchApi`). */
  name: string;
  /**
   * The class (or, for an object literal's method, the variable) it belongs to: `Adapter`, `api`.
   * Absent for a plain function.
   */
  owner?: string;
  /** Parameter names in argument order, without `self`/`this`/`cls` or a Go receiver. */
  params: string[];
  /** The method: fixed, or taken from the argument in `methodParam`'s position (or its `method` key). */
  method?: string;
  methodParam?: number;
  /** When the method is the `method` property of an options object in that position. */
  methodKey?: string;
  /** The method when the caller gives none (`const { method = 'GET' } = options`). */
  methodDefault?: string;
  /**
   * Python: the method a caller gets by passing `True` for the flag at `index` (`as_post=True`), or
   * with `given` any value but `None`/`False` (`post_json=body`).
   */
  methodFlag?: { index: number; method: string; given?: boolean };
  /** The URL comes from the argument in this position; absent: the URL is fixed. */
  urlParam?: number;
  /** When the URL is this property of an options object in that position (`send({ path })`). */
  urlKey?: string;
  /**
   * Python: the `*args` parameter at `index` of `params` (written `*name`, as the URL names it):
   * the caller's positional arguments from there on, joined with `separator`. Parameters after it
   * are keyword-only. Its `self.NAME` URL parts are read in the caller's class.
   */
  rest?: { index: number; separator: string };
  /** Constant defaults of other parameters the URL names (`get(resource, slug = "")`), by position. */
  defaults?: Array<[number, string]>;
  /** The URL template; an `expr` segment whose source is the URL parameter's name takes the argument. */
  url: UrlSegment[];
  client: HttpClient;
  site: DefinitionSite;
  /**
   * True when the wrapper writes no part of the URL itself (`request(url)` around `fetch(url)`): its
   * call sites are the only report of the request. Otherwise (`deleteOrder(id)` around
   * `fetch(\`/api/orders/${id}\`)`) the call inside is reported, and a call site is reported too
   * only when it writes part of the URL (`send('/orders')`), not when it passes an id along.
   */
  forwards: boolean;
  /** True when every caller is in the project (a private function or method; see single-report.ts). */
  private?: boolean;
  /**
   * `default` for a module's anonymous default-exported function (`export default (url) => ...`):
   * `name` is then the last word of the module's file name, which importers write in their import
   * path, and calls are matched under the name each importer gives it.
   */
  exportedAs?: 'default';
  /**
   * True for a curried helper (`get<T>()` returning the sender): its call sites call its result at
   * once (`Helpers.get<T>()(service, url)`), and `params` are the returned function's.
   */
  curried?: boolean;
  /**
   * JS: a request object's class (`name`), its parameters the constructor's: a construction sent by
   * calling this method on it (`new PostRequest(path).withBody(b).send()`) is the request.
   */
  constructs?: string;
  /**
   * True when the wrapper fetches its URL parameter only after testing that it is a URL (a
   * resolver of files, buffers or URLs): only callers that write part of the URL are reported.
   */
  guarded?: boolean;
}

/** A client instance a module binds to a name (`export const api = axios.create(...)`). */
export interface InstanceDefinition {
  kind: 'instance';
  language: ScanLanguage;
  /** The name importers write: the exported name, or for a default export the module's file name. */
  name: string;
  /** `default` when the module exports the instance as its default (`export default service`). */
  exportedAs?: 'default';
  /** The name the module declares it under, when that is not `name`. */
  declared?: string;
  client: HttpClient;
  base?: UrlSegment[];
  site: DefinitionSite;
}

/** A class and the classes it names as its bases, as written. */
export interface ClassFact {
  name: string;
  bases: string[];
}

/** A module-level function that returns a URL built on its first parameter (`get_api_url(path)`). */
export interface HelperFact {
  name: string;
  param: string;
  /** A request descriptor's constructor parameters in order (`Route.url`), each `expr` by name. */
  params?: string[];
  /** The URL returned; the `expr` segment whose source is `param` takes the argument. */
  url: UrlSegment[];
  /** Go: `param` is a Printf format whose verbs the arguments after it fill (`formatAPIPath`). */
  format?: boolean;
  /** JS: the second argument is a map of owners written before the path (`getPath(p, { teams: id })`). */
  prefixMap?: boolean;
  /** Go: a method joining its variadic `param`'s parts with this separator after `url` (`Service.URL`). */
  joinSeparator?: string;
  /** Python: joins its first two arguments with one `/` between them (`build_url(base, path)`). */
  joinsPath?: boolean;
  /** Go: a package helper returning a call of `target` (a builder method or helper) with these arguments. */
  goCall?: { target: string; args: UrlSegment[][] };
  /** Go: an exported function returning a path built on its parameters (`endpoints.Invoice(id)`). */
  goPath?: boolean;
}

/** A class's constructor: which parameter it stores in which field, and hands to `super(...)`. */
export interface ConstructorFact {
  owner: string;
  /** `[parameter index, field]` for `this.field = parameter`. */
  fields: Array<[number, string]>;
  /** `[parameter index, super argument index]` for `super(..., parameter, ...)`. */
  supers: Array<[number, number]>;
}

/** `new Constructed(..., this, ...)` inside class `holder`, `this` at argument `index`. */
export interface InjectionFact {
  constructed: string;
  index: number;
  holder: string;
}

/** A Python class that extends a library's session class (`class Retrying(requests.Session)`). */
export interface SessionClassFact {
  name: string;
  client: HttpClient;
  site: DefinitionSite;
}

/** One file's contribution to the project view. */
export interface FileFacts {
  definitions: WrapperDefinition[];
  instances: InstanceDefinition[];
  classes: ClassFact[];
  /** `field name -> type name` for class fields declared with a class type (`_client: OpenAI`). */
  fieldTypes: Array<[string, string]>;
  /** JS/TS constructors and the `new C(this)` sites that inject a class into them. */
  constructors?: ConstructorFact[];
  injections?: InjectionFact[];
  /** Module-level string constants, read with the module's own constants written in. */
  constants?: Array<[string, UrlSegment[]]>;
  /** Module-level URL helpers. */
  helpers?: HelperFact[];
  /** Calls reported inside this file's wrappers: the call's start offset and the wrapper's key. */
  innerCalls?: Array<[number, string]>;
  /** Keys of wrappers called here without any part of the URL written (nothing reported). */
  silentSites?: string[];
  /** Wrappers called here with the caller's own parameters passed on, and the wrapper that does it. */
  passingSites?: Array<[string, string | null]>;
  /** Python classes that extend a library's session class. */
  sessionClasses?: SessionClassFact[];
  /** Python fields holding a library session, constructors and the sessions handed to them. */
  heldSessions?: HeldSessionFacts;
  /** JS/TS classes whose requests reach their URL through inheritance, and HTTP factory functions. */
  inherit?: InheritFacts;
  /** JS/TS classes that keep the endpoint they are built with and send to it (js-request-objects.ts). */
  requestObjects?: RequestObjectFact[];
}

/**
 * Constants and URL helpers shared across the project, by name; `null` where modules disagree on
 * a name's value (it is then not read).
 */
export interface SharedValues {
  constants: ReadonlyMap<string, readonly UrlSegment[] | null>;
  helpers: ReadonlyMap<string, HelperFact | null>;
  /** Class name -> base names (the view's `classes`), for a member a subclass reads from its bases. */
  classes?: ReadonlyMap<string, readonly string[]>;
  /** Go: the file being read, whose package's own URL helpers its calls name. */
  goFile?: string;
}

/** Everything the project pass hands the scanner for one file's second look. */
export interface ProjectView {
  definitions: readonly WrapperDefinition[];
  instances: readonly InstanceDefinition[];
  /** Class name -> base names, across the project. */
  classes: ReadonlyMap<string, readonly string[]>;
  /** Field name -> type names declared for it anywhere in the project. */
  fieldTypes: ReadonlyMap<string, ReadonlySet<string>>;
  /** Constants and URL helpers other modules import. */
  shared?: SharedValues;
  /** Python session classes of the project (and their subclasses), by class name. */
  sessionClasses?: ReadonlyMap<string, SessionClassFact>;
  /** Python: class -> field -> the library session it holds (`python-held-sessions.ts`). */
  heldSessions?: ReadonlyMap<string, ReadonlyMap<string, HeldSessionFact>>;
  /** JS/TS inheritance facts joined by name (`inherited-view.ts`). */
  inherit?: InheritView;
}

/** An empty view: the scanner's first look at a file. */
export const EMPTY_VIEW: ProjectView = {
  definitions: [],
  instances: [],
  classes: new Map(),
  fieldTypes: new Map(),
};
