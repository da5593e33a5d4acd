/**
 * Dot-path readers for record data, compiled once per mapping entry and called once per record.
 *
 * Readers never throw: a missing key, or a parent that is null, undefined, a primitive or otherwise not
 * an object, yields `undefined`. Record data is what JSON.parse makes of an Airbyte RECORD (plain objects and
 * arrays, whose prototypes are Object.prototype and Array.prototype): a key those prototypes have (`constructor`,
 * `__proto__`, `toString`, `length`, `map`, ...) is read only when the object owns it, so a path never reaches the
 * prototype chain. Objects of other prototypes (a Date, a class instance, a prototype changed after the reader was
 * made) are outside this contract: a key inherited from such a prototype may be read.
 */
import { isAbsent } from './coerce.js';

/** Reads one value out of a record's `data`; `undefined` when the path does not resolve. */
export type PathReader = (data: Record<string, unknown>) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;

/** Reads `key` from `parent` when `parent` is a non-null object (arrays included) that owns it. */
function step(parent: unknown, key: string): unknown {
  if (parent === null || typeof parent !== 'object') return undefined;
  return hasOwn.call(parent, key) ? (parent as Record<string, unknown>)[key] : undefined;
}

/**
 * A key some object of parsed JSON inherits: a property of Object.prototype or Array.prototype (`constructor`,
 * `__proto__`, `toString`, `length`, `map`, ...). Only these need an own-property check: JSON.parse makes plain
 * objects and arrays, which cannot inherit any other key.
 */
function inheritable(key: string): boolean {
  return key in Object.prototype || key in Array.prototype;
}

/**
 * Readers generated as code, by path: one per distinct path of the configuration (field_mapping, same-name columns)
 * and of the catalog (primary keys), shared by every stream and mapper that reads it; never cleared, so bounded by
 * the size of the configuration and catalog of the one sync a process runs.
 */
const generated = new Map<string, PathReader>();

/**
 * The reader of `keys` (and first of `whole`, a dotted key read as one when the record owns it), generated as code
 * with each key as a constant: every generated reader has inline caches of its own, which stay monomorphic as records
 * of a stream share one shape. (Closures share the inline caches of the code that made them; with every path's keys
 * going through them, the reads were megamorphic, and checking each key with hasOwnProperty was a call per key:
 * together about a twentieth of the per-record instructions; issue 16.) Keys are embedded as JSON string literals.
 * Undefined when code cannot be generated (node --disallow-code-generation-from-strings).
 */
function generatedReader(keys: readonly string[], whole: string | undefined): PathReader | undefined {
  const id = JSON.stringify([whole ?? null, keys]);
  const known = generated.get(id);
  if (known !== undefined) return known;
  // As code: whether `c` holds `key` (an own property for an inheritable key), and its value (one plain load else).
  const has = (key: string): string => (inheritable(key) ? `hasOwn.call(c, ${JSON.stringify(key)})` : `c[${JSON.stringify(key)}] !== undefined`);
  const read = (key: string): string => (inheritable(key) ? `(${has(key)} ? c[${JSON.stringify(key)}] : undefined)` : `c[${JSON.stringify(key)}]`);
  const lines = ['let c = d;', 'if (c === null || typeof c !== "object") return undefined;'];
  if (whole !== undefined) lines.push(`if (${has(whole)}) return c[${JSON.stringify(whole)}];`);
  keys.forEach((key, i) => {
    if (i > 0) lines.push('if (c === null || typeof c !== "object") return undefined;');
    lines.push(`c = ${read(key)};`);
  });
  lines.push('return c;');
  let reader: PathReader;
  try {
    reader = new Function('hasOwn', `return function readPath(d) {\n${lines.join('\n')}\n};`)(hasOwn) as PathReader;
  } catch {
    return undefined;
  }
  generated.set(id, reader);
  return reader;
}

/**
 * Compiles a reader for an explicit list of keys (no dot splitting), e.g. an Airbyte primary-key path
 * `["customer", "id"]`. Array elements are reached with their index as a key (`["items", "0", "sku"]`).
 * An empty key list reads nothing (always `undefined`). Reads record data as JSON.parse makes it (plain objects and
 * arrays): a key that Object.prototype or Array.prototype has is read only when the object owns it.
 */
export function compileKeyPath(keys: readonly string[]): PathReader {
  if (keys.length === 0) return () => undefined;
  return generatedReader(keys, undefined) ?? walker(keys.slice());
}

/** The reader of `keys` without generated code. */
function walker(ks: readonly string[]): PathReader {
  return (d) => {
    let cur: unknown = d;
    for (let i = 0; i < ks.length; i++) {
      cur = step(cur, ks[i]);
      if (cur === undefined) return undefined;
    }
    return cur;
  };
}

/**
 * Compiles a dot path such as `customer.address.city` into a reader.
 *
 * - A path without dots reads that top-level key.
 * - A path with dots first reads a top-level key spelled exactly like the whole path (`"customer.email"`
 *   as one column name), when the record owns such a key; otherwise it walks the segments.
 * - Array elements are reached with a numeric segment (`items.0.sku`).
 *
 * @param path non-empty dot path as written in the config's `field_mapping[].source_field`.
 * @throws Error when `path` is empty or whitespace only (a configuration mistake, caught once per stream).
 */
export function compilePath(path: string): PathReader {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new Error('source path must be a non-empty string');
  }
  if (!path.includes('.')) return compileKeyPath([path]);
  const keys = path.split('.');
  const reader = generatedReader(keys, path);
  if (reader !== undefined) return reader;
  const walk = walker(keys);
  return (d) => (hasOwn.call(d, path) ? d[path] : walk(d));
}

/**
 * Compiles a reader that returns the first provided value among `paths`, tried in order (a destination
 * field and its aliases, or several mapping entries for one field). "Provided" means not absent
 * ({@link isAbsent}: `undefined`, `null`, text that is empty after trimming). `undefined` when none is provided.
 */
export function compileFirstOf(paths: readonly string[]): PathReader {
  const readers = paths.map(compilePath);
  if (readers.length === 1) return readers[0];
  return (d) => {
    for (let i = 0; i < readers.length; i++) {
      const v = readers[i](d);
      if (isAbsent(v)) continue;
      return v;
    }
    return undefined;
  };
}

/**
 * Compiles a reader that returns every provided value among `paths` ("provided" as in {@link compileFirstOf}): the
 * value itself when only one path provides one, else an array of them in path order, arrays among them spread one
 * level (`work_email` and `home_email` mapped to `email` → both addresses). `undefined` when none is provided. For
 * identifiers Pinterest takes as arrays (user_data `em`, `ph`, ...): several columns mapped to one field all count.
 */
export function compileAllOf(paths: readonly string[]): PathReader {
  const readers = paths.map(compilePath);
  if (readers.length === 1) return readers[0];
  return (d) => {
    let found: unknown[] | undefined;
    let single: unknown;
    for (let i = 0; i < readers.length; i++) {
      const v = readers[i](d);
      if (isAbsent(v)) continue;
      if (single === undefined && found === undefined && !Array.isArray(v)) {
        single = v;
        continue;
      }
      found ??= single === undefined ? [] : [single];
      // One push per element: spreading a column of 130,000 values into push() overflowed the stack.
      if (Array.isArray(v)) for (let k = 0; k < v.length; k++) found.push(v[k]);
      else found.push(v);
    }
    return found ?? single;
  };
}

