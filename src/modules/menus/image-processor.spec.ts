import * as fs from 'node:fs';
import * as os from 'node:os';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import type { AppConfig } from '../../config';
import { ImageProcessor } from './image-processor';

const processor = new ImageProcessor({ images: { processingConcurrency: 1 } } as AppConfig);

/** A picture whose top half is red and bottom half blue, so a rotation shows in the pixels. */
async function halves(width: number, height: number): Promise<sharp.Sharp> {
  const top = await sharp({
    create: { width, height: Math.round(height / 2), channels: 3, background: '#ff0000' },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#0000ff' } }).composite([
    { input: top, top: 0, left: 0 },
  ]);
}

/** The colour of one pixel, as [r, g, b]. */
async function pixel(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at], data[at + 1], data[at + 2]];
}

/** A PNG that only declares its size: the header of a decompression bomb. */
function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Linux's number for the SCHED_IDLE policy, as /proc/<pid>/task/<tid>/sched shows it. */
const SCHED_IDLE = 5;

/** This process's libvips worker threads with their niceness and scheduling policy. */
function imageThreads(): Array<{ nice: number; policy: number }> {
  const threads: Array<{ nice: number; policy: number }> = [];
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      if (fs.readFileSync(`/proc/self/task/${tid}/comm`, 'latin1').trim() !== 'libvips worker') continue;
      const policy = /^policy\s*:\s*(\d+)/m.exec(fs.readFileSync(`/proc/self/task/${tid}/sched`, 'latin1'));
      threads.push({ nice: os.getPriority(Number(tid)), policy: Number(policy?.[1]) });
    } catch {
      // the thread ended meanwhile
    }
  }
  return threads;
}

describe('ImageProcessor', () => {
  (process.platform === 'linux' ? it : it.skip)(
    'does the pixel work on threads that yield the CPU to requests: niceness 19, SCHED_IDLE',
    async () => {
      const photo = await (await halves(2400, 1800)).jpeg().toBuffer();
      await processor.process(photo);
      // The policy is set by `chrt`, which runs beside the upload: give it a moment.
      let threads = imageThreads();
      for (let waited = 0; waited < 5000 && threads.some((t) => t.policy !== SCHED_IDLE); waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        threads = imageThreads();
      }
      expect(threads.length).toBeGreaterThan(0);
      expect(threads).toEqual(threads.map(() => ({ nice: 19, policy: SCHED_IDLE })));
    },
  );

  it('turns a JPEG upright by its EXIF orientation, fits it in 1600 px, drops EXIF, GPS and ICC', async () => {
    // 2400 × 1200 stored sideways: orientation 6 means "rotate 90° clockwise to display", so upright it is
    // 1200 wide and 2400 high, red on the right.
    const input = await (
      await halves(2400, 1200)
    )
      .withIccProfile('p3')
      .withExif({
        IFD0: { Make: 'PhoneMaker', Copyright: 'someone' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 0/1' },
      })
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 90 })
      .toBuffer();
    const before = await sharp(input).metadata();
    expect(before).toMatchObject({ width: 2400, height: 1200, orientation: 6 });
    expect(before.exif).toBeDefined();
    expect(before.icc).toBeDefined();

    const { display, thumbnail } = await processor.process(input);
    expect(display.ext).toBe('jpg');
    const shown = await sharp(display.data).metadata();
    expect(shown).toMatchObject({ format: 'jpeg', width: 800, height: 1600 });
    expect(shown.exif).toBeUndefined();
    expect(shown.icc).toBeUndefined();
    expect(shown.xmp).toBeUndefined();
    expect(shown.iptc).toBeUndefined();
    expect(shown.orientation).toBeUndefined();
    // Upright: the red half (the original's top) is now on the right.
    expect((await pixel(display.data, 700, 800))[0]).toBeGreaterThan(200);
    expect((await pixel(display.data, 100, 800))[2]).toBeGreaterThan(200);

    expect(thumbnail.ext).toBe('webp');
    const thumb = await sharp(thumbnail.data).metadata();
    expect(thumb).toMatchObject({ format: 'webp', width: 150, height: 300 });
    expect(thumb.exif).toBeUndefined();
    expect(thumb.icc).toBeUndefined();
  });

  it('never enlarges: a small PNG keeps its size, and so does its thumbnail', async () => {
    const input = await (await halves(200, 120)).png().toBuffer();
    const { display, thumbnail } = await processor.process(input);
    expect(display.ext).toBe('png');
    expect(await sharp(display.data).metadata()).toMatchObject({ format: 'png', width: 200, height: 120 });
    expect(await sharp(thumbnail.data).metadata()).toMatchObject({ format: 'webp', width: 200, height: 120 });
  });

  it('keeps WebP as WebP and the aspect ratio of a wide picture', async () => {
    const input = await (await halves(4000, 500)).webp().toBuffer();
    const { display, thumbnail } = await processor.process(input);
    expect(display.ext).toBe('webp');
    expect(await sharp(display.data).metadata()).toMatchObject({ format: 'webp', width: 1600, height: 200 });
    const thumb = await sharp(thumbnail.data).metadata();
    expect(thumb).toMatchObject({ format: 'webp', width: 300 });
    expect(Math.abs((thumb.height ?? 0) - 37.5)).toBeLessThanOrEqual(1);
  });

  it.each([
    ['JPEG', (s: sharp.Sharp) => s.jpeg()],
    ['PNG', (s: sharp.Sharp) => s.png()],
    ['WebP', (s: sharp.Sharp) => s.webp()],
  ])('refuses a truncated %s whose signature is valid with 415', async (_name, encode) => {
    const whole = await encode(await halves(640, 480)).toBuffer();
    const truncated = whole.subarray(0, Math.floor(whole.length * 0.6));
    await expect(processor.process(truncated)).rejects.toMatchObject({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      detail: expect.stringMatching(/^the image could not be decoded/),
    });
  });

  it('refuses bytes that are no image, and types the API does not take, with 415', async () => {
    await expect(processor.process(Buffer.from('not an image at all'))).rejects.toMatchObject({
      status: 415,
    });
    const gif = await (await halves(20, 20)).gif().toBuffer();
    await expect(processor.process(gif)).rejects.toMatchObject({ status: 415 });
  });

  it('refuses a decompression bomb (a small file declaring 400 megapixels) before decoding it', async () => {
    const bomb = pngHeader(20_000, 20_000);
    expect(bomb.length).toBeLessThan(100);
    await expect(processor.process(bomb)).rejects.toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });
});
