import type { AirbyteOutput } from '../airbyte/output.js';
import { loadSpec } from '../config/spec.js';

/** `spec`: prints one SPEC message built from spec.json. */
export function runSpec(out: AirbyteOutput): number {
  out.write({ type: 'SPEC', spec: loadSpec() });
  return 0;
}
