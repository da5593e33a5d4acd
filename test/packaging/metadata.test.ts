/**
 * metadata.yaml: the keys Airbyte's ConnectorMetadataDefinitionV0 requires, the values this connector promises,
 * and consistency with package.json, the Dockerfile labels and spec.json. Self-contained (no ../shared): the
 * full-schema validation was done once with ajv when the file was written.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runtimeConfig } from '../../scripts/dockerfile-rules.js';

const root = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const read = (path: string): string => readFileSync(root(path), 'utf8');

interface RegistryOverride {
  enabled: boolean;
  [key: string]: unknown;
}
interface Metadata {
  metadataSpecVersion: string;
  data: Record<string, unknown> & {
    registryOverrides?: { oss?: RegistryOverride; cloud?: RegistryOverride };
    allowedHosts?: { hosts?: string[] };
  };
}

const metadata = parse(read('metadata.yaml')) as Metadata;
const data = metadata.data;
const pkg = JSON.parse(read('package.json')) as { version: string; license: string };
const docker = runtimeConfig(read('Dockerfile'));
const spec = JSON.parse(read('spec.json')) as { documentationUrl?: string };

/** `data` keys ConnectorMetadataDefinitionV0 allows (it has additionalProperties: false). */
const ALLOWED_DATA_KEYS = [
  'name', 'icon', 'definitionId', 'connectorBuildOptions', 'connectorTestSuitesOptions', 'connectorType',
  'dockerRepository', 'dockerImageTag', 'supportsDbt', 'supportsNormalization', 'license', 'documentationUrl',
  'externalDocumentationUrls', 'githubIssueLabel', 'maxSecondsBetweenMessages', 'releaseDate', 'protocolVersion',
  'erdUrl', 'connectorSubtype', 'releaseStage', 'supportLevel', 'tags', 'registryOverrides', 'allowedHosts',
  'releases', 'normalizationConfig', 'suggestedStreams', 'resourceRequirements', 'ab_internal', 'remoteRegistries',
  'supportsRefreshes', 'generated', 'supportsFileTransfer', 'supportsDataActivation', 'connectorIPCOptions',
];
const REQUIRED_STRING_KEYS = [
  'name', 'definitionId', 'connectorType', 'dockerRepository', 'dockerImageTag', 'license', 'documentationUrl',
  'githubIssueLabel', 'connectorSubtype', 'releaseStage',
];

describe('metadata.yaml shape', () => {
  it('has exactly the top-level keys metadataSpecVersion and data', () => {
    expect(Object.keys(metadata).sort()).toEqual(['data', 'metadataSpecVersion']);
    expect(typeof metadata.metadataSpecVersion).toBe('string');
  });

  it('has every required data key as a non-empty string', () => {
    for (const key of REQUIRED_STRING_KEYS) {
      expect(typeof data[key], key).toBe('string');
      expect((data[key] as string).length, key).toBeGreaterThan(0);
    }
  });

  it('uses only keys the schema allows (registryOverrides, never registries)', () => {
    expect(Object.keys(data).filter((k) => !ALLOWED_DATA_KEYS.includes(k))).toEqual([]);
    expect(data).not.toHaveProperty('registries');
  });

  it('describes this connector', () => {
    expect(data.connectorType).toBe('destination');
    expect(data.connectorSubtype).toBe('api');
    expect(data.releaseStage).toBe('alpha');
    expect(data.license).toBe('MIT');
    expect(data.definitionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(() => new URL(data.documentationUrl as string)).not.toThrow();
    expect(data.githubIssueLabel).toBe('destination-pinterest-conversions');
    expect(data.supportsDataActivation).toBe(true);
  });

  it('limits network access to the Pinterest API host', () => {
    expect(data.allowedHosts?.hosts).toEqual(['api.pinterest.com']);
  });

  it('is published to OSS only', () => {
    expect(data.registryOverrides?.oss?.enabled).toBe(true);
    expect(data.registryOverrides?.cloud?.enabled).toBe(false);
  });
});

describe('metadata.yaml agrees with the other packaging files', () => {
  it('dockerImageTag == package.json version == Dockerfile io.airbyte.version', () => {
    expect(data.dockerImageTag).toBe(pkg.version);
    expect(docker.labels['io.airbyte.version']?.value).toBe(pkg.version);
  });

  it('dockerRepository == Dockerfile io.airbyte.name', () => {
    expect(docker.labels['io.airbyte.name']?.value).toBe(data.dockerRepository);
    expect(data.dockerRepository).toBe('airbyte/destination-pinterest-conversions');
  });

  it('license == package.json license', () => {
    expect(data.license).toBe(pkg.license);
  });

  it('documentationUrl == spec.json documentationUrl', () => {
    expect(data.documentationUrl).toBe(spec.documentationUrl);
  });
});
