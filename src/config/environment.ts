import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

const toBool = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};

const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * The environment as API.md's configuration table defines it, plus the few operational settings the
 * README documents. Every variable is validated here once, at boot; nothing else reads `process.env`.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_MAX = 10;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Prefix of every Redis key this service writes, so that several deployments can share one Redis. */
  @IsString()
  @Matches(/^[A-Za-z0-9:_-]{0,64}$/, { message: 'must be up to 64 characters of [A-Za-z0-9:_-]' })
  REDIS_KEY_PREFIX = 'table-order:';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^amqps?:\/\/.+/, { message: 'must be an amqp:// or amqps:// URL' })
  RABBITMQ_URL?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString() JWT_PRIVATE_KEY?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() JWT_PRIVATE_KEY_FILE?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() JWT_PUBLIC_KEY?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() JWT_PUBLIC_KEY_FILE?: string;

  @Matches(/^\d+[smhd]?$/, { message: 'must be a duration such as 3600, 90m, 16h or 1d' })
  JWT_EXPIRES_IN = '16h';

  @IsString() @MinLength(1) JWT_ISSUER = 'table-order';
  @IsString() @MinLength(1) JWT_AUDIENCE = 'table-order-api';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[a-z0-9._-]{3,30}$/, { message: 'must be 3-30 characters of [a-z0-9._-]' })
  SUPERADMIN_USERNAME?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(8)
  SUPERADMIN_PASSWORD?: string;

  @Transform(toBool)
  @IsOptional()
  @IsBoolean()
  DEMO_SEED?: boolean;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @Transform(toInt) @IsInt() @Min(1) @Max(100000) RATE_LIMIT_PER_MINUTE = 100;
  @Transform(toInt) @IsInt() @Min(1) @Max(100000) LOGIN_RATE_LIMIT_PER_MINUTE = 20;
  @Transform(toInt) @IsInt() @Min(10) @Max(14) BCRYPT_COST = 10;
  @Transform(toInt) @IsInt() @Min(0) @Max(10) TRUST_PROXY = 0;
  @Transform(toInt) @IsInt() @Min(100) @Max(600000) SSE_HEARTBEAT_MS = 30000;
  @Transform(toInt) @IsInt() @Min(1) @Max(600000) SLOW_QUERY_MS = 2000;

  /** How long event rows are kept for Last-Event-ID replay (API.md: at least 24 h). */
  @Transform(toInt) @IsInt() @Min(24) @Max(24 * 30) EVENT_RETENTION_HOURS = 24;

  /** How often the outbox relay looks for unpublished events besides being woken after each commit. */
  @Transform(toInt) @IsInt() @Min(50) @Max(60000) OUTBOX_POLL_MS = 1000;

  /** Upper bound for in-flight requests to finish after SIGTERM. */
  @Transform(toInt) @IsInt() @Min(0) @Max(60000) SHUTDOWN_GRACE_MS = 10000;

  /** Where menu images are stored (API.md): `local` (DATA_DIR/uploads, served at /uploads) or `s3`. */
  @IsIn(['local', 's3'])
  IMAGE_STORAGE: 'local' | 's3' = 'local';

  @ValidateIf((o: EnvironmentVariables) => o.IMAGE_STORAGE === 's3' || o.S3_BUCKET !== undefined)
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
    message: 'is required when IMAGE_STORAGE=s3, and must be an S3 bucket name (3-63 of [a-z0-9.-])',
  })
  S3_BUCKET?: string;

  @Matches(/^[a-z0-9-]{1,32}$/, { message: 'must be a region name such as us-east-1 or ap-northeast-2' })
  S3_REGION = 'us-east-1';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: 'must be an http:// or https:// URL' })
  S3_ENDPOINT?: string;

  @Transform(toBool)
  @IsBoolean()
  S3_FORCE_PATH_STYLE = false;

  @ValidateIf((o: EnvironmentVariables) => o.IMAGE_STORAGE === 's3' || o.S3_PUBLIC_URL !== undefined)
  @Matches(/^https?:\/\/[^\s/]+(\/\S*)?$/, {
    message:
      'is required when IMAGE_STORAGE=s3, and must be the http:// or https:// base URL of the bucket or its CDN',
  })
  S3_PUBLIC_URL?: string;

  /** Uploaded images decoded at once per instance; each uses one libvips thread (sharp), off the event loop. */
  @Transform(toInt) @IsInt() @Min(1) @Max(16) IMAGE_PROCESSING_CONCURRENCY = 1;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  @IsIn(['json', 'pretty'])
  LOG_FORMAT: 'json' | 'pretty' = 'json';
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validates a raw environment. The first invalid variable stops start-up with one message naming it.
 * Only the variables declared above are read; the rest of the environment is ignored.
 */
export function validateEnvironment(raw: Record<string, string | undefined>): EnvironmentVariables {
  const declared = Object.keys(new EnvironmentVariables());
  const relevant: Record<string, string> = {};
  for (const key of declared) {
    const value = raw[key];
    // An empty variable counts as unset, as in most deployment tools' templates.
    if (value !== undefined && value.trim() !== '') relevant[key] = value;
  }
  // `npm start` is a person at a terminal: readable lines unless LOG_FORMAT says otherwise. `npm run start:prod`,
  // the container (`node dist/src/main`) and every deployment keep JSON.
  if (relevant.LOG_FORMAT === undefined && raw.npm_lifecycle_event === 'start')
    relevant.LOG_FORMAT = 'pretty';
  const env = plainToInstance(EnvironmentVariables, relevant, { exposeDefaultValues: true });
  const errors = validateSync(env);
  if (errors.length > 0) {
    const first = errors[0];
    const reason = (Object.values(first.constraints ?? {})[0] ?? 'is invalid').replace(
      `${first.property} `,
      '',
    );
    const secret = /KEY|PASSWORD/.test(first.property);
    const shown = secret || first.value === undefined ? '' : ` (got "${String(first.value)}")`;
    throw new ConfigError(`Invalid configuration: ${first.property} ${reason}${shown}`);
  }
  return env;
}
