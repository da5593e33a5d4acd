/**
 * Last check before an event is batched: the event must satisfy the project's JSON Schema of Pinterest's
 * events request (`src/pinterest/conversion-events.schema.json`, from OpenAPI 5.23 `ConversionEvents`).
 *
 * The schema of one event (`properties.data.items` with the shared `definitions`) is checked by ajv (draft-07,
 * allErrors), compiled ahead of time by `npm run generate:validators` (event-validator.generated.ts), so ajv's
 * compiler is never loaded at run time. Reasons name the path and the rule only, never a value.
 */
import type { ErrorObject } from 'ajv';
import { validate } from './event-validator.generated.js';

const validateItem = validate as unknown as ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** `/custom_data/num_items` → `custom_data.num_items`; `` → `event`. */
function pathOf(instancePath: string): string {
  if (instancePath === '') return 'event';
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

const USER_DATA_ANYOF = 'needs em, hashed_maids, or both client_ip_address and client_user_agent';

/** One value-free reason per ajv error, e.g. `custom_data.num_items: must be integer`. */
function describe(errors: readonly ErrorObject[]): string[] {
  const out = new Set<string>();
  // The user_data anyOf produces one "required" error per branch plus the anyOf error: report it once.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  for (const e of errors) {
    const path = pathOf(e.instancePath);
    if (e.keyword === 'anyOf') {
      out.add(path === 'user_data' ? `user_data: ${USER_DATA_ANYOF}` : `${path}: must match a schema in anyOf`);
      continue;
    }
    if (e.keyword === 'required' && anyOfPaths.has(e.instancePath) && e.schemaPath.includes('/anyOf/')) continue;
    switch (e.keyword) {
      case 'additionalProperties':
        out.add(`${path}: unknown property ${(e.params as { additionalProperty: string }).additionalProperty}`);
        break;
      case 'required': {
        const prop = (e.params as { missingProperty: string }).missingProperty;
        out.add(`${path === 'event' ? '' : `${path}.`}${prop}: required`);
        break;
      }
      default:
        out.add(`${path}: ${e.message ?? e.keyword}`);
    }
  }
  return [...out];
}

/**
 * Validates one event against the events schema (OpenAPI 5.23 via `conversion-events.schema.json`).
 *
 * @param event the event object as it would be serialized (no `undefined` values expected).
 * @returns `[]` when valid; otherwise value-free reasons such as `custom_data.num_items: must be integer`,
 *   `custom_data: unknown property np`, `event_id: required`,
 *   `user_data: needs em, hashed_maids, or both client_ip_address and client_user_agent`.
 */
export function validatePinterestEvent(event: unknown): string[] {
  if (validateItem(event)) return [];
  return describe(validateItem.errors ?? []);
}
