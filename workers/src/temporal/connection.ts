import { readFileSync } from 'node:fs';
import type { DataConverter, TLSConfig } from '@temporalio/client';
import { AesGcmPayloadCodec, parsePayloadKey } from './payload-codec.ts';

/** Where and how the API and the worker reach Temporal: a local dev server, a cluster or Temporal Cloud. */
export interface TemporalSettings {
  /** The same shape fits the client's `Connection` and the worker's `NativeConnection`. */
  connection: { address: string; tls?: TLSConfig | boolean; apiKey?: string };
  namespace: string;
  taskQueue: string;
  /** Set when ITINERA_PAYLOAD_KEY is: encrypts payloads in history (client and worker must both use it). */
  dataConverter?: DataConverter;
}

const isOff = (value: string | undefined) => value !== undefined && /^(0|false|no|off)$/i.test(value);
const isOn = (value: string | undefined) => value !== undefined && /^(1|true|yes|on)$/i.test(value);

function readPem(env: NodeJS.ProcessEnv, variable: string): Buffer | undefined {
  const path = env[variable];
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
}

function tlsFromEnv(env: NodeJS.ProcessEnv): TLSConfig | boolean | undefined {
  const crt = readPem(env, 'TEMPORAL_TLS_CERT');
  const key = readPem(env, 'TEMPORAL_TLS_KEY');
  if (Boolean(crt) !== Boolean(key))
    throw new Error('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together (mTLS client certificate)');
  const ca = readPem(env, 'TEMPORAL_TLS_CA');
  const serverName = env.TEMPORAL_TLS_SERVER_NAME || undefined;
  const config: TLSConfig = {
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(serverName ? { serverNameOverride: serverName } : {}),
  };
  const configured = Object.keys(config).length > 0;
  if (isOff(env.TEMPORAL_TLS)) {
    if (configured) throw new Error('TEMPORAL_TLS is off but TEMPORAL_TLS_* files or server name are set');
    if (env.TEMPORAL_API_KEY)
      throw new Error('TEMPORAL_API_KEY is only sent over TLS, but TEMPORAL_TLS is off');
    return undefined;
  }
  // Temporal Cloud API keys only travel over TLS; the system's trusted CAs verify the server then.
  if (configured) return config;
  return isOn(env.TEMPORAL_TLS) || env.TEMPORAL_API_KEY ? true : undefined;
}

export function temporalSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const tls = tlsFromEnv(env);
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  const current = env.ITINERA_PAYLOAD_KEY;
  const previous = (env.ITINERA_PAYLOAD_OLD_KEYS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((value, i) => parsePayloadKey(value, `ITINERA_PAYLOAD_OLD_KEYS[${i}]`));
  if (!current && previous.length > 0)
    throw new Error('ITINERA_PAYLOAD_OLD_KEYS is set without ITINERA_PAYLOAD_KEY');
  return {
    connection: {
      address: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
      ...(tls === undefined ? {} : { tls }),
      ...(apiKey ? { apiKey } : {}),
    },
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'itinera',
    ...(current
      ? {
          dataConverter: {
            payloadCodecs: [
              new AesGcmPayloadCodec(parsePayloadKey(current, 'ITINERA_PAYLOAD_KEY'), previous),
            ],
          },
        }
      : {}),
  };
}

/** What the logs may say about the connection: never the key or certificate contents. */
export function describeTemporal(settings: TemporalSettings): string {
  const { address, tls, apiKey } = settings.connection;
  const security = [
    tls === true ? 'TLS' : tls ? `TLS${tls.clientCertPair ? ' (mTLS)' : ''}` : 'plaintext',
    apiKey ? 'API key' : undefined,
    settings.dataConverter ? 'encrypted payloads' : undefined,
  ].filter(Boolean);
  return `${address} namespace "${settings.namespace}" task queue "${settings.taskQueue}", ${security.join(', ')}`;
}
