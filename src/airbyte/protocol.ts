/**
 * Airbyte protocol message shapes used by this destination (Airbyte protocol v0.18.0,
 * airbyte_protocol.yaml). Only the parts a destination reads or writes are typed; every
 * other key is kept as `unknown` so that nothing the platform adds is lost when echoed.
 */

/** Airbyte message types (AirbyteMessage.type). */
export type AirbyteMessageType =
  | 'RECORD'
  | 'STATE'
  | 'LOG'
  | 'SPEC'
  | 'CONNECTION_STATUS'
  | 'CATALOG'
  | 'TRACE'
  | 'CONTROL'
  | 'DESTINATION_CATALOG';

/** AirbyteRecordMessage: `emitted_at` is epoch **milliseconds**; `namespace` may be absent, null or "". */
export interface AirbyteRecord {
  stream: string;
  namespace?: string | null;
  data: Record<string, unknown>;
  emitted_at: number;
  [key: string]: unknown;
}

/** AirbyteStreamState.stream_descriptor. */
export interface StreamDescriptor {
  name: string;
  namespace?: string | null;
}

/** AirbyteStateMessage (STREAM, GLOBAL or LEGACY), with the platform's `id` and `sourceStats` kept. */
export interface AirbyteState {
  type?: 'STREAM' | 'GLOBAL' | 'LEGACY';
  stream?: { stream_descriptor: StreamDescriptor; stream_state?: unknown };
  global?: unknown;
  data?: unknown;
  sourceStats?: { recordCount?: number };
  destinationStats?: { recordCount: number; rejectedRecordCount: number };
  [key: string]: unknown;
}

/** AirbyteLogMessage.level. */
export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';

/** AirbyteErrorTraceMessage.failure_type. */
export type FailureType = 'system_error' | 'config_error' | 'transient_error';

/** ConfiguredAirbyteStream (the parts this destination reads). */
export interface ConfiguredStream {
  stream: { name: string; namespace?: string | null; json_schema?: unknown; [key: string]: unknown };
  sync_mode?: string;
  destination_sync_mode?: string;
  /** Field paths, each an array of keys into the record data. */
  primary_key?: string[][];
  cursor_field?: string[];
  [key: string]: unknown;
}

/** ConfiguredAirbyteCatalog. */
export interface ConfiguredCatalog {
  streams: ConfiguredStream[];
}

/**
 * The key that identifies a stream: `namespace` absent, null and "" are the same (no namespace).
 * Returns `"<namespace>\u0000<name>"`, or `name` alone without namespace.
 */
export function streamKey(name: string, namespace: string | null | undefined): string {
  return namespace ? `${namespace}\u0000${name}` : name;
}

/** Human-readable stream label for log lines: `namespace.name` or `name`. */
export function streamLabel(name: string, namespace: string | null | undefined): string {
  return namespace ? `${namespace}.${name}` : name;
}
