/**
 * The only module that reads the environment. Returns a typed, validated
 * config or fails fast with a message naming the variable at fault.
 */
import { mailConfig, mailEnvSchema, type MailConfig } from './channels/mailConfig.js';
import type { SmppConfig } from './channels/SmppGateway.js';
import { smsConfig, smsEnvSchema, smsTemplates } from './channels/smsConfig.js';
import type { SmsTemplates } from './documents/smsTemplates.js';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { ObjectStoreConfig } from './storage/S3BlobStore.js';
import type { RedisConfig } from './cluster/state.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(0).max(65535);

const iceServerSchema = z.object({
  urls: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  username: z.string().optional(),
  credential: z.string().optional(),
});

const envSchema = z
  .object({
    HTTP_HOST: z.string().default('127.0.0.1'),
    HTTP_PORT: port.default(3000),
    PUBLIC_URL: z.string().url().optional(),
    TLS_CERT_FILE: z.string().optional(),
    TLS_KEY_FILE: z.string().optional(),
    DATA_DIR: z.string().default('data'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
    /** Seals the signing keys every node shares in the database (several nodes); unset: key files. */
    SERVICE_KEYS_SECRET: z
      .string()
      .min(32, 'SERVICE_KEYS_SECRET must be at least 32 characters')
      .optional(),
    MEDIASOUP_WORKER_BIN: z.string().min(1).optional(),
    MEDIASOUP_NUM_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
    MEDIASOUP_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
    MEDIASOUP_LISTEN_IP: z.string().ip().default('127.0.0.1'),
    MEDIASOUP_ANNOUNCED_IP: z.string().min(1).optional(),
    MEDIASOUP_RTC_MIN_PORT: port.default(40000),
    MEDIASOUP_RTC_MAX_PORT: port.default(49999),
    MEDIASOUP_WEBRTC_SERVER: bool.default('false'),
    MEDIASOUP_WEBRTC_SERVER_PORT: port.default(44444),
    MEDIASOUP_ENABLE_UDP: bool.default('true'),
    MEDIASOUP_ENABLE_TCP: bool.default('true'),
    ICE_SERVERS: z.string().optional(),
    /** postgres://user:password@host:port/database selects PostgreSQL; unset: embedded SQLite. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    /** This node's name in health reports and logs (several nodes); default host name and pid. */
    NODE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'letters, digits and . _ : - (at most 64)')
      .optional(),
    /**
     * An S3-compatible object store for evidence, documents and archives (every node reads what any
     * node wrote); unset: files under DATA_DIR. S3_ENDPOINT for MinIO, Ceph or a test
     * server; unset with S3_BUCKET: AWS in S3_REGION.
     */
    S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
      .optional(),
    S3_ENDPOINT: z.string().url().optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_FORCE_PATH_STYLE: bool.optional(),
    S3_PREFIX: z
      .string()
      .regex(/^([a-z0-9][a-z0-9._-]*\/)*$/, 'must be empty or end with /, e.g. mediation/')
      .default(''),
    /** Days every stored object stays under S3 Object Lock (COMPLIANCE); the bucket must allow it. */
    S3_OBJECT_LOCK_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
    /**
     * Redis shared by several nodes (redis:// or rediss://): Socket.IO rooms across nodes,
     * rate limits counted on every node together. Unset: one process, all in memory.
     */
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    /**
     * Several nodes: the address this node's direct link to the other nodes listens on (an
     * address they reach; relayed requests skip Redis); `off`: every request through Redis.
     */
    NODE_LINK_HOST: z
      .string()
      .regex(/^(off|[0-9A-Za-z.:-]{1,253})$/, 'an IP address or host name, or off')
      .default('127.0.0.1'),
    /**
     * Several nodes: the address at which pages reach this node itself, past the balancer
     * (e.g. `https://mediation.example.org/node/a`, a path the balancer sends to this node
     * alone). A page whose session is held here and that reached another node moves its
     * signalling here; unset: such pages stay on the node they reached, which relays.
     */
    NODE_DIRECT_URL: z
      .string()
      .url()
      .regex(/^https?:\/\/[^?#]*$/, 'an http:// or https:// URL without query or fragment')
      .optional(),
    /** Put before every Redis key and channel (deployments sharing one Redis). */
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{0,64}$/, 'letters, digits and . _ : - (at most 64)')
      .default('mediation:'),
    /**
     * How long a process holds a background job (a notice being served, a webhook attempt, a
     * composite render) before another process may take it over; renewed while the job runs.
     */
    JOB_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
    /** How often each process marks passed deadlines and serves pending notices. */
    DEADLINE_PASS_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(600_000),
    SOCKET_RATE_LIMIT: z.coerce.number().positive().default(50),
    /** First retry delay of institution webhooks; doubled per attempt up to an hour. */
    WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().positive().default(30_000),
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().positive().max(50).default(10),
    /**
     * Proof-of-work difficulty of the public application page (leading zero bits of a SHA-256;
     * 2^bits hashes on average: 16 takes a phone one to three seconds).
     */
    APPLICATION_POW_BITS: z.coerce.number().int().min(0).max(24).default(16),
    /** Hosts a webhook may reach over plain http and at private/loopback addresses (comma-separated). */
    WEBHOOK_HTTP_ALLOWLIST: z.string().optional(),
    /** Proxies whose X-Forwarded-For is believed (comma-separated IPs/CIDRs); none by default. */
    TRUSTED_PROXIES: z.string().optional(),
    /**
     * Bearer token that lets a monitor read /healthz's detail (sessions, people, workers,
     * event-loop delay); without it /healthz says only ok/degraded/draining.
     */
    HEALTH_TOKEN: z.string().min(24, 'HEALTH_TOKEN must be at least 24 characters').optional(),
    /** Largest payload of a joint application bundle (the ZIP is built in memory, stored ZIP32). */
    BUNDLE_MAX_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .max(3 * 1024 * 1024 * 1024)
      .default(1024 * 1024 * 1024),
    SOCKET_RATE_BURST: z.coerce.number().int().positive().default(100),
    /** Live sockets one person (one token subject) may hold; a newer one replaces the oldest. */
    SOCKET_MAX_PER_PERSON: z.coerce.number().int().min(1).max(50).default(3),
    /** Request rate of one person across all their sockets (per second) and burst. */
    SOCKET_PERSON_RATE_LIMIT: z.coerce.number().positive().default(50),
    SOCKET_PERSON_RATE_BURST: z.coerce.number().int().positive().default(100),
    EVIDENCE_MAX_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(512 * 1024 * 1024),
    EVIDENCE_CASE_QUOTA_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024 * 1024),
    /** An upload that sends no byte for this long is refused (408) and its partial file removed. */
    UPLOAD_IDLE_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
    /** An upload must arrive whole within this time; the HTTP server's own request limit follows it. */
    UPLOAD_TIMEOUT_MS: z.coerce.number().int().positive().default(300_000),
    WORK_CALENDAR_HOLIDAYS: z.string().optional(),
    WORK_CALENDAR_EXTRA_WORKDAYS: z.string().optional(),
    /** Check every HTTP reply against its contract schema (500 on a mismatch); on under NODE_ENV=test. */
    CHECK_RESPONSES: bool.optional(),
    /** The demo's loopback mail relay and SMSC (npm start sets it). */
    DEMO_CHANNELS: bool.default('false'),
    NODE_ENV: z.string().optional(),
  })
  .extend(mailEnvSchema.shape)
  .extend(smsEnvSchema.shape);

export interface IceServerConfig {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface Config {
  /** E-mail through an SMTP relay (server/channels/); undefined: the outbox only. */
  mail: MailConfig | undefined;
  /** SMS through an SMPP gateway (server/channels/); undefined: the outbox only. */
  sms: SmppConfig | undefined;
  /** The SMS wording (the carrier's registered templates). */
  smsTemplates: SmsTemplates;
  /**
   * The demo's own loopback mail relay and SMSC (server/channels/LoopbackChannels.ts), used when
   * no relay or SMSC is configured, with a console page of what they received. Never in
   * production: they deliver nothing.
   */
  demoChannels: boolean;
  http: {
    host: string;
    port: number;
    publicUrl: string | undefined;
    tls: { certFile: string; keyFile: string } | undefined;
    /** Every JSON reply is checked against its contract schema (tests). */
    checkResponses: boolean;
  };
  dataDir: string;
  /** PostgreSQL when `url` is set (DATABASE_URL), else the embedded SQLite file in dataDir. */
  database: { url: string | undefined; poolSize: number };
  /** This node's name (NODE_ID, else host name and process id). */
  nodeId: string;
  /** Redis shared by the nodes (REDIS_URL); undefined: one process, state in memory. */
  redis: RedisConfig | undefined;
  /** Evidence, documents and archives in an S3-compatible store (S3_BUCKET), else files in dataDir. */
  objectStore: ObjectStoreConfig | undefined;
  jobs: { leaseMs: number; deadlinePassMs: number };
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /**
   * jwtSecret signs tokens; serviceKeysSecret (SERVICE_KEYS_SECRET) seals the signing keys
   * every node shares in the database — unset: the keys are files in dataDir/keys.
   */
  auth: { jwtSecret: string; serviceKeysSecret: string | undefined };
  media: {
    workerBin: string;
    numWorkers: number;
    logLevel: 'debug' | 'warn' | 'error' | 'none';
    listenIp: string;
    announcedIp: string | undefined;
    rtcMinPort: number;
    rtcMaxPort: number;
    /** Single-port mode: one WebRtcServer per worker on basePort + worker index. */
    webRtcServer: { basePort: number } | undefined;
    enableUdp: boolean;
    enableTcp: boolean;
    iceServers: IceServerConfig[];
  };
  socket: {
    ratePerSecond: number;
    burst: number;
    maxPerPerson: number;
    personRatePerSecond: number;
    personBurst: number;
  };
  evidence: { maxBytes: number; caseQuotaBytes: number };
  /** Limits on how long a request body may take to arrive. */
  uploads: { idleTimeoutMs: number; timeoutMs: number };
  webhooks: { retryBaseMs: number; maxAttempts: number; httpAllowlist: string[] };
  /** The public application page: its proof-of-work difficulty. */
  applications: { powBits: number };
  /** Addresses/subnets of reverse proxies trusted to set X-Forwarded-For. */
  trustedProxies: string[];
  /** Bearer token for /healthz's detail (HEALTH_TOKEN); none: the detail is never given. */
  healthToken: string | undefined;
  bundles: { maxBytes: number };
  /** Statutory holidays and make-up working days (调休), for working-day deadlines. */
  calendar: { holidays: string[]; extraWorkdays: string[] };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Reads and validates the configuration. `overrides` win over the environment (tests). */
export function loadConfig(env: Env = process.env, overrides: Partial<Env> = {}): Config {
  const merged: Env = { ...env, ...overrides };
  // Empty variables count as unset, the way a shell user expects.
  const cleaned = Object.fromEntries(
    Object.entries(merged).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;

  if (e.MEDIASOUP_RTC_MIN_PORT > e.MEDIASOUP_RTC_MAX_PORT) {
    throw new ConfigError('MEDIASOUP_RTC_MIN_PORT must not exceed MEDIASOUP_RTC_MAX_PORT');
  }
  if (!e.MEDIASOUP_ENABLE_UDP && !e.MEDIASOUP_ENABLE_TCP) {
    throw new ConfigError(
      'At least one of MEDIASOUP_ENABLE_UDP and MEDIASOUP_ENABLE_TCP must be true',
    );
  }
  if (Boolean(e.TLS_CERT_FILE) !== Boolean(e.TLS_KEY_FILE)) {
    throw new ConfigError('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  }

  const workerBin = e.MEDIASOUP_WORKER_BIN;
  if (!workerBin) {
    throw new ConfigError(
      'MEDIASOUP_WORKER_BIN is not set. Start the service with `npm start`, or build the worker with ' +
        '`scripts/mediasoup-worker.sh ensure` and export the path it prints.',
    );
  }
  try {
    accessSync(workerBin, constants.X_OK);
  } catch {
    throw new ConfigError(
      `MEDIASOUP_WORKER_BIN points to ${workerBin}, which is not an executable file. ` +
        'Run `scripts/mediasoup-worker.sh ensure` to build it.',
    );
  }

  let iceServers: IceServerConfig[] = [];
  if (e.ICE_SERVERS) {
    let raw: unknown;
    try {
      raw = JSON.parse(e.ICE_SERVERS);
    } catch {
      throw new ConfigError('ICE_SERVERS must be a JSON array of {urls, username?, credential?}');
    }
    const servers = z.array(iceServerSchema).safeParse(raw);
    if (!servers.success) {
      throw new ConfigError('ICE_SERVERS must be a JSON array of {urls, username?, credential?}');
    }
    iceServers = servers.data.map((s) => ({
      urls: Array.isArray(s.urls) ? s.urls : [s.urls],
      ...(s.username !== undefined ? { username: s.username } : {}),
      ...(s.credential !== undefined ? { credential: s.credential } : {}),
    }));
  }

  const dataDir = path.resolve(e.DATA_DIR);
  const nodeId = e.NODE_ID ?? `${os.hostname()}-${process.pid}`;
  const jwtSecret = e.JWT_SECRET ?? loadOrCreateSecret(dataDir);
  let mail: MailConfig | undefined;
  let sms: SmppConfig | undefined;
  let templates: SmsTemplates;
  try {
    mail = mailConfig(e);
    sms = smsConfig(e);
    templates = smsTemplates(e);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (e.DEMO_CHANNELS && e.NODE_ENV === 'production')
    throw new ConfigError('DEMO_CHANNELS delivers nothing: it is not for production');
  return {
    mail,
    sms,
    smsTemplates: templates,
    demoChannels: e.DEMO_CHANNELS,
    http: {
      host: e.HTTP_HOST,
      port: e.HTTP_PORT,
      publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
      tls:
        e.TLS_CERT_FILE && e.TLS_KEY_FILE
          ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE }
          : undefined,
      checkResponses: e.CHECK_RESPONSES ?? e.NODE_ENV === 'test',
    },
    dataDir,
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    nodeId,
    redis: e.REDIS_URL
      ? {
          url: e.REDIS_URL,
          keyPrefix: e.REDIS_KEY_PREFIX,
          nodeId,
          directUrl: e.NODE_DIRECT_URL?.replace(/\/+$/, ''),
          link:
            e.NODE_LINK_HOST === 'off' ? undefined : { host: e.NODE_LINK_HOST, secret: jwtSecret },
        }
      : undefined,
    objectStore: e.S3_BUCKET
      ? {
          bucket: e.S3_BUCKET,
          region: e.S3_REGION,
          // A store of one's own (an endpoint) usually wants the bucket in the path.
          forcePathStyle: e.S3_FORCE_PATH_STYLE ?? e.S3_ENDPOINT !== undefined,
          prefix: e.S3_PREFIX,
          ...(e.S3_ENDPOINT ? { endpoint: e.S3_ENDPOINT } : {}),
          ...(e.S3_ACCESS_KEY_ID ? { accessKeyId: e.S3_ACCESS_KEY_ID } : {}),
          ...(e.S3_SECRET_ACCESS_KEY ? { secretAccessKey: e.S3_SECRET_ACCESS_KEY } : {}),
          ...(e.S3_OBJECT_LOCK_DAYS ? { objectLockDays: e.S3_OBJECT_LOCK_DAYS } : {}),
        }
      : undefined,
    jobs: { leaseMs: e.JOB_LEASE_MS, deadlinePassMs: e.DEADLINE_PASS_MS },
    logLevel: e.LOG_LEVEL,
    auth: {
      jwtSecret,
      serviceKeysSecret: e.SERVICE_KEYS_SECRET,
    },
    media: {
      workerBin,
      numWorkers: e.MEDIASOUP_NUM_WORKERS ?? Math.max(1, os.availableParallelism()),
      logLevel: e.MEDIASOUP_LOG_LEVEL,
      listenIp: e.MEDIASOUP_LISTEN_IP,
      announcedIp: e.MEDIASOUP_ANNOUNCED_IP,
      rtcMinPort: e.MEDIASOUP_RTC_MIN_PORT,
      rtcMaxPort: e.MEDIASOUP_RTC_MAX_PORT,
      webRtcServer: e.MEDIASOUP_WEBRTC_SERVER
        ? { basePort: e.MEDIASOUP_WEBRTC_SERVER_PORT }
        : undefined,
      enableUdp: e.MEDIASOUP_ENABLE_UDP,
      enableTcp: e.MEDIASOUP_ENABLE_TCP,
      iceServers,
    },
    socket: {
      ratePerSecond: e.SOCKET_RATE_LIMIT,
      burst: e.SOCKET_RATE_BURST,
      maxPerPerson: e.SOCKET_MAX_PER_PERSON,
      personRatePerSecond: e.SOCKET_PERSON_RATE_LIMIT,
      personBurst: e.SOCKET_PERSON_RATE_BURST,
    },
    evidence: { maxBytes: e.EVIDENCE_MAX_BYTES, caseQuotaBytes: e.EVIDENCE_CASE_QUOTA_BYTES },
    uploads: { idleTimeoutMs: e.UPLOAD_IDLE_TIMEOUT_MS, timeoutMs: e.UPLOAD_TIMEOUT_MS },
    webhooks: {
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      httpAllowlist: hostList('WEBHOOK_HTTP_ALLOWLIST', e.WEBHOOK_HTTP_ALLOWLIST),
    },
    applications: { powBits: e.APPLICATION_POW_BITS },
    trustedProxies: proxyList(e.TRUSTED_PROXIES),
    healthToken: e.HEALTH_TOKEN,
    bundles: { maxBytes: e.BUNDLE_MAX_BYTES },
    calendar: {
      holidays: dateList('WORK_CALENDAR_HOLIDAYS', e.WORK_CALENDAR_HOLIDAYS),
      extraWorkdays: dateList('WORK_CALENDAR_EXTRA_WORKDAYS', e.WORK_CALENDAR_EXTRA_WORKDAYS),
    },
  };
}

function dateList(name: string, value: string | undefined): string[] {
  if (!value) return [];
  const dates = value
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  for (const d of dates) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d))
      throw new ConfigError(`${name}: "${d}" is not a date YYYY-MM-DD`);
  }
  return dates;
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

function hostList(name: string, value: string | undefined): string[] {
  const hosts = splitList(value);
  for (const h of hosts) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:.]+|[A-Za-z0-9.-]+)$/.test(h))
      throw new ConfigError(`${name}: "${h}" is not a host name or an IP address`);
  }
  return hosts;
}

function proxyList(value: string | undefined): string[] {
  const proxies = splitList(value);
  for (const p of proxies) {
    const [ip, bits, ...rest] = p.split('/');
    const ok =
      rest.length === 0 &&
      z.string().ip().safeParse(ip).success &&
      (bits === undefined || /^\d{1,3}$/.test(bits));
    if (!ok) throw new ConfigError(`TRUSTED_PROXIES: "${p}" is not an IP address or a CIDR subnet`);
  }
  return proxies;
}

/** The data directory alone, for command-line tools that only read the database. */
export function loadDataDir(env: Env = process.env): string {
  return path.resolve(env['DATA_DIR'] || 'data');
}

/**
 * DATABASE_URL and DATABASE_POOL_SIZE alone, validated as loadConfig does, for
 * command-line tools (no media settings): `url` undefined means the SQLite file.
 */
export function loadDatabaseConfig(env: Env = process.env): Config['database'] {
  const cleaned = Object.fromEntries(
    ['DATABASE_URL', 'DATABASE_POOL_SIZE'].flatMap((k) => (env[k] ? [[k, env[k]]] : [])),
  );
  const parsed = envSchema
    .pick({ DATABASE_URL: true, DATABASE_POOL_SIZE: true })
    .safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return { url: parsed.data.DATABASE_URL, poolSize: parsed.data.DATABASE_POOL_SIZE };
}

/** SERVICE_KEYS_SECRET alone, validated, for the key rotation tool. */
export function loadServiceKeysSecret(env: Env = process.env): string | undefined {
  const value = env['SERVICE_KEYS_SECRET'] || undefined;
  const parsed = envSchema.pick({ SERVICE_KEYS_SECRET: true }).safeParse({
    SERVICE_KEYS_SECRET: value,
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data.SERVICE_KEYS_SECRET;
}

/** The operator's WORK_CALENDAR_* dates alone, for the calendar-year tool (no media settings). */
export function loadWorkCalendarConfig(env: Env = process.env): Config['calendar'] {
  const value = (name: string) => env[name] || undefined;
  return {
    holidays: dateList('WORK_CALENDAR_HOLIDAYS', value('WORK_CALENDAR_HOLIDAYS')),
    extraWorkdays: dateList('WORK_CALENDAR_EXTRA_WORKDAYS', value('WORK_CALENDAR_EXTRA_WORKDAYS')),
  };
}

/** A per-installation signing secret, created on first start and kept private. */
function loadOrCreateSecret(dataDir: string): string {
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, 'jwt-secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length < 32)
      throw new ConfigError(`${file} holds a secret shorter than 32 characters`);
    return secret;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}

/** The config as it may be logged: secrets masked. */
export function redactConfig(config: Config): unknown {
  return {
    ...config,
    auth: {
      jwtSecret: '***',
      serviceKeysSecret: config.auth.serviceKeysSecret ? '***' : undefined,
    },
    database: { ...config.database, url: redactUrl(config.database.url) },
    redis: config.redis && {
      ...config.redis,
      url: redactUrl(config.redis.url),
      link: config.redis.link && { host: config.redis.link.host, secret: '[redacted]' },
    },
    objectStore: config.objectStore && {
      ...config.objectStore,
      secretAccessKey: config.objectStore.secretAccessKey ? '***' : undefined,
    },
    media: {
      ...config.media,
      iceServers: config.media.iceServers.map((s) => ({
        ...s,
        credential: s.credential ? '***' : undefined,
      })),
    },
  };
}

/** A database URL with its password replaced, for the logs. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '***';
  }
}
