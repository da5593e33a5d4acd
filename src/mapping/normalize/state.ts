/**
 * State / province normalizer (Pinterest `user_data.st`).
 *
 * Rule: Pinterest OpenAPI 5.23, ConversionEventsUserData.st ("two-letter code in lowercase"); project decision
 * NOTES §3: US and Canadian names map to their codes. The table (USPS codes: 50 states, DC, territories, freely
 * associated states, armed forces; Canada Post codes: 10 provinces, 3 territories, English and French names) is small
 * and closed, so it lives here.
 *
 * The usual written abbreviations (AP and U.S. GPO style for states, Canadian Press style for provinces: "Fla.",
 * "Ariz.", "Minn.", "Conn.", "Sask.", "Nfld.", "P.E.I.") map to their codes too. No maintained npm package carries
 * them for both countries (checked: `provinces` 1.11.0 has names only; `us-states-normalize` 1.0.0 dates from 2017
 * and covers the US only), so they live in this table.
 *
 * For a US or Canadian record, or one without a country: a value that is neither a code nor a known name or
 * abbreviation ("n/a", "floridausa", an order status in a column named `state`) is dropped with a warning: it can
 * never match. For every other country (decision): the value is normalized like a city (NFC, lowercase, spaces and
 * punctuation removed, accents kept): "Bayern" → "bayern", "New South Wales" → "newsouthwales", "NSW" → "nsw";
 * Pinterest documents no subdivision list beyond the two-letter codes, so nothing is dropped there. Names are looked
 * up only when the record's country is absent, "ca" or a USPS country (see USPS_COUNTRIES), so that "Georgia" in a
 * Georgian (country "ge") address is not turned into "ga".
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
/** Warning for a US, Canadian or country-less value that is no state or province code, name or abbreviation. */
export const STATE_UNRECOGNIZED = rejection(
  'state: not a US state or Canadian province code, name or abbreviation (for a record with a US, Canadian or no country); dropped',
);

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

/**
 * Written abbreviations → code: AP and U.S. GPO styles for states (Alaska, Hawaii, Idaho, Iowa, Maine, Ohio and Utah
 * have none), Canadian Press style for provinces. Two-letter ones ("Ga.", "Pa.", "N.Y.") fold to the code itself.
 */
const ABBREVIATIONS: ReadonlyArray<readonly [string, string]> = [
  ['al', 'Ala.'], ['az', 'Ariz.'], ['ar', 'Ark.'], ['ca', 'Calif.'], ['ca', 'Cal.'], ['co', 'Colo.'], ['co', 'Col.'],
  ['ct', 'Conn.'], ['de', 'Del.'], ['fl', 'Fla.'], ['fl', 'Flor.'], ['il', 'Ill.'], ['in', 'Ind.'], ['ks', 'Kan.'],
  ['ks', 'Kans.'], ['ma', 'Mass.'], ['mi', 'Mich.'], ['mn', 'Minn.'], ['ms', 'Miss.'], ['mt', 'Mont.'],
  ['ne', 'Neb.'], ['ne', 'Nebr.'], ['nv', 'Nev.'], ['nm', 'N. Mex.'], ['nd', 'N. Dak.'], ['sd', 'S. Dak.'],
  ['ok', 'Okla.'], ['or', 'Ore.'], ['or', 'Oreg.'], ['pa', 'Penn.'], ['pa', 'Penna.'], ['tn', 'Tenn.'],
  ['tx', 'Tex.'], ['wa', 'Wash.'], ['wv', 'W. Va.'], ['wi', 'Wis.'], ['wi', 'Wisc.'], ['wy', 'Wyo.'],
  ['ab', 'Alta.'], ['mb', 'Man.'], ['nl', 'Nfld.'], ['nl', 'Nfld. & Lab.'], ['nt', 'N.W.T.'], ['on', 'Ont.'],
  ['pe', 'P.E.I.'], ['qc', 'Que.'], ['qc', 'P.Q.'], ['sk', 'Sask.'], ['yt', 'Y.T.'], ['yt', 'Yuk.'],
];

/** Folded name or abbreviation (case, accents, spaces, punctuation and "&"/"and" ignored) → code. Built once. */
const BY_NAME: ReadonlyMap<string, string> = new Map(
  [...NAMES, ...ABBREVIATIONS].map(([code, name]) => [foldKey(name), code]),
);

/** Every US (USPS) and Canadian (Canada Post) code. */
const CODES: ReadonlySet<string> = new Set(NAMES.map(([code]) => code));

/** ISO 3166-2 form of a US or Canadian subdivision: "US-CA", "CA_ON", "us ny". */
const ISO_3166_2 = /^(?:us|ca)[-_ ]?([a-z]{2})$/;

/**
 * Normalizes a state or province. `ctx.country` is the record's normalized country.
 * - No country, or a US/CA country: codes (`"TX"`, `"tx "`, `"N.Y."` → `"ny"`; `"US-CA"` → `"ca"`), full names
 *   (`"California"` → `"ca"`, `"new york"` → `"ny"`, `"Québec"`/`"QUEBEC"` → `"qc"`, `"Newfoundland & Labrador"` →
 *   `"nl"`) and written abbreviations (`"Fla."` → `"fl"`, `"Ariz."` → `"az"`, `"Sask."` → `"sk"`); anything else
 *   (`"n/a"`, `"floridausa"`, `"XX"`, `"shipped"`) → STATE_UNRECOGNIZED.
 * - Other countries: the city-like text (`"Bavaria"` → `"bavaria"`, `"NSW"` → `"nsw"`).
 * Objects/booleans → STATE_NOT_TEXT; blank/null/punctuation only → null. Never throws.
 */
export function normalizeState(value: unknown, ctx?: NormalizeContext): Normalized {
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return STATE_NOT_TEXT;
  const s = keepLettersAndDigits(normalizeText(text));
  if (s === '') return null;
  const country = ctx?.country;
  if (country !== undefined && country !== 'ca' && !USPS_COUNTRIES.has(country)) return s;
  if (s.length === 2) return CODES.has(s) ? s : STATE_UNRECOGNIZED;
  const code = BY_NAME.get(foldKey(text)) ?? ISO_3166_2.exec(normalizeText(text))?.[1];
  return code !== undefined && CODES.has(code) ? code : STATE_UNRECOGNIZED;
}
