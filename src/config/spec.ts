import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The connector specification from `spec.json` at the package root (beside `dist/` and `src/`).
 * Read once; the same object feeds `spec` output and config validation.
 */
export interface ConnectorSpecification {
  documentationUrl: string;
  protocol_version?: string;
  supported_destination_sync_modes: string[];
  connectionSpecification: Record<string, unknown>;
  advanced_auth?: unknown;
  [key: string]: unknown;
}

let cached: ConnectorSpecification | undefined;

/** Loads `spec.json` (two levels above this module, in both `src/config/` and `dist/config/`). */
export function loadSpec(): ConnectorSpecification {
  if (!cached) {
    const path = fileURLToPath(new URL('../../spec.json', import.meta.url));
    cached = JSON.parse(readFileSync(path, 'utf8')) as ConnectorSpecification;
  }
  return cached;
}
