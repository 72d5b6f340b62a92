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
  if (env.PRINTER_PORT) {
    fromEnv.printer = { ...(fromFile.printer as object | undefined), port: env.PRINTER_PORT };
  }
  return parseConfig({ ...fromFile, ...fromEnv, ...overrides });
}

export { boolFromEnv };
