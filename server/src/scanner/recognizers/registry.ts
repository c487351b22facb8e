/**
 * The recognisers the scanner runs. Each HTTP client lives in its own file (or, for the JavaScript
 * libraries that share one calling shape, in one table here) and is listed here once.
 */

import type { ScanLanguage } from '../types';
import { clientMappingRecognizer } from './client-mappings';
import type { CallRecognizer } from './context';
import { fetchRecognizer } from './fetch';
import { goHttpRecognizer } from './go-http';
import { inferredClientRecognizer } from './inferred-clients';
import { createJsClientRecognizer } from './js-clients';
import { HTTP_HELPERS } from './js-objects';
import { pythonHttpRecognizers } from './python-http';

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
  }),
  createJsClientRecognizer({
    client: 'got',
    modules: ['got'],
    helpers: GOT_KY_HELPERS,
    configHelpers: [],
    factories: ['extend'],
    baseKey: 'prefixUrl',
  }),
  createJsClientRecognizer({
    client: 'ky',
    modules: ['ky', 'ky-universal'],
    helpers: GOT_KY_HELPERS,
    configHelpers: [],
    factories: ['create', 'extend'],
    baseKey: 'prefixUrl',
  }),
  ...pythonHttpRecognizers,
  goHttpRecognizer,
  clientMappingRecognizer,
  inferredClientRecognizer,
];

/** Lists the recognisers that apply to files in `language`. */
export function listRecognizers(language: ScanLanguage): CallRecognizer[] {
  return RECOGNIZERS.filter((recognizer) => recognizer.languages.includes(language));
}
