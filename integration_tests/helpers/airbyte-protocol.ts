/**
 * Checks that a stdout line of the CLI is a valid Airbyte message, for the CLI integration tests.
 *
 * Two layers:
 * 1. Hand-written rules (always on): the payload key matching `type` is present and no other payload key is; the
 *    required fields of each payload (Airbyte protocol v0.18.0: AirbyteLogMessage level+message, AirbyteTraceMessage
 *    type+emitted_at, AirbyteControlMessage type+emitted_at+connectorConfig.config, ...); TRACE ERROR carries a
 *    failure_type (the platform treats a missing one as a system error) and emitted_at is integer milliseconds.
 * 2. The protocol's own JSON schema (`AirbyteMessage` of airbyte_protocol_v0.18.0.yaml), only when the environment
 *    variable AIRBYTE_PROTOCOL_YAML names that file (the project does not ship it; `.ci/run` sets it when the
 *    reference copy is beside the checkout). `protocolSchemaAvailable` tells which applies.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';

const PROTOCOL_YAML_CANDIDATES = [process.env.AIRBYTE_PROTOCOL_YAML].filter((p): p is string => typeof p === 'string' && p !== '');

const PROTOCOL_YAML = PROTOCOL_YAML_CANDIDATES.find((p) => existsSync(p));

/** Whether layer 2 (the protocol's JSON schema) is in force. */
export const protocolSchemaAvailable = PROTOCOL_YAML !== undefined;

let messageValidator: ValidateFunction | undefined;

function protocolValidator(): ValidateFunction | undefined {
  if (!PROTOCOL_YAML) return undefined;
  if (!messageValidator) {
    const doc = parseYaml(readFileSync(PROTOCOL_YAML, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema(doc, 'airbyte-protocol');
    messageValidator = ajv.getSchema('airbyte-protocol#/definitions/AirbyteMessage');
    if (!messageValidator) throw new Error(`no AirbyteMessage definition in ${PROTOCOL_YAML}`);
  }
  return messageValidator;
}

/** Payload key of each message type (AirbyteMessage properties). */
export const PAYLOAD_KEY: Readonly<Record<string, string>> = Object.freeze({
  RECORD: 'record',
  STATE: 'state',
  LOG: 'log',
  SPEC: 'spec',
  CONNECTION_STATUS: 'connectionStatus',
  CATALOG: 'catalog',
  TRACE: 'trace',
  CONTROL: 'control',
  DESTINATION_CATALOG: 'destination_catalog',
});

const LOG_LEVELS = ['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'];
const FAILURE_TYPES = ['system_error', 'config_error', 'transient_error'];

const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isEpochMs = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 1e12;

/** Problems that make `msg` an invalid Airbyte message; empty when it is valid. */
export function airbyteMessageProblems(msg: unknown): string[] {
  const p: string[] = [];
  if (!isObject(msg)) return ['not a JSON object'];
  const key = PAYLOAD_KEY[msg.type as string];
  if (!key) return [`unknown type ${JSON.stringify(msg.type)}`];
  for (const other of Object.values(PAYLOAD_KEY)) {
    if (other !== key && other in msg) p.push(`${msg.type} message also carries "${other}"`);
  }
  const body = msg[key];
  if (!isObject(body)) return [...p, `${msg.type} message without an object "${key}"`];
  switch (msg.type) {
    case 'LOG':
      if (!LOG_LEVELS.includes(body.level)) p.push(`log.level ${JSON.stringify(body.level)}`);
      if (typeof body.message !== 'string') p.push('log.message is not a string');
      break;
    case 'STATE':
      if (body.destinationStats !== undefined) {
        const d = body.destinationStats;
        if (!isObject(d) || !Number.isInteger(d.recordCount) || !Number.isInteger(d.rejectedRecordCount)) p.push('state.destinationStats is not {recordCount, rejectedRecordCount}');
      }
      break;
    case 'TRACE':
      if (typeof body.type !== 'string') p.push('trace.type missing');
      if (!isEpochMs(body.emitted_at)) p.push('trace.emitted_at is not epoch milliseconds');
      if (body.type === 'ERROR') {
        if (!isObject(body.error) || typeof body.error.message !== 'string') p.push('trace.error.message missing');
        else if (!FAILURE_TYPES.includes(body.error.failure_type)) p.push(`trace.error.failure_type ${JSON.stringify(body.error.failure_type)}`);
      }
      break;
    case 'CONTROL':
      if (body.type !== 'CONNECTOR_CONFIG') p.push(`control.type ${JSON.stringify(body.type)}`);
      if (!isEpochMs(body.emitted_at)) p.push('control.emitted_at is not epoch milliseconds');
      if (!isObject(body.connectorConfig) || !isObject(body.connectorConfig.config)) p.push('control.connectorConfig.config missing');
      break;
    case 'CONNECTION_STATUS':
      if (body.status !== 'SUCCEEDED' && body.status !== 'FAILED') p.push(`connectionStatus.status ${JSON.stringify(body.status)}`);
      if (body.message !== undefined && typeof body.message !== 'string') p.push('connectionStatus.message is not a string');
      break;
    case 'SPEC':
      if (!isObject(body.connectionSpecification)) p.push('spec.connectionSpecification missing');
      break;
    case 'DESTINATION_CATALOG':
      if (!Array.isArray(body.operations)) p.push('destination_catalog.operations is not an array');
      else
        body.operations.forEach((op: any, i: number) => {
          if (!isObject(op) || typeof op.object_name !== 'string' || typeof op.sync_mode !== 'string' || !isObject(op.json_schema)) {
            p.push(`destination_catalog.operations[${i}] lacks object_name, sync_mode or json_schema`);
          }
        });
      break;
    default:
      break;
  }
  const validate = protocolValidator();
  if (validate && !validate(msg)) {
    for (const e of validate.errors ?? []) p.push(`protocol schema: ${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  }
  return p;
}

/** Every stdout line that is not a valid Airbyte message, with its problems (empty when all are valid). */
export function invalidMessages(messages: unknown[]): Array<{ index: number; problems: string[] }> {
  return messages
    .map((m, index) => ({ index, problems: airbyteMessageProblems(m) }))
    .filter((x) => x.problems.length > 0);
}
