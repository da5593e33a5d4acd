/**
 * Gender normalizer (Pinterest `user_data.ge`).
 *
 * Rule: Pinterest OpenAPI 5.23, ConversionEventsUserData.ge: "Either "f" or "m" or "n" for non-binary gender";
 * project decision NOTES §3: common spellings map to those three letters, anything else is dropped with a warning.
 */
import { NOT_TEXT, type Normalized, foldKey, rejection, toText } from './text.js';

/** Warning for a value that is not one of the known spellings (e.g. "unknown", "2", "prefer not to say"). */
export const GENDER_UNRECOGNIZED = rejection('gender: unrecognized value; dropped');
/** Warning for an object, boolean, Date, ... */
export const GENDER_NOT_TEXT = rejection('gender: not a text value; dropped');

/**
 * Spellings per code, compared after `foldKey` (case, accents, spaces and punctuation ignored, so "Non-Binary",
 * "non binary", "NON_BINARY" and "nonbinary" are one key). English first, then frequent German/French/Spanish/
 * Portuguese/Italian/Dutch forms. Numeric codes (ISO/IEC 5218 "1"/"2", or "0"/"1") are deliberately not mapped:
 * their meaning differs between systems.
 */
const SPELLINGS: Record<'f' | 'm' | 'n', readonly string[]> = {
  f: [
    'f', 'female', 'woman', 'women', 'w', 'girl', 'girls', 'fem', 'feminine', 'lady',
    'weiblich', 'frau', 'femme', 'feminin', 'féminin', 'femenino', 'femenina', 'mujer', 'feminino', 'feminina',
    'mulher', 'femmina', 'donna', 'vrouw', 'vrouwelijk',
  ],
  m: [
    'm', 'male', 'man', 'men', 'boy', 'boys', 'masculine',
    'männlich', 'maennlich', 'mann', 'homme', 'masculin', 'masculino', 'hombre', 'homem', 'maschio', 'uomo',
    'man', 'mannelijk',
  ],
  n: [
    'n', 'x', 'nb', 'enby', 'nonbinary', 'non-binary', 'non binary', 'non_binary', 'other', 'others',
    'genderqueer', 'gender queer', 'genderfluid', 'gender fluid', 'agender', 'third gender', 'neutral',
    'divers', 'diverse', 'd', 'non-binaire', 'nonbinaire', 'no binario', 'no-binario', 'não binário', 'non binario',
  ],
};

const BY_KEY: ReadonlyMap<string, 'f' | 'm' | 'n'> = (() => {
  const map = new Map<string, 'f' | 'm' | 'n'>();
  for (const code of ['f', 'm', 'n'] as const) {
    for (const spelling of SPELLINGS[code]) map.set(foldKey(spelling), code);
  }
  return map;
})();

/**
 * Normalizes a gender to "f", "m" or "n". `"Female"` → `"f"`, `" W "` → `"f"`, `"MALE"` → `"m"`,
 * `"Non-Binary"` → `"n"`, `"x"` → `"n"`. Unknown spellings → GENDER_UNRECOGNIZED; numbers are coerced to text and so
 * also end there. Blank/null → null. Never throws.
 */
export function normalizeGender(value: unknown): Normalized {
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return GENDER_NOT_TEXT;
  if (text.trim() === '') return null;
  return BY_KEY.get(foldKey(text)) ?? GENDER_UNRECOGNIZED;
}
