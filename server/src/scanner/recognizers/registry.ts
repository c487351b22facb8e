/**
 * The recognisers the scanner runs. Each HTTP client lives in its own file (or, for the JavaScript
 * libraries that share one calling shape, in one table here) and is listed here once.
 */

import type { ScanLanguage } from '../types';
import { angularHttpRecognizer } from './angular-http';
import { beaconRecognizer, jqueryRecognizer, xhrRecognizer } from './browser-http';
import { clientMappingRecognizer } from './client-mappings';
import type { CallRecognizer } from './context';
import { eventSourceRecognizer } from './event-source';
import { fetchRecognizer } from './fetch';
import { goHttpRecognizer } from './go-http';
import { goHttpClientRecognizer } from './go-http-client';
import { goRestyRecognizer } from './go-resty';
import { graphqlRecognizer } from './graphql';
import { inferredClientRecognizer } from './inferred-clients';
import { inheritedCallRecognizer } from './inherited-calls';
import { createJsClientRecognizer } from './js-clients';
import { HTTP_HELPERS } from './js-objects';
import { nodeHttpRecognizer } from './node-http';
import { openapiClientRecognizer } from './openapi-clients';
import { pythonHeldSessionRecognizer } from './python-held-session-calls';
import { pythonHttpRecognizers } from './python-http';
import { pythonSessionSubclassRecognizer } from './python-session-subclasses';
import { httpClientRecognizer, urllibRecognizer } from './python-stdlib-http';
import { rtkQueryRecognizer } from './rtk-query';
import { shapeRecognizer } from './shape-calls';

const AXIOS_HELPERS = HTTP_HELPERS;

// got and ky have no `options` helper; `got.options` is something else.
const GOT_KY_HELPERS = new Map([...AXIOS_HELPERS].filter(([name]) => name !== 'options'));

const RECOGNIZERS: readonly CallRecognizer[] = [
  fetchRecognizer,
  createJsClientRecognizer({
    client: 'axios',
    modules: ['axios'],
    globalName: 'axios',
    helpers: AXIOS_HELPERS,
    configHelpers: ['request'],
    factories: ['create'],
    baseKey: 'baseURL',
    // vue-axios installs `Vue.axios` and `this.axios`/`this.$http`; Nuxt's axios module `this.$axios`.
    pluginMembers: { module: 'vue', members: ['axios', '$http', '$axios'], extensions: ['.vue'] },
    instanceTypes: ['AxiosInstance', 'AxiosStatic'],
  }),
  createJsClientRecognizer({
    client: 'got',
    modules: ['got'],
    helpers: GOT_KY_HELPERS,
    configHelpers: [],
    factories: ['extend'],
    baseKey: 'prefixUrl',
    instanceTypes: ['Got'],
  }),
  createJsClientRecognizer({
    client: 'ky',
    modules: ['ky', 'ky-universal'],
    helpers: GOT_KY_HELPERS,
    configHelpers: [],
    factories: ['create', 'extend'],
    baseKey: 'prefixUrl',
    instanceTypes: ['KyInstance'],
  }),
  createJsClientRecognizer({
    client: 'superagent',
    modules: ['superagent'],
    helpers: new Map([...GOT_KY_HELPERS, ['del', 'DELETE']]),
    configHelpers: [],
    factories: ['agent'],
    baseKey: 'baseURL',
    direct: 'method-url',
  }),
  createJsClientRecognizer({
    client: 'ofetch',
    modules: ['ofetch'],
    namedExports: ['ofetch', '$fetch'],
    // Nuxt provides `$fetch` (ofetch) as a global.
    globalName: '$fetch',
    helpers: new Map(),
    configHelpers: [],
    factories: ['create'],
    baseKey: 'baseURL',
  }),
  createJsClientRecognizer({
    client: 'undici',
    modules: ['undici'],
    namedExports: ['request'],
    helpers: new Map(),
    configHelpers: [],
    factories: [],
    baseKey: 'origin',
  }),
  createJsClientRecognizer({
    client: 'fetch-event-source',
    modules: ['@microsoft/fetch-event-source'],
    namedExports: ['fetchEventSource'],
    helpers: new Map(),
    configHelpers: [],
    factories: [],
    baseKey: 'baseURL',
  }),
  // React Native's file downloads (`FileSystem.downloadAsync(url, fileUri, options)`): a GET of the
  // URL, the local file second. `uploadAsync` is left out: its method is an option (`httpMethod`).
  createJsClientRecognizer({
    client: 'expo-file-system',
    modules: ['expo-file-system', 'expo-file-system/legacy'],
    helpers: new Map([
      ['downloadAsync', 'GET'],
      ['createDownloadResumable', 'GET'],
    ]),
    configHelpers: [],
    factories: [],
    baseKey: 'baseURL',
  }),
  createJsClientRecognizer({
    client: 'openapi-fetch',
    modules: ['openapi-fetch'],
    namedExports: ['createClient'],
    helpers: new Map([...AXIOS_HELPERS.values()].map((method) => [method, method])),
    configHelpers: [],
    factories: [],
    baseKey: 'baseUrl',
    direct: 'factory',
    pathParams: true,
  }),
  nodeHttpRecognizer,
  xhrRecognizer,
  jqueryRecognizer,
  beaconRecognizer,
  eventSourceRecognizer,
  rtkQueryRecognizer,
  angularHttpRecognizer,
  graphqlRecognizer,
  ...pythonHttpRecognizers,
  urllibRecognizer,
  httpClientRecognizer,
  goHttpRecognizer,
  goHttpClientRecognizer,
  goRestyRecognizer,
  clientMappingRecognizer,
  openapiClientRecognizer,
  inferredClientRecognizer,
  pythonSessionSubclassRecognizer,
  pythonHeldSessionRecognizer,
  inheritedCallRecognizer,
  // Last: a call another recogniser reports is that recogniser's (see `dropShapeRepeats`).
  shapeRecognizer,
];

/**
 * Lists the recognisers that apply to files in `language`, those that read the project view last
 * (a later round of the project pass runs only those, after the others' kept calls).
 */
export function listRecognizers(language: ScanLanguage): CallRecognizer[] {
  const applying = RECOGNIZERS.filter((recognizer) => recognizer.languages.includes(language));
  return [
    ...applying.filter((recognizer) => recognizer.readsProject !== true),
    ...applying.filter((recognizer) => recognizer.readsProject === true),
  ];
}
