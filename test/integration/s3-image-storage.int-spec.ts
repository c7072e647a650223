import { randomBytes } from 'node:crypto';
import type { S3Settings } from '../../src/config';
import { S3ImageStorage } from '../../src/modules/menus/storage/s3-image-storage';
import { startApp, startTestApp } from '../utils/app';
import { createBucket, deleteBucket, getObject, listKeys, S3_ENDPOINT } from '../utils/s3';

/**
 * S3ImageStorage against the S3-protocol server of this machine (.ci/services.sh: s3rver). The SDK's default
 * `aws-chunked` streaming with trailing checksums is exactly what some S3-compatible stores keep verbatim in the
 * object, so the bytes read back must be the bytes written, through the SDK and through the public URL.
 */
describe('S3ImageStorage against a real S3-protocol server', () => {
  const bucket = `table-order-int-${randomBytes(4).toString('hex')}`;
  const settings: S3Settings = {
    bucket,
    region: 'us-east-1',
    endpoint: S3_ENDPOINT,
    forcePathStyle: true,
    publicUrl: `${S3_ENDPOINT}/${bucket}`,
  };
  let storage: S3ImageStorage;

  beforeAll(async () => {
    await createBucket(bucket);
    storage = new S3ImageStorage(settings);
  });
  afterAll(async () => {
    storage.onApplicationShutdown();
    await deleteBucket(bucket).catch(() => undefined);
  });

  it.each([
    ['jpg', 'image/jpeg', 1],
    ['webp', 'image/webp', 70_000],
    ['png', 'image/png', 4 * 1024 * 1024 + 13],
  ] as const)(
    'stores a %s (%s) of %i bytes byte for byte, with its Content-Type and the immutable Cache-Control',
    async (ext, type, size) => {
      const bytes = randomBytes(size);
      const name = await storage.save(bytes, ext);
      expect(name).toMatch(new RegExp(`^[0-9a-f-]{36}\\.${ext}$`));
      const object = await getObject(bucket, name);
      expect(object.body.length).toBe(size);
      expect(object.body.equals(bytes)).toBe(true);
      expect(object.contentType).toBe(type);
      expect(object.cacheControl).toBe('public, max-age=31536000, immutable');
      const res = await fetch(storage.url(name));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    },
  );

  it('lists what it stored and removes it; removing a missing or foreign name is not an error', async () => {
    const name = await storage.save(randomBytes(100), 'png');
    const listed: string[] = [];
    for await (const image of storage.list()) listed.push(image.name);
    expect(listed).toContain(name);
    await storage.remove(name);
    expect(await listKeys(bucket)).not.toContain(name);
    await expect(storage.remove(name)).resolves.toBeUndefined();
    await expect(storage.remove('../not-an-image-name')).resolves.toBeUndefined();
  });

  it('checks the bucket: an existing one passes, a missing one fails', async () => {
    await expect(storage.check(new AbortController().signal)).resolves.toBeUndefined();
    const missing = new S3ImageStorage({ ...settings, bucket: `${bucket}-missing` });
    await expect(missing.check(new AbortController().signal)).rejects.toThrow();
    missing.onApplicationShutdown();
  });

  it('makes the bucket a dependency of /health/ready', async () => {
    const t = await startTestApp();
    try {
      const ready = await t.http().get('/health/ready').expect(200);
      expect(ready.body.details.storage).toMatchObject({ status: 'up' });
      const noBucket = await startApp(t.env, { S3_BUCKET: `${bucket}-missing` });
      try {
        const res = await noBucket.http().get('/health/ready');
        expect(res.status).toBe(503);
        expect(res.body.error_code).toBe('SERVICE_UNAVAILABLE');
        expect(res.body.detail).toMatch(/storage/);
        expect(res.body.checks.storage).toMatchObject({ status: 'down' });
      } finally {
        await noBucket.close();
      }
    } finally {
      await t.stop();
    }
  });
});
