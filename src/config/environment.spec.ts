import { loadConfig } from './app-config';
import { ConfigError, validateEnvironment } from './environment';

describe('configuration', () => {
  it('applies API.md defaults', () => {
    const env = validateEnvironment({});
    expect(env.PORT).toBe(3000);
    expect(env.JWT_EXPIRES_IN).toBe('16h');
    expect(env.RATE_LIMIT_PER_MINUTE).toBe(100);
    expect(env.LOGIN_RATE_LIMIT_PER_MINUTE).toBe(20);
    expect(env.BCRYPT_COST).toBe(10);
    expect(env.SSE_HEARTBEAT_MS).toBe(30000);
    expect(env.SLOW_QUERY_MS).toBe(2000);
    expect(env.LOG_FORMAT).toBe('json');
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('logs readable lines under `npm start` unless LOG_FORMAT is set; other scripts and the container keep JSON', () => {
    expect(validateEnvironment({ npm_lifecycle_event: 'start' }).LOG_FORMAT).toBe('pretty');
    expect(validateEnvironment({ npm_lifecycle_event: 'start', LOG_FORMAT: 'json' }).LOG_FORMAT).toBe('json');
    expect(validateEnvironment({ npm_lifecycle_event: 'start:prod' }).LOG_FORMAT).toBe('json');
    expect(validateEnvironment({}).LOG_FORMAT).toBe('json');
  });

  it('reads declared variables and ignores the rest of the environment', () => {
    const env = validateEnvironment({ PORT: '8080', DATABASE_URL: 'postgres://u@h/db', HOME: '/root' });
    expect(env.PORT).toBe(8080);
    expect(env.DATABASE_URL).toBe('postgres://u@h/db');
    expect(env).not.toHaveProperty('HOME');
  });

  it.each([
    ['PORT', 'eighty'],
    ['BCRYPT_COST', '9'],
    ['BCRYPT_COST', '15'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'http://x'],
    ['RABBITMQ_URL', 'redis://x'],
    ['LOG_FORMAT', 'xml'],
    ['JWT_EXPIRES_IN', 'forever'],
    ['DEMO_SEED', 'maybe'],
    ['TRUST_PROXY', '-1'],
  ])('stops start-up on %s=%s with one message naming the variable', (name, value) => {
    expect(() => validateEnvironment({ [name]: value })).toThrow(ConfigError);
    expect(() => validateEnvironment({ [name]: value })).toThrow(
      new RegExp(`^Invalid configuration: ${name} `),
    );
  });

  it('never echoes a secret in the message', () => {
    expect(() => validateEnvironment({ SUPERADMIN_PASSWORD: 'short' })).toThrow(/SUPERADMIN_PASSWORD/);
    expect(() => validateEnvironment({ SUPERADMIN_PASSWORD: 'short' })).not.toThrow(/short"/);
  });

  it('derives the typed config', () => {
    const config = loadConfig({
      JWT_EXPIRES_IN: '90m',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      NODE_ENV: 'production',
      DEMO_SEED: '',
    });
    expect(config.jwt.expiresInSeconds).toBe(5400);
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.demoSeed).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development', DEMO_SEED: '' }).demoSeed).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', DEMO_SEED: 'false' }).demoSeed).toBe(false);
  });

  describe('image storage', () => {
    const s3 = {
      IMAGE_STORAGE: 's3',
      S3_BUCKET: 'menu-images',
      S3_PUBLIC_URL: 'https://cdn.example.com/menu/',
    };

    it('is local by default and needs no S3 variable', () => {
      const config = loadConfig({ IMAGE_STORAGE: '', S3_BUCKET: '', S3_PUBLIC_URL: '' });
      expect(config.images).toEqual({ storage: 'local', processingConcurrency: 1, s3: undefined });
    });

    it('reads the bucket settings with IMAGE_STORAGE=s3, with API.md defaults', () => {
      expect(loadConfig(s3).images.s3).toEqual({
        bucket: 'menu-images',
        region: 'us-east-1',
        endpoint: undefined,
        forcePathStyle: false,
        publicUrl: 'https://cdn.example.com/menu',
      });
      const minio = loadConfig({
        ...s3,
        S3_ENDPOINT: 'http://minio:9000',
        S3_FORCE_PATH_STYLE: 'true',
        S3_REGION: 'ap-northeast-2',
      });
      expect(minio.images.s3).toMatchObject({
        endpoint: 'http://minio:9000',
        forcePathStyle: true,
        region: 'ap-northeast-2',
      });
    });

    it.each(['S3_BUCKET', 'S3_PUBLIC_URL'])('refuses IMAGE_STORAGE=s3 without %s, naming it', (missing) => {
      const env: Record<string, string> = { ...s3, [missing]: '' };
      expect(() => validateEnvironment(env)).toThrow(
        new RegExp(`^Invalid configuration: ${missing} is required when IMAGE_STORAGE=s3`),
      );
      expect(() => validateEnvironment(env)).not.toThrow(/got/);
    });

    it.each([
      ['IMAGE_STORAGE', 'gcs'],
      ['S3_BUCKET', 'Not_A_Bucket'],
      ['S3_PUBLIC_URL', 'cdn.example.com'],
      ['S3_ENDPOINT', 'minio:9000'],
      ['S3_FORCE_PATH_STYLE', 'sometimes'],
      ['IMAGE_PROCESSING_CONCURRENCY', '0'],
    ])('refuses %s=%s', (name, value) => {
      expect(() => validateEnvironment({ ...s3, [name]: value })).toThrow(
        new RegExp(`^Invalid configuration: ${name} `),
      );
    });
  });
});
