import type { AirbyteOutput } from '../airbyte/output.js';
import { loadConfig } from '../config/config.js';
import { destinationJsonSchema } from '../fields/catalog.js';

/** The single destination object this connector writes to. */
export const OBJECT_NAME = 'conversion_events';

/**
 * `discover --config FILE`: prints one DESTINATION_CATALOG (Airbyte protocol 0.16+, data activation) with the
 * operation `{object_name: "conversion_events", sync_mode: "append", json_schema}`; json_schema lists every
 * destination field with its type and description (generated from the field table in src/fields/catalog.ts).
 * @throws ConfigError when the config is invalid.
 */
export function runDiscover(out: AirbyteOutput, configPath: string): number {
  loadConfig(configPath);
  out.write({
    type: 'DESTINATION_CATALOG',
    destination_catalog: {
      operations: [{ object_name: OBJECT_NAME, sync_mode: 'append', json_schema: destinationJsonSchema() }],
    },
  });
  return 0;
}
