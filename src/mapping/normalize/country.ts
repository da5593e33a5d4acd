/**
 * Country normalizer (Pinterest `user_data.country`).
 *
 * Rule: Pinterest OpenAPI 5.23, ConversionEventsUserData.country ("two-character ISO-3166 country code ... in
 * lowercase"); project decision NOTES §3: names and alpha-3 codes are mapped to alpha-2, via i18n-iso-countries
 * (English names, alpha-3, alpha-2) plus a few common variants; anything unknown is dropped with a warning.
 */
import { createRequire } from 'node:module';
import countries from 'i18n-iso-countries/index.js';
import { NOT_TEXT, type Normalized, foldKey, rejection, toText } from './text.js';

/** Warning for a value that is not a known country name or code. */
export const COUNTRY_UNRECOGNIZED = rejection('country: unrecognized country; dropped');
/** Warning for an object, boolean, Date, ... */
export const COUNTRY_NOT_TEXT = rejection('country: not a text value; dropped');

// Only the English names are needed: register that one locale instead of the package's Node entry point,
// which loads all ~80 locales at start-up.
const requireJson = createRequire(import.meta.url);
countries.registerLocale(requireJson('i18n-iso-countries/langs/en.json') as Parameters<typeof countries.registerLocale>[0]);

/**
 * Extra spellings, folded like the input (see `foldKey`). i18n-iso-countries already knows "USA", "U.S.", "UK",
 * "Great Britain", "Russia", "Türkiye"/"Turkey", "Czechia", "Ivory Coast", ...; these fill common gaps.
 * "Congo" alone is ISO-3166's short name of CG (the package lists it under both CG and CD).
 */
const VARIANTS: ReadonlyArray<readonly [string, string]> = [
  ['united states of america', 'us'], ['america', 'us'], ['u.s. of a.', 'us'],
  ['uk', 'gb'], ['great britain', 'gb'], ['britain', 'gb'], ['england', 'gb'], ['scotland', 'gb'], ['wales', 'gb'],
  ['northern ireland', 'gb'], ['united kingdom of great britain and northern ireland', 'gb'],
  ['congo', 'cg'], ['congo brazzaville', 'cg'], ['congo kinshasa', 'cd'], ['drc', 'cd'], ['dr congo', 'cd'],
  ['holland', 'nl'], ['korea', 'kr'], ['macedonia', 'mk'], ['swaziland', 'sz'], ['burma', 'mm'], ['laos', 'la'],
  ['vatican', 'va'], ['vatican city', 'va'], ['cape verde', 'cv'], ['east timor', 'tl'], ['czech', 'cz'],
  ['uae', 'ae'], ['the bahamas', 'bs'], ['the gambia', 'gm'], ['south korea', 'kr'], ['north korea', 'kp'],
  ['russia', 'ru'], ['syria', 'sy'], ['iran', 'ir'], ['bolivia', 'bo'], ['venezuela', 've'], ['tanzania', 'tz'],
  ['moldova', 'md'], ['micronesia', 'fm'], ['brunei', 'bn'], ['palestine', 'ps'], ['taiwan', 'tw'],
];

const SAINT = /^saint /;

/** Folded spelling → alpha-2 lowercase. Built once at module load. */
const BY_KEY: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  const ambiguous = new Set<string>();
  const names = countries.getNames('en', { select: 'all' });
  for (const [alpha2, list] of Object.entries(names)) {
    const code = alpha2.toLowerCase();
    for (const name of list) {
      const lower = name.toLowerCase();
      const spellings = SAINT.test(lower) ? [lower, lower.replace(SAINT, 'st '), lower.replace(SAINT, 'st. ')] : [lower];
      for (const spelling of spellings) {
        const key = foldKey(spelling);
        const existing = map.get(key);
        if (existing !== undefined && existing !== code) ambiguous.add(key);
        else map.set(key, code);
      }
    }
  }
  for (const key of ambiguous) map.delete(key);
  // Codes win over names (no English name is 2 or 3 letters long except the code-like aliases above).
  for (const [alpha3, alpha2] of Object.entries(countries.getAlpha3Codes())) map.set(alpha3.toLowerCase(), alpha2.toLowerCase());
  for (const alpha2 of Object.keys(countries.getAlpha2Codes())) map.set(alpha2.toLowerCase(), alpha2.toLowerCase());
  for (const [spelling, code] of VARIANTS) map.set(foldKey(spelling), code);
  return map;
})();

/**
 * Normalizes a country to ISO-3166 alpha-2 lowercase. Case, accents, spaces and punctuation are ignored:
 * `"US"`, `"usa"`, `"U.S.A."`, `"United States of America"` → `"us"`; `"GBR"`, `"UK"`, `"England"` → `"gb"`;
 * `"Côte d'Ivoire"` / `"Cote dIvoire"` → `"ci"`. Unknown → COUNTRY_UNRECOGNIZED; objects/booleans → COUNTRY_NOT_TEXT;
 * blank/null → null. Numeric ISO codes ("840") are not accepted. Never throws.
 */
export function normalizeCountry(value: unknown): Normalized {
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return COUNTRY_NOT_TEXT;
  if (text.trim() === '') return null;
  return BY_KEY.get(foldKey(text)) ?? COUNTRY_UNRECOGNIZED;
}

/**
 * Countries whose postal system is the US ZIP code and whose subdivisions use USPS two-letter codes: the US, its
 * territories (PR, GU, VI, AS, MP, UM) and the freely associated states (FM, MH, PW). Used by zip and state.
 */
export const USPS_COUNTRIES: ReadonlySet<string> = new Set(['us', 'pr', 'gu', 'vi', 'as', 'mp', 'um', 'fm', 'mh', 'pw']);
