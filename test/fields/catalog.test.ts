import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import eventsSchema from '../../src/pinterest/conversion-events.schema.json' with { type: 'json' };
import {
  DESTINATION_FIELDS,
  destinationJsonSchema,
  fieldsOfGroup,
  findDestinationField,
} from '../../src/fields/catalog.js';
import { HASHED_USER_FIELDS, PINTEREST_KEY_OF, PLAIN_USER_FIELDS, RAW_USER_FIELDS } from '../../src/mapping/user-data.js';

type Props = Record<string, { type?: unknown; maxLength?: number; minimum?: number; maximum?: number; enum?: string[]; maxItems?: number }>;
const item = eventsSchema.properties.data.items as { properties: Props };
const custom = (item.properties.custom_data as unknown as { properties: Props }).properties;
const app = eventsSchema.definitions.ConversionEventAppInfo.properties as Props;
const device = eventsSchema.definitions.ConversionEventDeviceInfo.properties as Props;
const user = eventsSchema.definitions.ConversionEventsUserDataProperties.properties as Props;

describe('destination field catalog', () => {
  it('names and aliases are unique and looked up case-insensitively', () => {
    const all = DESTINATION_FIELDS.flatMap((f) => [f.name, ...f.aliases].map((n) => n.toLowerCase()));
    expect(new Set(all).size).toBe(all.length);
    expect(findDestinationField('EM')?.name).toBe('email');
    expect(findDestinationField('hashed_maids')?.name).toBe('maid');
    expect(findDestinationField('hashed_maid')?.name).toBe('hashed_maid');
    expect(findDestinationField('app_info.app_store')?.target).toBe('app_info.app_store');
    expect(findDestinationField('np')).toBeUndefined();
  });

  it('every target is a Pinterest key of the events schema, np never', () => {
    for (const f of DESTINATION_FIELDS) {
      const [head, key] = f.target.split('.');
      const props =
        key === undefined ? item.properties : head === 'custom_data' ? custom : head === 'app_info' ? app : head === 'device_info' ? device : user;
      expect(Object.keys(props), f.name).toContain(key ?? head);
      expect(f.target).not.toMatch(/\bnp$/);
    }
  });

  it('covers every event, custom_data (except np), app_info and device_info key of the schema', () => {
    const targets = new Set(DESTINATION_FIELDS.map((f) => f.target));
    for (const k of Object.keys(item.properties)) if (k !== 'user_data' && k !== 'custom_data') expect(targets, k).toContain(k);
    for (const k of Object.keys(custom)) if (k !== 'np') expect(targets, k).toContain(`custom_data.${k}`);
    for (const k of Object.keys(app)) expect(targets, k).toContain(`app_info.${k}`);
    for (const k of Object.keys(device)) expect(targets, k).toContain(`device_info.${k}`);
    for (const k of Object.keys(user)) expect(targets, k).toContain(`user_data.${k}`);
  });

  it('carries the schema limits of app_info and device_info', () => {
    for (const [group, props] of [
      ['app_info', app],
      ['device_info', device],
    ] as const) {
      for (const [key, p] of Object.entries(props)) {
        const c = findDestinationField(`${group}.${key}`)?.constraints ?? {};
        expect(c.maxLength, `${group}.${key}`).toBe(p.maxLength);
        expect(c.maximum, `${group}.${key}`).toBe(p.maximum);
        expect(c.minimum, `${group}.${key}`).toBe(p.minimum);
        expect(c.enum ? [...c.enum] : undefined, `${group}.${key}`).toEqual(p.enum);
        expect(c.maxItems, `${group}.${key}`).toBe(p.maxItems);
      }
    }
  });

  it('user fields match the user-data builder', () => {
    expect(fieldsOfGroup('user').map((f) => f.name)).toEqual([...RAW_USER_FIELDS]);
    expect(fieldsOfGroup('user_hashed').map((f) => f.name)).toEqual([...HASHED_USER_FIELDS]);
    expect(fieldsOfGroup('user_plain').map((f) => f.name)).toEqual([...PLAIN_USER_FIELDS]);
    for (const raw of RAW_USER_FIELDS) {
      expect(findDestinationField(raw)?.target).toBe(`user_data.${PINTEREST_KEY_OF[raw]}`);
      expect(findDestinationField(`hashed_${raw}`)?.target).toBe(`user_data.${PINTEREST_KEY_OF[raw]}`);
    }
    for (const [raw, alias] of Object.entries({ email: 'em', phone: 'ph', first_name: 'fn', last_name: 'ln', gender: 'ge', date_of_birth: 'db', city: 'ct', state: 'st', zip_code: 'zp', maid: 'hashed_maids' })) {
      expect(findDestinationField(alias)?.name).toBe(raw);
    }
  });

  it('every field has one-line normalization and description', () => {
    for (const f of DESTINATION_FIELDS) {
      expect(f.normalization.length, f.name).toBeGreaterThan(0);
      expect(f.description.length, f.name).toBeGreaterThan(0);
      expect(`${f.normalization}${f.description}`, f.name).not.toMatch(/\n/);
      expect(f.type.length, f.name).toBeGreaterThan(0);
    }
  });
});

describe('destinationJsonSchema', () => {
  it('is a valid draft-07 schema listing every field', () => {
    const s = destinationJsonSchema();
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    expect(ajv.validateSchema(s)).toBe(true);
    expect(Object.keys(s.properties)).toEqual(DESTINATION_FIELDS.map((f) => f.name));
    expect(s.properties.value).toEqual({
      type: ['number', 'string', 'integer'],
      description: expect.stringContaining('custom_data.value'),
    });
    expect(s.properties.email.description).toContain('Also accepted as: em.');
    const validate = ajv.compile(s);
    expect(validate({ email: 'a@b.c', value: '1', anything_else: true })).toBe(true);
    expect(validate({ value: true })).toBe(false);
  });

  it('returns a fresh object each call', () => {
    const a = destinationJsonSchema();
    a.properties.email.type.push('object');
    expect(destinationJsonSchema().properties.email.type).not.toContain('object');
  });
});
