/**
 * State / province normalizer (Pinterest `user_data.st`).
 *
 * Rule: Pinterest OpenAPI 5.23, ConversionEventsUserData.st ("two-letter code in lowercase"); project decision
 * NOTES §3: US and Canadian names map to their codes. The table (USPS codes: 50 states, DC, territories, freely
 * associated states, armed forces; Canada Post codes: 10 provinces, 3 territories, English and French names) is small
 * and closed, so it lives here.
 *
 * Decision for everything else: the value is normalized like a city (NFC, lowercase, spaces and punctuation
 * removed, accents kept): "NY" → "ny", "N.Y." → "ny", "Bayern" → "bayern", "New South Wales" → "newsouthwales".
 * Names are looked up only when the record's country is absent, "ca" or a USPS country (see USPS_COUNTRIES), so
 * that "Georgia" in a Georgian (country "ge") address is not turned into "ga".
 */
import { USPS_COUNTRIES } from './country.js';
import {
  NOT_TEXT,
  type NormalizeContext,
  type Normalized,
  foldKey,
  keepLettersAndDigits,
  normalizeText,
  rejection,
  toText,
} from './text.js';

/** Warning for an object, boolean, Date, ... */
export const STATE_NOT_TEXT = rejection('state: not a text value; dropped');

const NAMES: ReadonlyArray<readonly [string, string]> = [
  // United States (USPS)
  ['al', 'Alabama'], ['ak', 'Alaska'], ['az', 'Arizona'], ['ar', 'Arkansas'], ['ca', 'California'],
  ['co', 'Colorado'], ['ct', 'Connecticut'], ['de', 'Delaware'], ['fl', 'Florida'], ['ga', 'Georgia'],
  ['hi', 'Hawaii'], ['hi', "Hawai'i"], ['id', 'Idaho'], ['il', 'Illinois'], ['in', 'Indiana'], ['ia', 'Iowa'],
  ['ks', 'Kansas'], ['ky', 'Kentucky'], ['la', 'Louisiana'], ['me', 'Maine'], ['md', 'Maryland'],
  ['ma', 'Massachusetts'], ['mi', 'Michigan'], ['mn', 'Minnesota'], ['ms', 'Mississippi'], ['mo', 'Missouri'],
  ['mt', 'Montana'], ['ne', 'Nebraska'], ['nv', 'Nevada'], ['nh', 'New Hampshire'], ['nj', 'New Jersey'],
  ['nm', 'New Mexico'], ['ny', 'New York'], ['ny', 'New York State'], ['nc', 'North Carolina'],
  ['nd', 'North Dakota'], ['oh', 'Ohio'], ['ok', 'Oklahoma'], ['or', 'Oregon'], ['pa', 'Pennsylvania'],
  ['ri', 'Rhode Island'], ['sc', 'South Carolina'], ['sd', 'South Dakota'], ['tn', 'Tennessee'], ['tx', 'Texas'],
  ['ut', 'Utah'], ['vt', 'Vermont'], ['va', 'Virginia'], ['wa', 'Washington'], ['wa', 'Washington State'],
  ['wv', 'West Virginia'], ['wi', 'Wisconsin'], ['wy', 'Wyoming'],
  ['dc', 'District of Columbia'], ['dc', 'Washington DC'], ['dc', 'Washington D.C.'],
  ['as', 'American Samoa'], ['gu', 'Guam'], ['mp', 'Northern Mariana Islands'], ['pr', 'Puerto Rico'],
  ['vi', 'Virgin Islands'], ['vi', 'U.S. Virgin Islands'], ['vi', 'US Virgin Islands'],
  ['vi', 'United States Virgin Islands'], ['um', 'United States Minor Outlying Islands'],
  ['fm', 'Federated States of Micronesia'], ['fm', 'Micronesia'], ['mh', 'Marshall Islands'], ['pw', 'Palau'],
  ['aa', 'Armed Forces Americas'], ['ae', 'Armed Forces Europe'], ['ap', 'Armed Forces Pacific'],
  // Canada (Canada Post), English and French names
  ['ab', 'Alberta'], ['bc', 'British Columbia'], ['bc', 'Colombie-Britannique'], ['mb', 'Manitoba'],
  ['nb', 'New Brunswick'], ['nb', 'Nouveau-Brunswick'], ['nl', 'Newfoundland and Labrador'],
  ['nl', 'Newfoundland'], ['nl', 'Terre-Neuve-et-Labrador'], ['ns', 'Nova Scotia'], ['ns', 'Nouvelle-Écosse'],
  ['nt', 'Northwest Territories'], ['nt', 'Territoires du Nord-Ouest'], ['nu', 'Nunavut'], ['on', 'Ontario'],
  ['pe', 'Prince Edward Island'], ['pe', 'Île-du-Prince-Édouard'], ['qc', 'Quebec'], ['qc', 'Québec'],
  ['sk', 'Saskatchewan'], ['yt', 'Yukon'], ['yt', 'Yukon Territory'],
];

/** Folded name (case, accents, spaces, punctuation and "&"/"and" ignored) → code. Built once at module load. */
const BY_NAME: ReadonlyMap<string, string> = new Map(NAMES.map(([code, name]) => [foldKey(name), code]));

/**
 * Normalizes a state or province. With no country, or a US/CA country: full names → codes (`"California"` → `"ca"`,
 * `"new york"` → `"ny"`, `"Québec"`/`"QUEBEC"` → `"qc"`, `"Newfoundland & Labrador"` → `"nl"`); otherwise, and for
 * values not in the table, the city-like text (`"TX"` → `"tx"`, `"Bavaria"` → `"bavaria"`). Objects/booleans →
 * STATE_NOT_TEXT; blank/null/punctuation only → null. Never throws. `ctx.country` is the record's normalized country.
 */
export function normalizeState(value: unknown, ctx?: NormalizeContext): Normalized {
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return STATE_NOT_TEXT;
  const s = keepLettersAndDigits(normalizeText(text));
  if (s === '') return null;
  if (s.length > 2) {
    const country = ctx?.country;
    if (country === undefined || country === 'ca' || USPS_COUNTRIES.has(country)) {
      const code = BY_NAME.get(foldKey(text));
      if (code !== undefined) return code;
    }
  }
  return s;
}
