import * as path from 'node:path';
import { EnvironmentVariables, validateEnvironment } from './environment';

export type LogLevel = EnvironmentVariables['LOG_LEVEL'];

/** The bucket of IMAGE_STORAGE=s3; credentials come from the AWS SDK's default chain, not from here. */
export interface S3Settings {
  bucket: string;
  region: string;
  /** Unset for AWS S3 itself; the URL of MinIO, Ceph, R2… otherwise. */
  endpoint?: string;
  forcePathStyle: boolean;
  /** Base URL clients fetch objects from (the bucket's or its CDN's), without a trailing slash. */
  publicUrl: string;
}

/**
 * Typed, validated configuration, built once at boot and injected everywhere (`constructor(private config: AppConfig)`).
 */
export class AppConfig {
  readonly nodeEnv: EnvironmentVariables['NODE_ENV'];
  readonly isProduction: boolean;
  readonly port: number;
  readonly dataDir: string;
  readonly database: { url?: string; poolMax: number; slowQueryMs: number };
  readonly redis: { url?: string; keyPrefix: string };
  readonly rabbitmq: { url?: string };
  readonly jwt: {
    privateKey?: string;
    privateKeyFile?: string;
    publicKey?: string;
    publicKeyFile?: string;
    expiresInSeconds: number;
    issuer: string;
    audience: string;
  };
  readonly superadmin?: { username: string; password: string };
  readonly demoSeed: boolean;
  readonly corsOrigins: string[];
  readonly rateLimitPerMinute: number;
  readonly loginRateLimitPerMinute: number;
  readonly bcryptCost: number;
  readonly trustProxy: number;
  readonly sseHeartbeatMs: number;
  readonly eventRetentionHours: number;
  readonly outboxPollMs: number;
  readonly shutdownGraceMs: number;
  readonly log: { level: LogLevel; format: 'json' | 'pretty' };
  readonly images: { storage: 'local' | 's3'; processingConcurrency: number; s3?: S3Settings };

  constructor(env: EnvironmentVariables) {
    this.nodeEnv = env.NODE_ENV;
    this.isProduction = env.NODE_ENV === 'production';
    this.port = env.PORT;
    this.dataDir = path.resolve(env.DATA_DIR);
    this.database = { url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX, slowQueryMs: env.SLOW_QUERY_MS };
    this.redis = { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX };
    this.rabbitmq = { url: env.RABBITMQ_URL };
    this.jwt = {
      privateKey: env.JWT_PRIVATE_KEY,
      privateKeyFile: env.JWT_PRIVATE_KEY_FILE,
      publicKey: env.JWT_PUBLIC_KEY,
      publicKeyFile: env.JWT_PUBLIC_KEY_FILE,
      expiresInSeconds: parseDuration(env.JWT_EXPIRES_IN),
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    };
    if (env.SUPERADMIN_USERNAME && env.SUPERADMIN_PASSWORD) {
      this.superadmin = { username: env.SUPERADMIN_USERNAME, password: env.SUPERADMIN_PASSWORD };
    }
    this.demoSeed = env.DEMO_SEED ?? !this.isProduction;
    this.corsOrigins = (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o.length > 0);
    this.rateLimitPerMinute = env.RATE_LIMIT_PER_MINUTE;
    this.loginRateLimitPerMinute = env.LOGIN_RATE_LIMIT_PER_MINUTE;
    this.bcryptCost = env.BCRYPT_COST;
    this.trustProxy = env.TRUST_PROXY;
    this.sseHeartbeatMs = env.SSE_HEARTBEAT_MS;
    this.eventRetentionHours = env.EVENT_RETENTION_HOURS;
    this.outboxPollMs = env.OUTBOX_POLL_MS;
    this.shutdownGraceMs = env.SHUTDOWN_GRACE_MS;
    this.log = { level: env.LOG_LEVEL, format: env.LOG_FORMAT };
    this.images = {
      storage: env.IMAGE_STORAGE,
      processingConcurrency: env.IMAGE_PROCESSING_CONCURRENCY,
      // Validation made S3_BUCKET and S3_PUBLIC_URL present whenever IMAGE_STORAGE=s3.
      s3:
        env.IMAGE_STORAGE === 's3'
          ? {
              bucket: env.S3_BUCKET as string,
              region: env.S3_REGION,
              endpoint: env.S3_ENDPOINT,
              forcePathStyle: env.S3_FORCE_PATH_STYLE,
              publicUrl: (env.S3_PUBLIC_URL as string).replace(/\/+$/, ''),
            }
          : undefined,
    };
  }

  get uploadsDir(): string {
    return path.join(this.dataDir, 'uploads');
  }
}

function parseDuration(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value);
  if (!match) throw new Error(`bad duration ${value}`);
  const n = Number(match[1]);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return n * unit;
}

/**
 * Reads the environment once. `overrides` lets tests and tools start an instance with its own settings
 * (a temporary DATA_DIR, another port) without touching the process environment.
 */
export function loadConfig(overrides: Record<string, string | undefined> = {}): AppConfig {
  return new AppConfig(validateEnvironment({ ...process.env, ...overrides }));
}
