/**
 * Dot-path readers for record data, compiled once per mapping entry and called once per record.
 *
 * Readers never throw: a missing key, or a parent that is null, undefined, a primitive or otherwise not
 * an object, yields `undefined`. Only own properties are read, so a path such as `constructor` or
 * `a.__proto__` never reaches the prototype chain.
 */

/** Reads one value out of a record's `data`; `undefined` when the path does not resolve. */
export type PathReader = (data: Record<string, unknown>) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;

/** Reads `key` from `parent` when `parent` is a non-null object (arrays included) that owns it. */
function step(parent: unknown, key: string): unknown {
  if (parent === null || typeof parent !== 'object') return undefined;
  return hasOwn.call(parent, key) ? (parent as Record<string, unknown>)[key] : undefined;
}

/**
 * Compiles a reader for an explicit list of keys (no dot splitting), e.g. an Airbyte primary-key path
 * `["customer", "id"]`. Array elements are reached with their index as a key (`["items", "0", "sku"]`).
 * An empty key list reads nothing (always `undefined`).
 */
export function compileKeyPath(keys: readonly string[]): PathReader {
  const ks = keys.slice();
  switch (ks.length) {
    case 0:
      return () => undefined;
    case 1: {
      const [a] = ks;
      return (d) => step(d, a);
    }
    case 2: {
      const [a, b] = ks;
      return (d) => step(step(d, a), b);
    }
    default:
      return (d) => {
        let cur: unknown = d;
        for (let i = 0; i < ks.length; i++) {
          cur = step(cur, ks[i]);
          if (cur === undefined) return undefined;
        }
        return cur;
      };
  }
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
  const walk = compileKeyPath(path.split('.'));
  return (d) => (hasOwn.call(d, path) ? d[path] : walk(d));
}

/**
 * Compiles a reader that returns the first provided value among `paths`, tried in order (a destination
 * field and its aliases, or several mapping entries for one field). "Provided" means not `undefined`,
 * not `null` and not text that is empty after trimming. `undefined` when none is provided.
 */
export function compileFirstOf(paths: readonly string[]): PathReader {
  const readers = paths.map(compilePath);
  if (readers.length === 1) return readers[0];
  return (d) => {
    for (let i = 0; i < readers.length; i++) {
      const v = readers[i](d);
      if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) continue;
      return v;
    }
    return undefined;
  };
}
