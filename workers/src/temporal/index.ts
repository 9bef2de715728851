/** Temporal connection settings shared by the API and the worker (`@itinera/workers/temporal`). */
export { describeTemporal, type TemporalSettings, temporalSettingsFromEnv } from './connection.ts';
export { AesGcmPayloadCodec, type PayloadKey, parsePayloadKey } from './payload-codec.ts';
