import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import sharp from 'sharp';
import { ImageSweeper } from '../../src/modules/menus/image-sweeper';
import { IMAGE_NAME, IMAGE_STORAGE, type ImageStorage } from '../../src/modules/menus/storage/image-storage';
import { SERVICES, startApp, startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, StoreFixture, storeFixture } from '../utils/auth';
import { listKeys } from '../utils/s3';

/**
 * Menu images end to end, on whichever storage the suite runs: the local disk under `npm test`, the S3 bucket of
 * the test S3 server under `npm run test:services`. Images are fetched at the URL the API gives, as a tablet does.
 */
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'images');
const fixture = (name: string): Buffer => fs.readFileSync(path.join(FIXTURES, name));
const UUID_NAME = (ext: string): RegExp =>
  new RegExp(`/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}\\.${ext}$`);
const IMMUTABLE = 'public, max-age=31536000, immutable';
const ROOT = path.resolve(__dirname, '../..');

interface Menu {
  id: string;
  imageUrl: string | null;
  thumbnailUrl: string | null;
}

describe('menu images', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };
  let a: StoreFixture;
  let categoryId: string;
  const admin = (): [string, string] => bearer(a.admin.token);

  beforeAll(async () => {
    t = await startTestApp();
    a = await storeFixture(t, 1);
    const category = await t
      .http()
      .post('/api/v1/admin/categories')
      .set(...admin())
      .send({ name: 'Pictures' })
      .expect(201);
    categoryId = category.body.id as string;
    // Start-up and two logins; generous, as a loaded CI machine may need more than the default minute.
  }, 120_000);
  afterAll(async () => {
    await t.stop();
  });

  const newMenu = async (): Promise<Menu> =>
    (
      await t
        .http()
        .post('/api/v1/admin/menus')
        .set(...admin())
        .send({ categoryId, name: `Dish ${Math.random().toString(36).slice(2, 8)}`, price: 1000 })
        .expect(201)
    ).body as Menu;
  const put = (id: string) =>
    t
      .http()
      .put(`/api/v1/admin/menus/${id}/image`)
      .set(...admin());
  const getMenu = async (id: string): Promise<Menu> =>
    (
      await t
        .http()
        .get(`/api/v1/admin/menus/${id}`)
        .set(...admin())
        .expect(200)
    ).body as Menu;

  /** An image at its URL: the service's /uploads for local storage, the bucket's public URL for s3. */
  async function fetchImage(url: string) {
    const res = await fetch(new URL(url, t.url));
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      cacheControl: res.headers.get('cache-control'),
      body: Buffer.from(await res.arrayBuffer()),
    };
  }

  /** Every image the storage holds. */
  async function stored(): Promise<string[]> {
    if (t.config.images.s3) return listKeys(t.config.images.s3.bucket);
    const dir = t.config.uploadsDir;
    return fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((n) => IMAGE_NAME.test(n))
          .sort()
      : [];
  }
  const nameOf = (url: string | null): string => path.posix.basename(url ?? '');

  /** A phone photo: 4032 × 3024 stored sideways (EXIF orientation 6), with GPS in its EXIF and a P3 profile. */
  async function phonePhoto(): Promise<Buffer> {
    const top = await sharp({ create: { width: 4032, height: 1512, channels: 3, background: '#d02020' } })
      .png()
      .toBuffer();
    return sharp({ create: { width: 4032, height: 3024, channels: 3, background: '#2040c0' } })
      .composite([{ input: top, top: 0, left: 0 }])
      .withIccProfile('p3')
      .withExif({
        IFD0: { Make: 'PhoneMaker', Model: 'Phone 15' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 59/1', GPSLongitudeRef: 'E' },
      })
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 92 })
      .toBuffer();
  }

  it.each([
    ['sample.jpg', 'jpg', 'image/jpeg', 'jpeg'],
    ['sample.png', 'png', 'image/png', 'png'],
    ['sample.webp', 'webp', 'image/webp', 'webp'],
  ])(
    'accepts %s by its bytes: a display image in the same format and a WebP thumbnail, cached forever',
    async (file, ext, type, format) => {
      const menu = await newMenu();
      // Misleading name and declared type on purpose: only the bytes count.
      const res = await put(menu.id)
        .attach('image', fixture(file), { filename: 'upload.bin', contentType: 'application/octet-stream' })
        .expect(200);
      expect(res.body).toMatchObject({
        id: menu.id,
        imageUrl: expect.stringMatching(UUID_NAME(ext)),
        thumbnailUrl: expect.stringMatching(UUID_NAME('webp')),
      });
      const display = await fetchImage(res.body.imageUrl);
      expect(display).toMatchObject({ status: 200, type, cacheControl: IMMUTABLE });
      // Re-encoded, never enlarged: the 16 × 16 original stays 16 × 16.
      expect(await sharp(display.body).metadata()).toMatchObject({ format, width: 16, height: 16 });
      const thumbnail = await fetchImage(res.body.thumbnailUrl);
      expect(thumbnail).toMatchObject({ status: 200, type: 'image/webp', cacheControl: IMMUTABLE });
      expect(await sharp(thumbnail.body).metadata()).toMatchObject({ format: 'webp', width: 16, height: 16 });
      expect(await getMenu(menu.id)).toMatchObject({
        imageUrl: res.body.imageUrl,
        thumbnailUrl: res.body.thumbnailUrl,
      });
      const view = await t
        .http()
        .get('/api/v1/menu')
        .set(...bearer(a.tables[0].token))
        .expect(200);
      const items = (view.body.categories as Array<{ items: Array<Menu> }>).flatMap((c) => c.items);
      expect(items.find((i) => i.id === menu.id)).toMatchObject({
        imageUrl: res.body.imageUrl,
        thumbnailUrl: res.body.thumbnailUrl,
      });
    },
  );

  it('turns a 4032 × 3024 phone photo upright, fits it in 1600 px and 300 px, drops EXIF, GPS and ICC', async () => {
    const photo = await phonePhoto();
    expect(await sharp(photo).metadata()).toMatchObject({ width: 4032, height: 3024, orientation: 6 });
    const menu = await newMenu();
    const res = await put(menu.id).attach('image', photo, 'IMG_0001.jpg').expect(200);

    const display = await fetchImage(res.body.imageUrl);
    const shown = await sharp(display.body).metadata();
    expect(shown).toMatchObject({ format: 'jpeg', width: 1200, height: 1600 });
    for (const block of ['exif', 'icc', 'iptc', 'xmp', 'orientation'] as const) {
      expect(shown[block]).toBeUndefined();
    }
    expect(display.body.includes('PhoneMaker')).toBe(false);
    // Upright: the original's red top half is now the right half.
    const { data, info } = await sharp(display.body).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number): number[] => [
      ...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3),
    ];
    expect(at(1100, 800)[0]).toBeGreaterThan(180);
    expect(at(100, 800)[2]).toBeGreaterThan(150);

    const thumb = await sharp((await fetchImage(res.body.thumbnailUrl)).body).metadata();
    expect(thumb).toMatchObject({ format: 'webp', width: 225, height: 300 });
    expect(thumb.exif).toBeUndefined();
    expect(thumb.icc).toBeUndefined();
  });

  it('stores every upload under new names, even the same bytes twice', async () => {
    const menu = await newMenu();
    const first = (await put(menu.id).attach('image', fixture('sample.png'), 'a.png').expect(200))
      .body as Menu;
    const second = (await put(menu.id).attach('image', fixture('sample.png'), 'a.png').expect(200))
      .body as Menu;
    expect(second.imageUrl).not.toBe(first.imageUrl);
    expect(second.thumbnailUrl).not.toBe(first.thumbnailUrl);
  });

  it('deletes the old objects after a replace, a DELETE of the image and a menu delete', async () => {
    const menu = await newMenu();
    const first = (await put(menu.id).attach('image', fixture('sample.png'), 'a.png').expect(200))
      .body as Menu;
    expect(await stored()).toEqual(
      expect.arrayContaining([nameOf(first.imageUrl), nameOf(first.thumbnailUrl)]),
    );

    const second = (await put(menu.id).attach('image', fixture('sample.webp'), 'b.webp').expect(200))
      .body as Menu;
    for (const url of [first.imageUrl!, first.thumbnailUrl!]) {
      expect((await fetchImage(url)).status).toBe(404);
      expect(await stored()).not.toContain(nameOf(url));
    }
    expect((await fetchImage(second.imageUrl!)).status).toBe(200);

    const cleared = await t
      .http()
      .delete(`/api/v1/admin/menus/${menu.id}/image`)
      .set(...admin())
      .expect(200);
    expect(cleared.body).toMatchObject({ id: menu.id, imageUrl: null, thumbnailUrl: null });
    for (const url of [second.imageUrl!, second.thumbnailUrl!]) {
      expect((await fetchImage(url)).status).toBe(404);
      expect(await stored()).not.toContain(nameOf(url));
    }
    // Removing an image that is not there is still a 200 with both URLs null.
    await t
      .http()
      .delete(`/api/v1/admin/menus/${menu.id}/image`)
      .set(...admin())
      .expect(200);

    const third = (await put(menu.id).attach('image', fixture('sample.jpg'), 'c.jpg').expect(200))
      .body as Menu;
    await t
      .http()
      .delete(`/api/v1/admin/menus/${menu.id}`)
      .set(...admin())
      .expect(204);
    for (const url of [third.imageUrl!, third.thumbnailUrl!]) {
      expect((await fetchImage(url)).status).toBe(404);
      expect(await stored()).not.toContain(nameOf(url));
    }
  });

  it('refuses with 415, storing nothing and changing nothing: a truncated JPEG, text named .png, a GIF', async () => {
    const menu = await newMenu();
    const kept = (await put(menu.id).attach('image', fixture('sample.png'), 'a.png').expect(200))
      .body as Menu;
    const before = await stored();
    const whole = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    const truncated = whole.subarray(0, Math.floor(whole.length / 2));
    expect(truncated.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    for (const [bytes, filename] of [
      [truncated, 'cut.jpg'],
      [Buffer.from('just some text, not an image\n'), 'photo.png'],
      [fixture('sample.gif'), 'x.png'],
    ] as const) {
      const res = await put(menu.id).attach('image', bytes, { filename, contentType: 'image/png' });
      expect(res.status).toBe(415);
      expect(res.body.error_code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    expect(await stored()).toEqual(before);
    expect(await getMenu(menu.id)).toMatchObject({
      imageUrl: kept.imageUrl,
      thumbnailUrl: kept.thumbnailUrl,
    });
  });

  it('accepts exactly 5 MB and refuses one byte more with 413 PAYLOAD_TOO_LARGE', async () => {
    const menu = await newMenu();
    const jpeg = fixture('sample.jpg');
    // A JPEG followed by padding: decoders stop at its end-of-image marker.
    const exact = Buffer.alloc(5 * 1024 * 1024);
    jpeg.copy(exact);
    const ok = await put(menu.id).attach('image', exact, 'big.jpg');
    expect(ok.status).toBe(200);
    const tooBig = Buffer.alloc(5 * 1024 * 1024 + 1);
    jpeg.copy(tooBig);
    const res = await put(menu.id).attach('image', tooBig, 'bigger.jpg');
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 413, error_code: 'PAYLOAD_TOO_LARGE' });
    expect((await getMenu(menu.id)).imageUrl).toBe(ok.body.imageUrl);
  });

  it('answers 400 without a file or with the file in another field', async () => {
    const menu = await newMenu();
    const none = await put(menu.id).field('note', 'no file');
    expect(none.status).toBe(400);
    expect(none.body.error_code).toBe('VALIDATION_ERROR');
    expect((await put(menu.id).send({ image: 'x' })).status).toBe(400);
    const wrongField = await put(menu.id).attach('picture', fixture('sample.png'), 'a.png');
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.error_code).toBe('VALIDATION_ERROR');
  });

  it('answers 503 with the storage down, and leaves the menu and its image as they were', async () => {
    const menu = await newMenu();
    const kept = (await put(menu.id).attach('image', fixture('sample.png'), 'a.png').expect(200))
      .body as Menu;
    const before = await stored();
    const upload = async (instance: TestApp) =>
      instance
        .http()
        .put(`/api/v1/admin/menus/${menu.id}/image`)
        .set(...admin())
        .attach('image', fixture('sample.jpg'), 'new.jpg');
    if (SERVICES) {
      // A second instance on the same database whose bucket endpoint refuses connections.
      const down = await startApp(t.env, { S3_ENDPOINT: await closedEndpoint() });
      try {
        const res = await upload(down);
        expect(res.status).toBe(503);
        expect(res.body.error_code).toBe('SERVICE_UNAVAILABLE');
        const ready = await down.http().get('/health/ready');
        expect(ready.status).toBe(503);
        expect(ready.body.checks.storage).toMatchObject({ status: 'down' });
        const healthy = await t.http().get('/health/ready').expect(200);
        expect(healthy.body.details.storage).toMatchObject({ status: 'up' });
      } finally {
        await down.close();
      }
    } else {
      // The uploads directory replaced by a plain file: every write fails.
      const dir = t.config.uploadsDir;
      fs.renameSync(dir, `${dir}.away`);
      fs.writeFileSync(dir, 'not a directory');
      try {
        const res = await upload(t);
        expect(res.status).toBe(503);
        expect(res.body.error_code).toBe('SERVICE_UNAVAILABLE');
      } finally {
        fs.rmSync(dir);
        fs.renameSync(`${dir}.away`, dir);
      }
    }
    expect(await getMenu(menu.id)).toMatchObject({
      imageUrl: kept.imageUrl,
      thumbnailUrl: kept.thumbnailUrl,
    });
    expect(await stored()).toEqual(before);
    expect((await fetchImage(kept.imageUrl!)).status).toBe(200);
  });

  it('sweeps orphans (stored, referenced by no menu, older than the grace period) and nothing else', async () => {
    const menu = await newMenu();
    const kept = (await put(menu.id).attach('image', fixture('sample.png'), 'a.png').expect(200))
      .body as Menu;
    // What a crash between an upload's storage write and its commit leaves behind.
    const orphan = await t.app.get<ImageStorage>(IMAGE_STORAGE).save(fixture('sample.jpg'), 'jpg');
    const sweeper = t.app.get(ImageSweeper);
    // Too young: an upload may still be on its way to its commit.
    await sweeper.sweep();
    expect(await stored()).toContain(orphan);
    const later = new Date(Date.now() + 2 * 3_600_000);
    const { removed } = await sweeper.sweep(undefined, later);
    expect(removed).toBeGreaterThanOrEqual(1);
    const left = await stored();
    expect(left).not.toContain(orphan);
    expect(left).toEqual(expect.arrayContaining([nameOf(kept.imageUrl), nameOf(kept.thumbnailUrl)]));
    expect((await fetchImage(kept.imageUrl!)).status).toBe(200);
  });

  it('serves only stored names at /uploads: traversal and other names are 404', async () => {
    const dir = t.config.uploadsDir;
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const url of [
      '/uploads/secret.txt',
      '/uploads/..%2F..%2Fetc%2Fpasswd',
      '/uploads/%2e%2e%2fpgdata',
      `/uploads/${unknown}.png`,
      `/uploads/${unknown}.PNG`,
      `/uploads/${unknown}.svg`,
    ]) {
      const res = await t.http().get(url);
      expect(res.status).toBe(404);
      expect(res.body.error_code).toBe('NOT_FOUND');
    }
  });

  it('refuses to start with IMAGE_STORAGE=s3 and no S3_BUCKET, naming the variable', async () => {
    const proc = spawn(
      path.join(ROOT, 'node_modules/.bin/node'),
      ['-r', 'ts-node/register/transpile-only', 'src/main.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...t.env.vars,
          PORT: '0',
          IMAGE_STORAGE: 's3',
          S3_BUCKET: '',
          S3_PUBLIC_URL: 'https://cdn.example.com/menu',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(code).toBe(1);
    expect(output.trim()).toBe(
      'Invalid configuration: S3_BUCKET is required when IMAGE_STORAGE=s3, and must be an S3 bucket name (3-63 of [a-z0-9.-])',
    );
  });
});

/** http://127.0.0.1:<a port nothing listens on>: connections are refused at once. */
async function closedEndpoint(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
