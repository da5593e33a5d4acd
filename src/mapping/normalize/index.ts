/**
 * PII normalizers for Pinterest user_data, one pure module per kind. Each normalizer has the `FieldNormalizer`
 * shape `(value: unknown, ctx?: NormalizeContext) => string | Rejected | null` (see text.ts) and never throws.
 * Rules: Pinterest OpenAPI 5.23 ConversionEventsUserData; project decisions NOTES §3.
 */
export * from './text.js';
export * from './email.js';
export * from './phone.js';
export * from './name.js';
export * from './gender.js';
export * from './date-of-birth.js';
export * from './city.js';
export * from './state.js';
export * from './zip.js';
export * from './country.js';
export * from './ids.js';
