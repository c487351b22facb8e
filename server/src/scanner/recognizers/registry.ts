/**
 * The recognisers the scanner runs. Each HTTP client (and later each annotation or route-table
 * source) lives in its own file and is listed here once.
 */

import type { ScanLanguage } from '../types';
import type { CallRecognizer } from './context';
import { fetchRecognizer } from './fetch';

const RECOGNIZERS: readonly CallRecognizer[] = [fetchRecognizer];

/** Lists the recognisers that apply to files in `language`. */
export function listRecognizers(language: ScanLanguage): CallRecognizer[] {
  return RECOGNIZERS.filter((recognizer) => recognizer.languages.includes(language));
}
