/**
 * Configuration: embedded defaults, then an optional JSON file, then the environment. Validated once
 * at start; a bad value stops the hub with a message naming the field and the reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

const intFromEnv = (min: number, max: number) =>
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

const boolFromEnv = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

export const ServiceConfigSchema = z.object({
  code: z.string().regex(/^[A-Z]$/, 'service code must be one capital letter'),
  prefix: z.string().regex(/^[A-Z]$/, 'ticket prefix must be one capital letter'),
  nameId: z.string().min(1),
  nameEn: z.string().min(1),
  standardMinutes: z.number().positive(),
  requirements: z.array(z.object({ id: z.string(), textId: z.string(), textEn: z.string() })),
});

export const CounterConfigSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'counter id: lower-case letters, digits and dashes'),
  name: z.string().min(1),
  serviceCodes: z.array(z.string()).min(1, 'a counter serves at least one service'),
});

export const HubConfigSchema = z.object({
  port: intFromEnv(0, 65535).default(8080),
  host: z.string().default('0.0.0.0'),
  dataDir: z.string().min(1).default('./data'),
  mode: z.enum(['demo', 'production']).default('demo'),
  officeName: z.string().min(1).default('Kecamatan Contoh'),
  timezone: z.string().refine((tz) => {
    try { new Intl.DateTimeFormat('en-CA', { timeZone: tz }); return true; } catch { return false; }
  }, 'unknown IANA time zone').default('Asia/Jakarta'),
  sessionIdleMinutes: intFromEnv(1, 24 * 60).default(15),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  queue: z.object({
    /** after this many priority calls in a row at a counter, a waiting regular ticket goes next */
    maxConsecutivePriority: z.number().int().min(1).default(2),
    /** no-show may be recorded only after the ticket was recalled this many times */
    noShowAfterRecalls: z.number().int().min(0).default(2),
  }).default({ maxConsecutivePriority: 2, noShowAfterRecalls: 2 }),
  login: z.object({
    maxFailuresPerUser: z.number().int().min(1).default(5),
    maxFailuresPerAddress: z.number().int().min(1).default(20),
    windowMinutes: z.number().int().min(1).default(15),
  }).default({ maxFailuresPerUser: 5, maxFailuresPerAddress: 20, windowMinutes: 15 }),
  printer: z.object({
    /** 'simulator' runs our ESC/POS simulator in-process; otherwise a serial device path */
    port: z.string().default('simulator'),
    baudRate: z.number().int().positive().default(19200),
  }).default({ port: 'simulator', baudRate: 19200 }),
  dc: z.object({
    /** 'embedded' runs the reference DC in-process; 'none' keeps records in the outbox; else its https URL */
    url: z.union([z.enum(['embedded', 'none']), z.string().url('must be https://... or embedded or none')]).default('embedded'),
    /** the DC's TLS certificate (PEM file), trusted as the only CA for the link */
    caCertFile: z.string().optional(),
    hubId: z.string().regex(/^[a-z0-9-]{3,64}$/, 'lower-case letters, digits and dashes').default('hub-demo'),
    bootstrapToken: z.string().min(8).default('demo-bootstrap-token'),
    /** record batches in flight at once */
    concurrency: z.number().int().min(1).max(64).default(4),
    batchSize: z.number().int().min(1).max(200).default(50),
    requestTimeoutMs: z.number().int().min(100).default(10_000),
    retryBaseMs: z.number().int().min(10).default(1000),
    retryMaxMs: z.number().int().min(100).default(5 * 60_000),
    pollIntervalMs: z.number().int().min(50).default(2000),
    /** acknowledged biometric payloads leave the hub after this many days */
    retentionDays: z.number().min(0).default(30),
    /** embedded DC only: how long until its uniqueness answer (the SOP allows 24 h) */
    resultDelayMs: z.number().int().min(0).default(3000),
  }).default({ url: 'embedded', hubId: 'hub-demo', bootstrapToken: 'demo-bootstrap-token', concurrency: 4, batchSize: 50, requestTimeoutMs: 10_000, retryBaseMs: 1000, retryMaxMs: 300_000, pollIntervalMs: 2000, retentionDays: 30, resultDelayMs: 3000 }),
  fingerprint: z.object({
    /** 'simulator' (R30x simulator in-process), 'none', or the scanner's serial path */
    port: z.string().default('simulator'),
    baudRate: z.number().int().positive().default(57600),
  }).default({ port: 'simulator', baudRate: 57600 }),
  signaturePad: z.object({
    port: z.string().default('simulator'),
    baudRate: z.number().int().positive().default(19200),
  }).default({ port: 'simulator', baudRate: 19200 }),
  cardReader: z.object({
    /** 'simulator' (in-process virtual card), 'pcsc' (pcscd), or 'none' */
    mode: z.enum(['simulator', 'pcsc', 'none']).default('simulator'),
    /** only readers whose name contains this */
    readerFilter: z.string().optional(),
    /** PEM file of the country-signing CA certificates trusted for passive authentication */
    trustFile: z.string().optional(),
  }).default({ mode: 'simulator' }),
  collection: z.object({
    /** tries each index finger gets against the chip */
    maxTries: z.number().int().min(1).max(10).default(3),
    /** both index fingers must match (SOP); false: one matching finger is enough */
    requireBothFingers: z.boolean().default(true),
    /** a kiosk untouched this long wipes the collection from its screen (the case is unchanged) */
    kioskIdleSeconds: z.number().int().min(10).max(3600).default(90),
    /** the hub ends a session nobody touched for this long (a kiosk that died mid-flow) */
    sessionTimeoutSeconds: z.number().int().min(30).max(24 * 3600).default(600),
    /** how long the kiosk waits for a finger on the scanner */
    captureTimeoutSeconds: z.number().int().min(3).max(120).default(20),
  }).default({ maxTries: 3, requireBothFingers: true, kioskIdleSeconds: 90, sessionTimeoutSeconds: 600, captureTimeoutSeconds: 20 }),
  services: z.array(ServiceConfigSchema).optional(),
  counters: z.array(CounterConfigSchema).optional(),
  /** base64 of 32 bytes; otherwise a key file is made in the data folder on first start */
  atRestKey: z.string().optional(),
});

export type HubConfig = z.infer<typeof HubConfigSchema>;
export type HubConfigInput = z.input<typeof HubConfigSchema>;

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const ENV_KEYS: Record<string, string> = {
  PORT: 'port',
  HOST: 'host',
  HUB_DATA_DIR: 'dataDir',
  HUB_MODE: 'mode',
  HUB_OFFICE_NAME: 'officeName',
  HUB_TIMEZONE: 'timezone',
  SESSION_IDLE_MINUTES: 'sessionIdleMinutes',
  LOG_LEVEL: 'logLevel',
  HUB_AT_REST_KEY: 'atRestKey',
};

/** Validates a plain object (already merged from file and env) into a HubConfig. */
export function parseConfig(input: unknown): HubConfig {
  const result = HubConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const cfg = result.data;
  const codes = new Set((cfg.services ?? []).map((s) => s.code));
  for (const c of cfg.counters ?? []) {
    for (const code of c.serviceCodes) {
      if (cfg.services && !codes.has(code)) throw new ConfigError([`counters.${c.id}.serviceCodes: unknown service ${code}`]);
    }
  }
  return cfg;
}

/** Reads HUB_CONFIG_FILE (JSON) if given, then overlays the environment variables. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: HubConfigInput = {}): HubConfig {
  let fromFile: Record<string, unknown> = {};
  const file = env.HUB_CONFIG_FILE;
  if (file) {
    const path = resolve(file);
    if (!existsSync(path)) throw new ConfigError([`HUB_CONFIG_FILE: ${path} does not exist`]);
    try {
      fromFile = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError([`HUB_CONFIG_FILE: ${path} is not valid JSON (${(e as Error).message})`]);
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [envKey, key] of Object.entries(ENV_KEYS)) {
    const v = env[envKey];
    if (v !== undefined && v !== '') fromEnv[key] = v;
  }
  if (env.DC_URL || env.DC_CA_CERT_FILE || env.DC_HUB_ID || env.DC_BOOTSTRAP_TOKEN) {
    fromEnv.dc = {
      ...(fromFile.dc as object | undefined),
      ...(env.DC_URL ? { url: env.DC_URL } : {}),
      ...(env.DC_CA_CERT_FILE ? { caCertFile: env.DC_CA_CERT_FILE } : {}),
      ...(env.DC_HUB_ID ? { hubId: env.DC_HUB_ID } : {}),
      ...(env.DC_BOOTSTRAP_TOKEN ? { bootstrapToken: env.DC_BOOTSTRAP_TOKEN } : {}),
    };
  }
  if (env.FINGERPRINT_PORT) fromEnv.fingerprint = { ...(fromFile.fingerprint as object | undefined), port: env.FINGERPRINT_PORT };
  if (env.SIGNATURE_PORT) fromEnv.signaturePad = { ...(fromFile.signaturePad as object | undefined), port: env.SIGNATURE_PORT };
  if (env.CARD_READER) fromEnv.cardReader = { ...(fromFile.cardReader as object | undefined), mode: env.CARD_READER };
  if (env.PRINTER_PORT) {
    fromEnv.printer = { ...(fromFile.printer as object | undefined), port: env.PRINTER_PORT };
  }
  return parseConfig({ ...fromFile, ...fromEnv, ...overrides });
}

export { boolFromEnv };
